// One message of a conversation, typed: only the provider adapter turns it into provider/1
// JSON. A tool message also carries what ran (host side only, never sent to a model), so the
// offline provider reads results without parsing the text a model would get.
#pragma once

#include "tools/ToolExecution.h"

#include <memory>
#include <string>
#include <vector>

namespace ha {

struct ToolCall {
    std::string id;
    std::string function;   // the function name, as the model gave it
    std::string arguments;  // JSON text exactly as the model produced it (may be invalid)
};

struct Message {
    enum class Role { System, User, Assistant, Tool };

    Role role = Role::User;
    std::string content;
    std::vector<ToolCall> toolCalls;  // assistant
    std::string toolCallId;           // tool
    std::string name;                 // tool: the function that ran
    std::shared_ptr<const ToolExecution> execution;  // tool: the call as the gate ran it

    static Message system(std::string content);
    static Message user(std::string content);
    static Message assistant(std::string content, std::vector<ToolCall> calls = {});
    static Message tool(const ToolCall& call, std::string content, std::shared_ptr<const ToolExecution> execution);
};

const char* roleName(Message::Role role);

}  // namespace ha
