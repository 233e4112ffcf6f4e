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
    // Connection layer (host/src/net): event loops own sockets, TLS and request reading; only
    // complete requests reach the worker threads.
    int64_t ioThreads = 0;                 // event-loop threads; 0: one per two cores (1..4)
    int64_t threads = 32;                  // worker threads running request handlers
    int64_t maxQueued = 1024;              // complete requests waiting for a worker (then 503)
    int64_t maxConnections = 2048;         // open connections; at the cap idle ones close first
    int64_t maxConnectionsPerAddress = 0;  // per client address; 0 = no cap
    int64_t handshakeTimeoutSeconds = 10;  // TLS handshake
    int64_t requestTimeoutSeconds = 20;    // a whole request, headers and body (not per read)
    int64_t keepAliveTimeoutSeconds = 5;   // idle wait for the next request; 0 = no keep-alive
    int64_t maxKeepAliveRequests = 1000;   // requests per connection
    int64_t writeTimeoutSeconds = 30;      // a client must take pending response bytes within this
    int64_t maxRequestLineBytes = 8192;    // 414 beyond
    int64_t maxHeaderBytes = 16384;        // header fields, 431 beyond
    int64_t maxHeaderCount = 100;          // header fields, 431 beyond
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

struct MetricsConfig {
    // "host:port" of a plain-HTTP listener answering GET /metrics without a key; "" (the
    // default): none, and /metrics is only on the HTTPS listener, behind the key.
    std::string listen;
};

// How the audit log reaches the disk (audit.sync; AuditLog.h has the details).
enum class AuditSync {
    None,   // write(2) only: the kernel writes back
    Batch,  // group commit: each answer waits for an fdatasync shared by concurrent requests
    Always  // O_DSYNC: every record flushed on its own
};

struct Config {
    std::string sourceFile;  // the YAML file read, "" when none
    ServerConfig server;
    std::string apiKey;  // secret (API_KEY)
    RateLimitConfig rateLimit;
    LlmConfig llm;
    ChatConfig chat;
    PluginsConfig plugins;
    MetricsConfig metrics;
    std::string policyFile;
    std::string auditPath = "/var/log/homelab-assistant/audit.jsonl";
    AuditSync auditSync = AuditSync::Batch;
    std::string logLevel = "information";  // Poco level name
    std::vector<std::string> warnings;      // deprecated keys and the like, logged at start-up
};

}  // namespace ha
