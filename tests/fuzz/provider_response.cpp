// Fuzz target: what a model server answers. The first line holds the HTTP status and the
// retry-after-ms and retry-after header values ("429|18446744073610|1e300"), the rest is the
// body: parseResponse reads it as a 200, classify as the error it says.
#include "providers/chat-completions/ChatCompletionsClient.h"

#include <homelab_assistant/plugin.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

using ha_plugins::providers::ChatCompletionsClient;
using ha_plugins::providers::ClientSettings;
using ha_plugins::providers::HttpResult;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const ChatCompletionsClient client(
        ClientSettings::fromConfig("fuzz", "http://127.0.0.1:9/v1", "m", R"({"api_key":"fuzz-key-0123456789"})"), nullptr);
    const std::string input(reinterpret_cast<const char*>(data), size);
    const size_t lineEnd = input.find('\n');
    const std::string head = lineEnd == std::string::npos ? "" : input.substr(0, lineEnd);
    HttpResult result;
    result.body = lineEnd == std::string::npos ? input : input.substr(lineEnd + 1);
    const size_t a = head.find('|');
    const size_t b = a == std::string::npos ? std::string::npos : head.find('|', a + 1);
    result.status = std::atoi(head.substr(0, a).c_str()) % 1000;
    if (a != std::string::npos) result.headers["retry-after-ms"] = head.substr(a + 1, b == std::string::npos ? b : b - a - 1);
    if (b != std::string::npos) result.headers["retry-after"] = head.substr(b + 1);

    try {
        (void)ChatCompletionsClient::parseResponse(result.body);
    } catch (const homelab_assistant::Error&) {
        // an unusable reply is a documented outcome
    }
    const auto verdict = client.classify(result);
    if (verdict.retryAfter < std::chrono::milliseconds(0) || verdict.retryAfter > ChatCompletionsClient::kMaxRetryAfter) std::abort();
    if (verdict.message.find("fuzz-key-0123456789") != std::string::npos) std::abort();
    return 0;
}
