// The record of one tool call (what the audit log keeps) and its result.
#pragma once

#include "tools/CallStatus.h"
#include "util/Json.h"

#include <string>

namespace ha {

struct ToolCallRecord {
    std::string id;          // tool_call_id from the model ("" for direct calls)
    std::string name;        // the name as requested
    std::string capability;  // resolved capability ("" when unknown)
    std::string plugin;      // id of the plugin that provides it ("" when unknown)
    json::Var arguments;     // parsed arguments, or the raw text when they were not JSON
    std::string decision;    // "allowed" | "denied" | "unknown"
    std::string reason;      // the policy's reason, or why the call was refused
    CallStatus status = CallStatus::Internal;
    std::string error;
    double durationMs = 0;

    bool ran() const { return decision == "allowed" && status != CallStatus::InvalidArgument; }
    // The record as one JSON object: what the audit log keeps of a call.
    void write(json::Writer& w) const;
    json::Object::Ptr toJson() const;  // the same object as a document
};

struct ToolExecution {
    ToolCallRecord record;
    json::Var result;  // when record.status is Ok
};

}  // namespace ha
