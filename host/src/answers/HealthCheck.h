// Runs every plugin's health checks: the calls their profiles ask for (each once, through the
// tool gate), then each plugin's checks() on its results. The offline provider issues the calls
// as tool calls of its turn (so they are audited like a model's); GET /v1/status runs them here.
#pragma once

#include "answers/AnswerCatalog.h"
#include "answers/HealthReport.h"
#include "tools/ToolCatalog.h"
#include "tools/ToolExecutor.h"

#include <string>
#include <vector>

namespace ha {

struct PlannedCall {
    std::string capability;
    std::string arguments;  // JSON object text
};

class HealthCheck {
public:
    HealthCheck(const AnswerCatalog& answers, const ToolCatalog& tools);

    // The calls every plugin's checks need, each once, in plugin order. Capabilities that do
    // not exist or belong to another plugin are left out; denied ones stay (the gate refuses
    // them and the plugin is told).
    const std::vector<PlannedCall>& plan() const { return plan_; }

    // Findings from the executions of plan(), in the same order.
    HealthReport evaluate(const std::vector<ToolExecution>& executions, const CallContext& context) const;

    // plan(), executed through the gate, then evaluate().
    HealthReport run(const ToolExecutor& executor, Deadline deadline, const CallContext& context) const;

private:
    const AnswerCatalog& answers_;
    std::vector<PlannedCall> plan_;
    std::vector<std::vector<size_t>> planIndexes_;  // per answerer: its requests' positions in plan_
};

}  // namespace ha
