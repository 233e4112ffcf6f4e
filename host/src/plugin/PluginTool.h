// Adapts one capability of a loaded tools plugin to the host's Tool interface.
#pragma once

#include "plugin/LastResult.h"
#include "plugin/LoadedPlugin.h"
#include "tools/Tool.h"

#include <atomic>
#include <memory>

namespace ha::plugin {

class PluginTool : public Tool {
public:
    PluginTool(std::shared_ptr<LoadedPlugin> plugin, ToolInfo info);

    const ToolInfo& info() const override { return info_; }
    ToolOutput invoke(const std::string& inputJson, Deadline deadline, const CallContext& context) override;

private:
    // One call into the plugin; a call made on this thread that overran its deadline costs
    // the capability `hint` (instant_ or fromMemory_): from then on its calls start on a call
    // thread.
    CallOutcome callPlugin(const std::string& inputJson, Deadline deadline, const CallContext& context,
                           CallThread thread, uint32_t callFlags, std::atomic<bool>& hint, const char* declared);
    // The answer of an HA_CAPABILITY_FROM_MEMORY capability: from memory on this thread when the
    // plugin has it, else on a call thread.
    CallOutcome callFromMemoryFirst(const std::string& inputJson, Deadline deadline, const CallContext& context);
    void revoke(std::atomic<bool>& hint, const char* declared, double tookMs);

    std::shared_ptr<LoadedPlugin> plugin_;
    ToolInfo info_;
    std::atomic<bool> instant_;
    std::atomic<bool> fromMemory_;
    LastResult last_;
};

}  // namespace ha::plugin
