#include "plugin/PluginTool.h"

#include "plugin/AbiStatus.h"
#include "util/Json.h"
#include "util/Text.h"

#include <Poco/Logger.h>

#include <cstdio>

namespace ha::plugin {

PluginTool::PluginTool(std::shared_ptr<LoadedPlugin> plugin, ToolInfo info)
    : plugin_(std::move(plugin)), info_(std::move(info)), instant_(info_.instant), fromMemory_(info_.fromMemory) {}

void PluginTool::revoke(std::atomic<bool>& hint, const char* declared, double tookMs) {
    if (!hint.exchange(false)) return;
    char took[32];
    std::snprintf(took, sizeof took, "%.0f ms", tookMs);
    Poco::Logger::get("plugins").warning("'" + info_.capability + "' (plugin '" + plugin_->identity().id +
                                         "') is declared " + declared + " but returned after its deadline (" + took +
                                         "); its calls run on a call thread from now on");
}

CallOutcome PluginTool::callPlugin(const std::string& inputJson, Deadline deadline, const CallContext& context,
                                   CallThread thread, uint32_t callFlags, std::atomic<bool>& hint,
                                   const char* declared) {
    const ha_tools_v1* tools = plugin_->tools();
    const uint64_t start = Deadline::nowNs();
    // The name is copied: an abandoned call may outlive this object.
    CallOutcome outcome = plugin_->call(
        [tools, name = info_.capability](void* instance, const ha_call* call) {
            return tools->invoke(instance, name.c_str(), call);
        },
        inputJson, deadline, context, thread, callFlags);
    if (outcome.overran) revoke(hint, declared, elapsedMs(start));
    return outcome;
}

CallOutcome PluginTool::callFromMemoryFirst(const std::string& inputJson, Deadline deadline,
                                            const CallContext& context) {
    CallOutcome outcome =
        callPlugin(inputJson, deadline, context, CallThread::Caller, HA_CALL_MEMORY_ONLY, fromMemory_, "from-memory");
    if (outcome.status != HA_ERR_WOULD_BLOCK) return outcome;
    return callPlugin(inputJson, deadline, context, CallThread::Call, 0, fromMemory_, "from-memory");
}

ToolOutput PluginTool::invoke(const std::string& inputJson, Deadline deadline, const CallContext& context) {
    CallOutcome outcome;
    if (instant_.load(std::memory_order_relaxed)) {
        outcome = callPlugin(inputJson, deadline, context, CallThread::Caller, 0, instant_, "instant");
    } else if (fromMemory_.load(std::memory_order_relaxed)) {
        outcome = callFromMemoryFirst(inputJson, deadline, context);
    } else {
        outcome = callPlugin(inputJson, deadline, context, CallThread::Call, 0, instant_, "instant");
    }
    if (outcome.status == HA_ERR_WOULD_BLOCK) {
        outcome.error = "the plugin answered 'would block' to a call that may wait";  // only memory-only calls may
    }

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
        out.result = last_.verbatim(outcome.output);
    } catch (const json::JsonError& e) {
        out.status = CallStatus::Internal;
        out.error = "plugin '" + plugin_->identity().id + "' returned invalid output: " + e.what();
    }
    return out;
}

}  // namespace ha::plugin
