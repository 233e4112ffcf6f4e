// A language model (or the embedded offline responder) as the orchestrator sees it.
#pragma once

#include "answers/Subject.h"
#include "chat/Message.h"
#include "tools/CallStatus.h"
#include "tools/FunctionSpec.h"
#include "util/CallContext.h"
#include "util/Deadline.h"

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ha {

// One model turn's input.
struct ChatRequest {
    const std::vector<Message>& messages;
    const std::vector<FunctionSpec>& functions;  // empty: answer in text
    Deadline deadline;
    const CallContext& context;
    const std::optional<Subject>& subject;  // what the conversation's last answer was about
};

struct ProviderReply {
    std::string content;
    std::vector<ToolCall> toolCalls;
    std::string finishReason;
    std::string model;
    std::optional<Subject> subject;  // what this answer is about (offline provider only)
};

class ProviderError : public std::runtime_error {
public:
    ProviderError(CallStatus status, const std::string& message) : std::runtime_error(message), status_(status) {}
    CallStatus status() const { return status_; }

private:
    CallStatus status_;
};

class Provider {
public:
    virtual ~Provider() = default;
    // "offline", "groq", "openai", or a third-party plugin's id.
    virtual std::string name() const = 0;
    // One model turn. Throws ProviderError. [thread-safe]
    virtual ProviderReply chat(const ChatRequest& request) = 0;
    // False for a provider that reads tool results from Message::execution only (the offline
    // one): the orchestrator then leaves a tool message's content, the text a model reads, empty.
    virtual bool readsToolContent() const { return true; }
};

}  // namespace ha
