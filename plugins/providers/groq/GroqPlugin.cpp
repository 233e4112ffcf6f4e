// Provider plugin "groq": Groq's OpenAI-compatible Chat Completions API. Retries a 400
// tool_use_failed once, as Groq's models occasionally emit a malformed tool call.
#include "providers/chat-completions/ChatCompletionsClient.h"

#include <homelab_assistant/plugin.hpp>

namespace ha_plugins::providers {

class GroqProvider {
public:
    GroqProvider(const homelab_assistant::Host& host, const std::string& configJson)
        : client_(settings(configJson), [host](int32_t level, const std::string& m) { host.log(level, m); }) {}

    std::string chat(const homelab_assistant::Call& call) {
        return client_.chat(std::string(call.input), call.deadlineNs, ChatCompletionsClient::hooksOf(call));
    }
    // Groq always needs a key.
    std::string describe() const { return client_.describe(true); }

private:
    static ClientSettings settings(const std::string& configJson) {
        ClientSettings s = ClientSettings::fromConfig("groq", "https://api.groq.com/openai/v1", "llama-3.3-70b-versatile", configJson);
        s.retryToolUseFailed = true;
        return s;
    }
    ChatCompletionsClient client_;
};

constexpr const char* kGroqSettingsSchema =
    R"J({"type":"object","additionalProperties":false,"properties":{)J"
    R"J("api_key":{"type":"string","writeOnly":true,"description":"API key (secret)"},)J"
    R"J("base_url":{"type":"string","minLength":1,"description":"OpenAI-compatible base URL, .../v1"},)J"
    R"J("model":{"type":"string","minLength":1},)J"
    R"J("request_timeout_ms":{"type":"integer","minimum":100,"maximum":600000},)J"
    R"J("max_retries":{"type":"integer","minimum":0,"maximum":10},)J"
    R"J("temperature":{"type":"number","minimum":0,"maximum":2},)J"
    R"J("ca_file":{"type":"string","description":"extra CA bundle for a self-hosted HTTPS endpoint"}}})J";

const ha_plugin_descriptor kGroqDescriptor = {sizeof(ha_plugin_descriptor), HA_KIND_PROVIDER, 0, 0, "groq", "Groq",
                                              HA_PLUGIN_VERSION, "Groq Chat Completions (OpenAI-compatible) with tool calling.",
                                              kGroqSettingsSchema};

}  // namespace ha_plugins::providers

HA_DEFINE_PROVIDER_PLUGIN(ha_plugins::providers::GroqProvider, ha_plugins::providers::kGroqDescriptor)
