// Adapts one capability of a loaded tools plugin to the host's Tool interface.
#pragma once

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
    // An instant capability that overran its deadline loses the hint: its calls go to a call
    // thread from then on.
    void revokeInstant(double tookMs);

    std::shared_ptr<LoadedPlugin> plugin_;
    ToolInfo info_;
    std::atomic<bool> instant_;
};

}  // namespace ha::plugin
