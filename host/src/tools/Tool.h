// A capability the assistant can call, as the host sees it (plugins are adapted to this).
#pragma once

#include "policy/Policy.h"
#include "tools/CallStatus.h"
#include "util/CallContext.h"
#include "util/Deadline.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>

#include <chrono>
#include <string>

namespace ha {

struct ToolInfo {
    std::string capability;   // "disk.usage"
    std::string function;     // name offered to an LLM: "disk_usage"
    std::string description;
    std::string inputSchema;  // JSON Schema text
    Poco::JSON::Object::Ptr inputSchemaObject;
    Effect effect = Effect::Mutating;
    std::chrono::milliseconds timeout{0};  // 0: the host's default
    std::string pluginId;
    bool instant = false;     // HA_CAPABILITY_INSTANT: the plugin says it answers at once
    bool fromMemory = false;  // HA_CAPABILITY_FROM_MEMORY: it often has the answer in memory
};

struct ToolOutput {
    CallStatus status = CallStatus::Internal;
    Poco::Dynamic::Var result;  // parsed result document when status is Ok
    std::string error;          // message otherwise
};

class Tool {
public:
    virtual ~Tool() = default;
    virtual const ToolInfo& info() const = 0;
    // Runs with already validated input. [thread-safe]
    virtual ToolOutput invoke(const std::string& inputJson, Deadline deadline, const CallContext& context) = 0;
};

}  // namespace ha
