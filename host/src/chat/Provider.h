// A language model (or the embedded offline responder) as the orchestrator sees it.
#pragma once

#include "tools/CallStatus.h"
#include "util/Deadline.h"
#include "util/Json.h"

#include <stdexcept>
#include <string>
#include <vector>

namespace ha {

// A tool offered to the model, in Chat Completions "function" terms.
struct FunctionSpec {
    std::string function;    // "disk_usage"
    std::string capability;  // "disk.usage"
    std::string description;
    json::Object::Ptr parameters;  // JSON Schema
};

struct ToolCallRequest {
    std::string id;
    std::string function;
    std::string arguments;  // JSON text exactly as the model produced it (may be invalid)
};

struct ProviderReply {
    std::string content;
    std::vector<ToolCallRequest> toolCalls;
    std::string finishReason;
    std::string model;
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
    // "offline", "groq", "openai", ...
    virtual std::string name() const = 0;
    // One model turn. messages: Chat Completions messages. Throws ProviderError. [thread-safe]
    virtual ProviderReply chat(const json::Array::Ptr& messages, const std::vector<FunctionSpec>& tools,
                               Deadline deadline) = 0;
};

}  // namespace ha
