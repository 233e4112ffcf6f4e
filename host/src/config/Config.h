// The host's configuration: plain data, filled by ConfigLoader, read-only afterwards.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ha {

struct ServerConfig {
    std::string listen = "127.0.0.1:8443";  // "host:port", "[v6]:port"
    std::string tlsCertificate;
    std::string tlsPrivateKey;
    int64_t maxBodyBytes = 64 * 1024;
    int64_t threads = 32;                 // request threads (one per keep-alive connection)
    int64_t maxQueued = 128;              // accepted connections waiting for a thread
    int64_t keepAliveTimeoutSeconds = 5;  // idle keep-alive connections release their thread
    int64_t maxKeepAliveRequests = 200;
    int64_t requestTimeoutSeconds = 30;   // time to receive a request (slow clients)
    std::string webRoot = HA_DEFAULT_WEB_ROOT;  // the web page's files; "" switches the page off
};

struct RateLimitConfig {
    int64_t requests = 60;      // per API key per window (RATE_LIMIT_REQUESTS)
    int64_t windowSeconds = 60; // RATE_LIMIT_WINDOW
    int64_t authFailuresPerWindow = 20;  // per client address, then 429
};

// Which language model answers. Each provider's own settings (key, URL, model, retries ...) are
// plugin settings: plugins.settings.<provider id>.
struct LlmConfig {
    std::string provider = "auto";  // auto | offline | <provider plugin id>
    std::vector<std::string> autoOrder{"groq", "openai"};  // tried by "auto"; the first ready one answers
    std::string fallback = "offline";  // offline | error: what /chat does when the model fails
    int64_t timeoutSeconds = 60;       // whole /chat turn with a remote model
    int64_t maxToolRounds = 5;
    int64_t maxToolCallsPerTurn = 16;  // executed per question; more are refused (and audited)
};

struct ChatConfig {
    int64_t maxMessageChars = 4000;
    int64_t historyTurns = 10;          // user/assistant pairs kept per conversation
    int64_t historyConversations = 256; // conversations kept in memory
    int64_t historyTtlSeconds = 3600;
    int64_t historyMaxBytes = 32 * 1024;  // per conversation
    int64_t toolResultMaxBytes = 16 * 1024;  // tool output sent back to the model
};

struct PluginsConfig {
    std::string directory;
    int64_t callTimeoutMs = 5000;     // default deadline of one tool call
    int64_t answersTimeoutMs = 2000;  // deadline of one answers call (match, summarize, checks)
    std::map<std::string, std::string> settingsJson;  // plugin id -> its settings as a JSON object
};

struct Config {
    std::string sourceFile;  // the YAML file read, "" when none
    ServerConfig server;
    std::string apiKey;  // secret (API_KEY)
    RateLimitConfig rateLimit;
    LlmConfig llm;
    ChatConfig chat;
    PluginsConfig plugins;
    std::string policyFile;
    std::string auditPath = "/var/log/homelab-assistant/audit.jsonl";
    std::string logLevel = "information";  // Poco level name
    std::vector<std::string> warnings;      // deprecated keys and the like, logged at start-up
};

}  // namespace ha
