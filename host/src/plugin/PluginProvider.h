// Adapts a loaded provider plugin (interface "homelab_assistant.provider/1") to Provider.
#pragma once

#include "chat/Provider.h"
#include "plugin/LoadedPlugin.h"

#include <memory>

namespace ha::plugin {

class PluginProvider : public Provider {
public:
    explicit PluginProvider(std::shared_ptr<LoadedPlugin> plugin);

    std::string name() const override { return plugin_->identity().id; }
    ProviderReply chat(const json::Array::Ptr& messages, const std::vector<FunctionSpec>& tools,
                       Deadline deadline) override;

    // Parses the provider's output document (see provider.h). Throws ProviderError.
    static ProviderReply parseReply(const std::string& output);

private:
    std::shared_ptr<LoadedPlugin> plugin_;
};

}  // namespace ha::plugin
