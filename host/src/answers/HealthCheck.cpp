#include "answers/HealthCheck.h"

namespace ha {

HealthCheck::HealthCheck(const AnswerCatalog& answers, const ToolCatalog& tools) : answers_(answers) {
    for (const auto& answerer : answers_.all()) {
        std::vector<size_t> indexes;
        for (const CheckRequest& request : answerer->profile().checks) {
            // Only the plugin's own capabilities: its checks read its own data.
            const ToolCatalog::Entry* entry = tools.find(request.capability);
            if (entry == nullptr || entry->tool->info().pluginId != answerer->plugin()) continue;
            size_t i = 0;
            while (i < plan_.size() && !(plan_[i].capability == request.capability && plan_[i].arguments == request.arguments)) ++i;
            if (i == plan_.size()) plan_.push_back({request.capability, request.arguments});
            indexes.push_back(i);
        }
        planIndexes_.push_back(std::move(indexes));
    }
}

HealthReport HealthCheck::evaluate(const std::vector<ToolExecution>& executions, const CallContext& context) const {
    HealthReport report;
    for (const ToolExecution& ex : executions) report.calls.push_back(ex.record);
    const auto& answerers = answers_.all();
    for (size_t a = 0; a < answerers.size(); ++a) {
        std::vector<const ToolExecution*> results;
        for (size_t index : planIndexes_[a]) {
            if (index < executions.size()) results.push_back(&executions[index]);
        }
        std::string error;
        auto findings = answerers[a]->checks(results, context, error);
        if (!findings) {
            if (!error.empty()) report.sources.push_back({answerers[a]->plugin(), error});
            continue;
        }
        report.sources.push_back({answerers[a]->plugin(), ""});
        report.findings.insert(report.findings.end(), std::make_move_iterator(findings->begin()),
                               std::make_move_iterator(findings->end()));
    }
    report.finish();
    return report;
}

HealthReport HealthCheck::run(const ToolExecutor& executor, Deadline deadline, const CallContext& context) const {
    std::vector<ToolExecution> executions;
    for (const PlannedCall& call : plan_) {
        executions.push_back(executor.execute(call.capability, call.arguments, deadline, context));
    }
    return evaluate(executions, context);
}

}  // namespace ha
