#include "plugin/PluginTool.h"

#include "plugin/AbiStatus.h"
#include "util/Json.h"
#include "util/Text.h"

#include <Poco/Logger.h>

#include <cstdio>

namespace ha::plugin {

PluginTool::PluginTool(std::shared_ptr<LoadedPlugin> plugin, ToolInfo info)
    : plugin_(std::move(plugin)), info_(std::move(info)), instant_(info_.instant) {}

void PluginTool::revokeInstant(double tookMs) {
    if (!instant_.exchange(false)) return;
    char took[32];
    std::snprintf(took, sizeof took, "%.0f ms", tookMs);
    Poco::Logger::get("plugins").warning("'" + info_.capability + "' (plugin '" + plugin_->identity().id +
                                         "') is declared instant but returned after its deadline (" + took +
                                         "); its calls run on a call thread from now on");
}

ToolOutput PluginTool::invoke(const std::string& inputJson, Deadline deadline, const CallContext& context) {
    const ha_tools_v1* tools = plugin_->tools();
    const std::string name = info_.capability;
    const CallThread thread = instant_.load(std::memory_order_relaxed) ? CallThread::Caller : CallThread::Call;
    const uint64_t start = Deadline::nowNs();
    CallOutcome outcome = plugin_->call(
        [tools, name](void* instance, const ha_call* call) { return tools->invoke(instance, name.c_str(), call); },
        inputJson, deadline, context, thread);
    if (outcome.overran) revokeInstant(elapsedMs(start));

    ToolOutput out;
    out.status = fromAbiStatus(outcome.status);
    if (out.status != CallStatus::Ok) {
        if (outcome.timedOut) {
            out.error = "'" + info_.capability + "' did not answer in time (plugin '" + plugin_->identity().id + "')";
        } else if (outcome.cancelled) {
            out.error = "'" + info_.capability + "' was cancelled: the client went away";
        } else {
            out.error = outcome.error.empty() ? std::string(toString(out.status)) : outcome.error;
        }
        return out;
    }
    try {
        // Checked and condensed, not built: most results are only passed on as text.
        out.result = json::verbatim(outcome.output);
    } catch (const json::JsonError& e) {
        out.status = CallStatus::Internal;
        out.error = "plugin '" + plugin_->identity().id + "' returned invalid output: " + e.what();
    }
    return out;
}

}  // namespace ha::plugin
