// Provider plugin "openai": OpenAI's Chat Completions API, or any OpenAI-compatible server
// (llama.cpp, Ollama, vLLM ...) when base_url points at it; a local server needs no API key.
#include "providers/common/ChatCompletionsClient.h"

#include <homelab_assistant/plugin.hpp>

namespace ha_plugins::providers {

class OpenAiProvider {
public:
    OpenAiProvider(const homelab_assistant::Host& host, const std::string& configJson)
        : client_(ClientSettings::fromConfig("openai", "https://api.openai.com/v1", "gpt-4o-mini", configJson),
                  [host](int32_t level, const std::string& m) { host.log(level, m); }) {}

    std::string chat(const homelab_assistant::Call& call) { return client_.chat(std::string(call.input), call.deadlineNs); }

private:
    ChatCompletionsClient client_;
};

const ha_plugin_descriptor kOpenAiDescriptor = {
    sizeof(ha_plugin_descriptor), HA_KIND_PROVIDER, 0, 0, "openai", "OpenAI-compatible", HA_PLUGIN_VERSION,
    "OpenAI Chat Completions, or any OpenAI-compatible server (llama.cpp, Ollama, vLLM) at base_url."};

}  // namespace ha_plugins::providers

HA_DEFINE_PROVIDER_PLUGIN(ha_plugins::providers::OpenAiProvider, ha_plugins::providers::kOpenAiDescriptor)
