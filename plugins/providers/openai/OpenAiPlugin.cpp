// Provider plugin "openai": OpenAI's Chat Completions API, or any OpenAI-compatible server
// (llama.cpp, Ollama, vLLM ...) when base_url points at it; a local server needs no API key.
#include "providers/chat-completions/ChatCompletionsClient.h"

#include <homelab_assistant/plugin.hpp>

namespace ha_plugins::providers {

class OpenAiProvider {
public:
    OpenAiProvider(const homelab_assistant::Host& host, const std::string& configJson)
        : client_(ClientSettings::fromConfig("openai", kOpenAiBaseUrl, "gpt-4o-mini", configJson),
                  [host](int32_t level, const std::string& m) { host.log(level, m); }),
          keyRequired_(client_.settings().baseUrl.find("api.openai.com") != std::string::npos) {}

    std::string chat(const homelab_assistant::Call& call) {
        return client_.chat(std::string(call.input), call.deadlineNs, ChatCompletionsClient::hooksOf(call));
    }
    // OpenAI itself needs a key; a local OpenAI-compatible server (llama.cpp, Ollama ...) does not.
    std::string describe() const { return client_.describe(keyRequired_); }

private:
    static constexpr const char* kOpenAiBaseUrl = "https://api.openai.com/v1";
    ChatCompletionsClient client_;
    bool keyRequired_;
};

constexpr const char* kOpenAiSettingsSchema =
    R"J({"type":"object","additionalProperties":false,"properties":{)J"
    R"J("api_key":{"type":"string","writeOnly":true,"description":"API key (secret)"},)J"
    R"J("base_url":{"type":"string","minLength":1,"description":"OpenAI-compatible base URL, .../v1"},)J"
    R"J("model":{"type":"string","minLength":1},)J"
    R"J("request_timeout_ms":{"type":"integer","minimum":100,"maximum":600000},)J"
    R"J("max_retries":{"type":"integer","minimum":0,"maximum":10},)J"
    R"J("temperature":{"type":"number","minimum":0,"maximum":2},)J"
    R"J("ca_file":{"type":"string","description":"extra CA bundle for a self-hosted HTTPS endpoint"}}})J";

const ha_plugin_descriptor kOpenAiDescriptor = {
    sizeof(ha_plugin_descriptor), HA_KIND_PROVIDER, 0, 0, "openai", "OpenAI-compatible", HA_PLUGIN_VERSION,
    "OpenAI Chat Completions, or any OpenAI-compatible server (llama.cpp, Ollama, vLLM) at base_url.",
    kOpenAiSettingsSchema};

}  // namespace ha_plugins::providers

HA_DEFINE_PROVIDER_PLUGIN(ha_plugins::providers::OpenAiProvider, ha_plugins::providers::kOpenAiDescriptor)
