// Adapts a loaded provider plugin (interface "homelab_assistant.provider/1") to Provider: the
// only place where the typed conversation becomes provider/1 JSON and back.
#pragma once

#include "chat/Provider.h"
#include "plugin/LoadedPlugin.h"

#include <memory>
#include <optional>

namespace ha::plugin {

// What a provider says of itself (describe(), ABI 1.1).
struct ProviderDescription {
    bool ready = true;
    std::string reason;  // why it is not ready
    std::string model;
    std::string endpoint;
};

class PluginProvider : public Provider {
public:
    explicit PluginProvider(std::shared_ptr<LoadedPlugin> plugin);

    std::string name() const override { return plugin_->identity().id; }
    ProviderReply chat(const ChatRequest& request) override;

    // Calls describe(); a 1.0 provider (or one without describe) is described as ready.
    ProviderDescription describe() const;

    // provider/1 input for a request.
    static std::string requestJson(const ChatRequest& request);
    // Parses the provider's output document (see provider.h). Throws ProviderError.
    static ProviderReply parseReply(const std::string& output);

private:
    std::shared_ptr<LoadedPlugin> plugin_;
};

}  // namespace ha::plugin
