// The single gate every tool call goes through, from the LLM loop or the direct API:
// resolve the name, ask the policy, validate the arguments against the schema, run with a
// deadline, and produce a record for the audit log.
#pragma once

#include "chat/Provider.h"
#include "policy/Policy.h"
#include "tools/ToolRegistry.h"
#include "util/Json.h"

#include <chrono>
#include <string>
#include <vector>

namespace ha {

struct ToolCallRecord {
    std::string id;          // tool_call_id from the model ("" for direct calls)
    std::string name;        // the name as requested
    std::string capability;  // resolved capability ("" when unknown)
    json::Var arguments;     // parsed arguments, or the raw text when they were not JSON
    std::string decision;    // "allowed" | "denied" | "unknown"
    std::string reason;      // the policy's reason
    CallStatus status = CallStatus::Internal;
    std::string error;
    double durationMs = 0;

    json::Object::Ptr toJson() const;
};

struct ToolExecution {
    ToolCallRecord record;
    json::Var result;  // when record.status is Ok
};

class ToolExecutor {
public:
    ToolExecutor(const ToolRegistry& registry, const Policy& policy, std::chrono::milliseconds defaultTimeout);

    // argumentsJson: JSON object text; "" means {}.
    ToolExecution execute(const std::string& name, const std::string& argumentsJson, Deadline outer) const;

    // Records a call that is refused without running it; the policy's own verdict wins if it denies.
    ToolExecution refuse(const std::string& name, const std::string& argumentsJson, const std::string& reason) const;

    // The tools an LLM may be offered: read-only and allowed by the policy.
    std::vector<FunctionSpec> offeredFunctions() const;

    const ToolRegistry& registry() const { return registry_; }
    const Policy& policy() const { return policy_; }

private:
    const ToolRegistry& registry_;
    const Policy& policy_;
    std::chrono::milliseconds defaultTimeout_;
};

}  // namespace ha
