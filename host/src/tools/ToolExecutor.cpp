#include "tools/ToolExecutor.h"

#include "tools/SchemaValidator.h"
#include "util/Text.h"

#include <cmath>

namespace ha {

void ToolCallRecord::write(json::Writer& w) const {
    w.startObject();
    if (!id.empty()) w.member("id", id);
    w.member("name", capability.empty() ? name : capability);
    if (!plugin.empty()) w.member("plugin", plugin);
    w.member("arguments", arguments);
    w.member("decision", decision).member("reason", reason).member("status", toString(status));
    if (!error.empty()) w.member("error", error);
    w.key("duration_ms").number(std::round(durationMs * 1000.0) / 1000.0);
    w.endObject();
}

json::Object::Ptr ToolCallRecord::toJson() const {
    json::Writer w;
    write(w);
    return json::parseObject(w.text());
}

ToolExecutor::ToolExecutor(const ToolRegistry& registry, const Policy& policy, std::chrono::milliseconds defaultTimeout,
                           metrics::Metrics* metrics)
    : registry_(registry),
      policy_(policy),
      catalog_(registry, policy),
      defaultTimeout_(defaultTimeout),
      metrics_(metrics) {}

void ToolExecutor::count(const ToolCallRecord& record) const {
    if (!metrics_) return;
    // Only registered capabilities become labels: a name a model made up stays "unknown".
    metrics_->capabilityCalled(record.capability.empty() ? "unknown" : record.capability, toString(record.status),
                               record.durationMs / 1000.0);
}

ToolExecution ToolExecutor::execute(const std::string& name, const std::string& argumentsJson, Deadline outer,
                                    const CallContext& context) const {
    const uint64_t start = Deadline::nowNs();
    ToolExecution ex;
    ToolCallRecord& r = ex.record;
    r.name = text::sanitizeForLog(name, 128);
    r.arguments = argumentsJson;
    const auto finish = [&](CallStatus status, std::string error) -> ToolExecution {
        r.status = status;
        r.error = std::move(error);
        r.durationMs = elapsedMs(start);
        count(r);
        return std::move(ex);
    };

    const std::shared_ptr<Tool> tool = registry_.find(name);
    if (!tool) {
        r.decision = "unknown";
        r.reason = "no such capability";
        return finish(CallStatus::NotFound, "unknown capability '" + r.name + "'");
    }
    const ToolInfo& info = tool->info();
    r.capability = info.capability;
    r.plugin = info.pluginId;

    const Decision decision = policy_.decide(info.capability, info.effect);
    r.decision = decision.allowed ? "allowed" : "denied";
    r.reason = decision.reason;
    if (!decision.allowed) return finish(CallStatus::Denied, "refused: " + decision.reason);

    json::Var args;
    try {
        args = text::trim(argumentsJson).empty() ? json::Var(json::object()) : json::parse(argumentsJson);
    } catch (const json::JsonError& e) {
        return finish(CallStatus::InvalidArgument, std::string("arguments are not valid JSON: ") + e.what());
    }
    r.arguments = args;
    if (!json::isObject(args)) return finish(CallStatus::InvalidArgument, "arguments must be a JSON object");
    if (auto problem = schema::validate(args, info.inputSchemaObject)) {
        return finish(CallStatus::InvalidArgument, "arguments do not match the schema: " + *problem);
    }

    const auto timeout = info.timeout.count() > 0 ? info.timeout : defaultTimeout_;
    const Deadline deadline = outer.min(Deadline::after(timeout));
    if (deadline.expired()) return finish(CallStatus::Timeout, "no time left for '" + info.capability + "'");
    ToolOutput out = tool->invoke(json::stringify(args), deadline, context);
    if (out.status == CallStatus::Ok) ex.result = out.result;
    return finish(out.status, out.error);
}

ToolExecution ToolExecutor::refuse(const std::string& name, const std::string& argumentsJson,
                                   const std::string& reason) const {
    ToolExecution ex;
    ToolCallRecord& r = ex.record;
    r.name = text::sanitizeForLog(name, 128);
    try {
        r.arguments = json::parse(argumentsJson);
    } catch (const json::JsonError&) {
        r.arguments = argumentsJson;
    }
    r.status = CallStatus::Denied;
    if (const auto tool = registry_.find(name)) {
        r.capability = tool->info().capability;
        r.plugin = tool->info().pluginId;
        const Decision d = policy_.decide(r.capability, tool->info().effect);
        r.decision = "denied";
        r.reason = d.allowed ? reason : d.reason;
    } else {
        r.decision = "unknown";
        r.reason = "no such capability";
        r.status = CallStatus::NotFound;
    }
    r.error = "refused: " + r.reason;
    count(r);
    return ex;
}

}  // namespace ha
