// One client for every OpenAI-compatible Chat Completions endpoint (Groq, OpenAI, llama.cpp,
// Ollama, vLLM ...): builds the request from the host's provider/1 input, retries what is worth
// retrying within the call's deadline, and turns the reply (or the error) into provider/1 output.
#pragma once

#include "providers/chat-completions/HttpTransport.h"

#include <homelab_assistant/plugin.hpp>

#include <Poco/JSON/Object.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace ha_plugins::providers {

struct ClientSettings {
    std::string providerName;  // "groq", "openai" (for messages)
    std::string baseUrl;       // ".../v1"
    std::string apiKey;        // secret; no Authorization header when empty
    std::string model;
    std::chrono::milliseconds requestTimeout{30000};
    int maxRetries = 2;                // for 429 (not quota) and 5xx / network failures
    bool retryToolUseFailed = false;   // Groq: 400 tool_use_failed is retried once
    double temperature = 0.2;
    std::string caFile;

    // Reads the plugin configuration given to create(); throws homelab_assistant::Error.
    static ClientSettings fromConfig(const std::string& providerName, const std::string& defaultBaseUrl,
                                     const std::string& defaultModel, const std::string& configJson);
};

// What a failed HTTP exchange means and whether to try again.
struct ErrorVerdict {
    int32_t status = HA_ERR_UNAVAILABLE;
    bool retry = false;
    bool toolUseFailed = false;
    std::chrono::milliseconds retryAfter{0};  // from retry-after / retry-after-ms
    std::string message;
};

// What a chat call gets from its caller besides the input: whether it was cancelled, and where
// streamed text goes (empty: the caller does not stream; the request then asks for no stream).
struct CallHooks {
    std::function<bool()> cancelled;
    std::function<void(std::string_view)> onText;
};

class ChatCompletionsClient {
public:
    using Logger = std::function<void(int32_t level, const std::string& message)>;

    ChatCompletionsClient(ClientSettings settings, Logger log);

    const ClientSettings& settings() const { return settings_; }

    // provider/1 describe() (ABI 1.1): {"ready","reason","model","endpoint"}; never the key.
    // keyRequired: whether this endpoint cannot answer without an API key.
    std::string describe(bool keyRequired) const;

    // Longest wait a model server can ask for; longer requests are read as this (and then
    // usually exceed the turn's deadline, which ends the call instead of the wait).
    static constexpr std::chrono::milliseconds kMaxRetryAfter{10 * 60 * 1000};
    // A retry is only worth it if at least this much of the deadline is left after the wait.
    static constexpr int64_t kMinRequestMs = 100;

    // provider/1: input is {"messages":[...],"tools":[...]}; returns the output JSON text.
    // Retries wait at most until the deadline and stop early once hooks.cancelled says so.
    // Throws homelab_assistant::Error (never with the API key in the message). With
    // hooks.onText the answer is requested as a stream and each piece of its text is handed on
    // as it arrives; failures are retried only while nothing was handed on yet.
    std::string chat(const std::string& input, uint64_t deadlineNs, const CallHooks& hooks = {}) const;
    // The hooks of one provider/1 call: its cancel flag, and its stream sink when it streams.
    static CallHooks hooksOf(const homelab_assistant::Call& call);

    // Request body for the endpoint (messages reduced to the fields each role may carry).
    std::string buildRequest(const std::string& input, bool stream = false) const;
    // provider/1 output from a 200 body; throws homelab_assistant::Error when it is unusable.
    static std::string parseResponse(const std::string& body);
    ErrorVerdict classify(const HttpResult& result) const;
    // The wait a 429/503 asks for (retry-after-ms, else retry-after in seconds or as an HTTP
    // date), clamped to [0, kMaxRetryAfter]; 0 when absent or not a number.
    static std::chrono::milliseconds retryAfter(const std::map<std::string, std::string>& headers);

private:
    std::string withoutKey(std::string text) const;
    std::chrono::milliseconds backoff(int attempt) const;
    // Sleeps `wait` unless cancelled first; false when cancelled.
    static bool pause(std::chrono::milliseconds wait, const std::function<bool()>& cancelled);

    ClientSettings settings_;
    Logger log_;
    Poco::URI endpoint_;
    std::unique_ptr<HttpTransport> transport_;
};

}  // namespace ha_plugins::providers
