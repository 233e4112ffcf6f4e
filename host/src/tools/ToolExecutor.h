// The single gate every tool call goes through, from a model, the offline provider, the health
// checks or the direct API: resolve the name, ask the policy, validate the arguments against the
// schema, run with a deadline, and produce a record for the audit log.
#pragma once

#include "metrics/Metrics.h"
#include "policy/Policy.h"
#include "tools/ToolCatalog.h"
#include "tools/ToolExecution.h"
#include "tools/ToolRegistry.h"
#include "util/CallContext.h"
#include "util/Json.h"

#include <chrono>
#include <string>
#include <vector>

namespace ha {

class ToolExecutor {
public:
    // metrics, when given, counts and times every call (refused ones too).
    ToolExecutor(const ToolRegistry& registry, const Policy& policy, std::chrono::milliseconds defaultTimeout,
                 metrics::Metrics* metrics = nullptr);

    // argumentsJson: JSON object text; "" means {}. [thread-safe]
    ToolExecution execute(const std::string& name, const std::string& argumentsJson, Deadline outer,
                          const CallContext& context = {}) const;

    // Records a call that is refused without running it; the policy's own verdict wins if it denies.
    ToolExecution refuse(const std::string& name, const std::string& argumentsJson, const std::string& reason) const;

    // The tools an LLM may be offered: read-only and allowed by the policy.
    const std::vector<FunctionSpec>& offeredFunctions() const { return catalog_.offered(); }

    const ToolRegistry& registry() const { return registry_; }
    const Policy& policy() const { return policy_; }
    const ToolCatalog& catalog() const { return catalog_; }

private:
    void count(const ToolCallRecord& record) const;

    const ToolRegistry& registry_;
    const Policy& policy_;
    ToolCatalog catalog_;
    std::chrono::milliseconds defaultTimeout_;
    metrics::Metrics* metrics_;
};

}  // namespace ha
