#include "plugin/PluginTool.h"

#include "plugin/AbiStatus.h"
#include "util/Json.h"
#include "util/Text.h"

namespace ha::plugin {

PluginTool::PluginTool(std::shared_ptr<LoadedPlugin> plugin, ToolInfo info)
    : plugin_(std::move(plugin)), info_(std::move(info)) {}

ToolOutput PluginTool::invoke(const std::string& inputJson, Deadline deadline, const CallContext& context) {
    const ha_tools_v1* tools = plugin_->tools();
    const std::string name = info_.capability;
    CallOutcome outcome = plugin_->call(
        [tools, name](void* instance, const ha_call* call) { return tools->invoke(instance, name.c_str(), call); },
        inputJson, deadline, context);

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
        out.result = json::parse(outcome.output);
    } catch (const json::JsonError& e) {
        out.status = CallStatus::Internal;
        out.error = "plugin '" + plugin_->identity().id + "' returned invalid output: " + e.what();
    }
    return out;
}

}  // namespace ha::plugin
