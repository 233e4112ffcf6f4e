#include "chat/Message.h"

namespace ha {

Message Message::system(std::string content) {
    Message m;
    m.role = Role::System;
    m.content = std::move(content);
    return m;
}

Message Message::user(std::string content) {
    Message m;
    m.role = Role::User;
    m.content = std::move(content);
    return m;
}

Message Message::assistant(std::string content, std::vector<ToolCall> calls) {
    Message m;
    m.role = Role::Assistant;
    m.content = std::move(content);
    m.toolCalls = std::move(calls);
    return m;
}

Message Message::tool(const ToolCall& call, std::string content, std::shared_ptr<const ToolExecution> execution) {
    Message m;
    m.role = Role::Tool;
    m.toolCallId = call.id;
    m.name = call.function;
    m.content = std::move(content);
    m.execution = std::move(execution);
    return m;
}

const char* roleName(Message::Role role) {
    switch (role) {
        case Message::Role::System: return "system";
        case Message::Role::User: return "user";
        case Message::Role::Assistant: return "assistant";
        case Message::Role::Tool: return "tool";
    }
    return "user";
}

}  // namespace ha
