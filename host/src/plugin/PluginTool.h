// Adapts one capability of a loaded tools plugin to the host's Tool interface.
#pragma once

#include "plugin/LoadedPlugin.h"
#include "tools/Tool.h"

#include <memory>

namespace ha::plugin {

class PluginTool : public Tool {
public:
    PluginTool(std::shared_ptr<LoadedPlugin> plugin, ToolInfo info);

    const ToolInfo& info() const override { return info_; }
    ToolOutput invoke(const std::string& inputJson, Deadline deadline, const CallContext& context) override;

private:
    std::shared_ptr<LoadedPlugin> plugin_;
    ToolInfo info_;
};

}  // namespace ha::plugin
