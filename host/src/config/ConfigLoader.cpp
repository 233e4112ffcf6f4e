#include "config/ConfigLoader.h"

#include "util/Text.h"
#include "util/Yaml.h"

#include <Poco/Exception.h>
#include <Poco/Path.h>
#include <Poco/URI.h>

#include <cerrno>
#include <cstdlib>
#include <sys/stat.h>

namespace ha {

EnvLookup processEnvironment() {
    return [](const std::string& name) -> std::optional<std::string> {
        const char* v = std::getenv(name.c_str());
        if (v == nullptr) return std::nullopt;
        return std::string(v);
    };
}

ConfigLoader::ConfigLoader(ConfigDefaults defaults, EnvLookup env)
    : defaults_(std::move(defaults)), env_(std::move(env)) {}

namespace {

bool fileExists(const std::string& path) {
    struct stat st{};
    return ::stat(path.c_str(), &st) == 0;
}

std::string directoryOf(const std::string& file) {
    return Poco::Path(Poco::Path(file).absolute()).parent().toString();
}

std::string resolve(const std::string& baseDir, const std::string& path) {
    if (path.empty() || path.front() == '/') return path;
    return Poco::Path(baseDir).resolve(Poco::Path(path)).toString();
}

void readProvider(const yaml::Section& llm, const std::string& name, ProviderSettings& out) {
    const yaml::Section s = llm.section(name);
    s.allowOnly({"api_key", "base_url", "model"});
    if (auto v = s.string("api_key")) out.apiKey = *v;
    if (auto v = s.string("base_url")) out.baseUrl = *v;
    if (auto v = s.string("model")) out.model = *v;
}

}  // namespace

Config ConfigLoader::load(const std::string& path, bool requireApiKey) const {
    Config config;
    config.plugins.directory = defaults_.pluginDirectory;
    config.llm.providers["groq"] = {"", "https://api.groq.com/openai/v1", "llama-3.3-70b-versatile"};
    config.llm.providers["openai"] = {"", "https://api.openai.com/v1", "gpt-4o-mini"};

    std::string file = path.empty() ? defaults_.configFile : path;
    if (!path.empty() && !fileExists(file)) throw ConfigError(file + ": configuration file not found");
    std::string baseDir = directoryOf(file);
    if (fileExists(file)) {
        config.sourceFile = Poco::Path(file).absolute().toString();
        try {
            readFile(file, config);
        } catch (const yaml::YamlError& e) {
            throw ConfigError(e.what());
        }
    }
    if (config.policyFile.empty()) config.policyFile = "policy.yaml";
    if (config.server.tlsCertificate.empty()) config.server.tlsCertificate = "tls/cert.pem";
    if (config.server.tlsPrivateKey.empty()) config.server.tlsPrivateKey = "tls/key.pem";
    resolvePaths(baseDir, config);
    applyEnvironment(config);
    validate(config, requireApiKey);
    return config;
}

void ConfigLoader::readFile(const std::string& file, Config& c) const {
    const yaml::Section root(yaml::loadFile(file), file, "");
    root.allowOnly({"server", "auth", "rate_limit", "llm", "chat", "plugins", "policy", "audit", "log_level"});

    const yaml::Section server = root.section("server");
    server.allowOnly({"listen", "tls_certificate", "tls_private_key", "max_body_bytes", "io_threads", "threads",
                      "max_queued", "max_connections", "max_connections_per_address", "handshake_timeout",
                      "request_timeout", "keep_alive_timeout", "max_keep_alive_requests", "write_timeout",
                      "max_request_line", "max_header_bytes", "max_header_count"});
    if (auto v = server.string("listen")) c.server.listen = *v;
    if (auto v = server.string("tls_certificate")) c.server.tlsCertificate = *v;
    if (auto v = server.string("tls_private_key")) c.server.tlsPrivateKey = *v;
    if (auto v = server.integer("max_body_bytes", 1024, 16 * 1024 * 1024)) c.server.maxBodyBytes = *v;
    if (auto v = server.integer("io_threads", 0, 64)) c.server.ioThreads = *v;
    if (auto v = server.integer("threads", 2, 1024)) c.server.threads = *v;
    if (auto v = server.integer("max_queued", 1, 65536)) c.server.maxQueued = *v;
    if (auto v = server.integer("max_connections", 16, 1000000)) c.server.maxConnections = *v;
    if (auto v = server.integer("max_connections_per_address", 0, 1000000)) c.server.maxConnectionsPerAddress = *v;
    if (auto v = server.integer("handshake_timeout", 1, 300)) c.server.handshakeTimeoutSeconds = *v;
    if (auto v = server.integer("request_timeout", 1, 600)) c.server.requestTimeoutSeconds = *v;
    if (auto v = server.integer("keep_alive_timeout", 0, 300)) c.server.keepAliveTimeoutSeconds = *v;
    if (auto v = server.integer("max_keep_alive_requests", 1, 1000000)) c.server.maxKeepAliveRequests = *v;
    if (auto v = server.integer("write_timeout", 1, 600)) c.server.writeTimeoutSeconds = *v;
    if (auto v = server.integer("max_request_line", 256, 65536)) c.server.maxRequestLineBytes = *v;
    if (auto v = server.integer("max_header_bytes", 1024, 1024 * 1024)) c.server.maxHeaderBytes = *v;
    if (auto v = server.integer("max_header_count", 8, 10000)) c.server.maxHeaderCount = *v;
    if (c.server.maxConnectionsPerAddress > c.server.maxConnections) {
        server.fail(server.node("max_connections_per_address"),
                    "'server.max_connections_per_address' (" + std::to_string(c.server.maxConnectionsPerAddress) +
                        ") must not exceed 'server.max_connections' (" + std::to_string(c.server.maxConnections) + ")");
    }

    const yaml::Section auth = root.section("auth");
    auth.allowOnly({"api_key"});
    if (auto v = auth.string("api_key")) c.apiKey = *v;

    const yaml::Section rl = root.section("rate_limit");
    rl.allowOnly({"requests", "window", "auth_failures"});
    if (auto v = rl.integer("requests", 1, 1000000)) c.rateLimit.requests = *v;
    if (auto v = rl.integer("window", 1, 86400)) c.rateLimit.windowSeconds = *v;
    if (auto v = rl.integer("auth_failures", 1, 1000000)) c.rateLimit.authFailuresPerWindow = *v;

    const yaml::Section llm = root.section("llm");
    llm.allowOnly({"provider", "timeout", "request_timeout", "max_tool_rounds", "max_retries", "temperature", "ca_file",
                   "groq", "openai"});
    if (auto v = llm.string("provider")) c.llm.provider = *v;
    if (auto v = llm.integer("timeout", 1, 600)) c.llm.timeoutSeconds = *v;
    if (auto v = llm.integer("request_timeout", 1, 600)) c.llm.requestTimeoutSeconds = *v;
    if (auto v = llm.integer("max_tool_rounds", 1, 20)) c.llm.maxToolRounds = *v;
    if (auto v = llm.integer("max_retries", 0, 10)) c.llm.maxRetries = *v;
    if (auto v = llm.number("temperature", 0.0, 2.0)) c.llm.temperature = *v;
    if (auto v = llm.string("ca_file")) c.llm.caFile = *v;
    readProvider(llm, "groq", c.llm.providers["groq"]);
    readProvider(llm, "openai", c.llm.providers["openai"]);

    const yaml::Section chat = root.section("chat");
    chat.allowOnly({"max_message_chars", "history_turns", "history_conversations", "history_ttl",
                    "history_max_bytes", "tool_result_max_bytes"});
    if (auto v = chat.integer("max_message_chars", 1, 100000)) c.chat.maxMessageChars = *v;
    if (auto v = chat.integer("history_turns", 0, 100)) c.chat.historyTurns = *v;
    if (auto v = chat.integer("history_conversations", 1, 100000)) c.chat.historyConversations = *v;
    if (auto v = chat.integer("history_ttl", 1, 7 * 86400)) c.chat.historyTtlSeconds = *v;
    if (auto v = chat.integer("history_max_bytes", 1024, 1024 * 1024)) c.chat.historyMaxBytes = *v;
    if (auto v = chat.integer("tool_result_max_bytes", 1024, 1024 * 1024)) c.chat.toolResultMaxBytes = *v;

    const yaml::Section plugins = root.section("plugins");
    plugins.allowOnly({"directory", "call_timeout_ms", "settings"});
    if (auto v = plugins.string("directory")) c.plugins.directory = *v;
    if (auto v = plugins.integer("call_timeout_ms", 10, 600000)) c.plugins.callTimeoutMs = *v;
    const yaml::Section settings = plugins.section("settings");
    for (const std::string& id : settings.keys()) {
        const YAML::Node n = settings.node(id);
        if (!n.IsMap() && !n.IsNull()) settings.fail(n, "'plugins.settings." + id + "' must be a mapping");
        c.plugins.settingsJson[id] = n.IsNull() ? "{}" : yaml::toJson(n);
    }

    if (auto v = root.string("policy")) c.policyFile = *v;
    const yaml::Section audit = root.section("audit");
    audit.allowOnly({"path"});
    if (auto v = audit.string("path")) c.auditPath = *v;
    if (auto v = root.string("log_level")) {
        auto level = normalizeLogLevel(*v);
        if (!level) root.fail(root.node("log_level"), "'log_level' must be one of trace, debug, information, notice, warning, error, critical, fatal");
        c.logLevel = *level;
    }
}

void ConfigLoader::resolvePaths(const std::string& baseDir, Config& c) const {
    c.server.tlsCertificate = resolve(baseDir, c.server.tlsCertificate);
    c.server.tlsPrivateKey = resolve(baseDir, c.server.tlsPrivateKey);
    c.policyFile = resolve(baseDir, c.policyFile);
    c.auditPath = resolve(baseDir, c.auditPath);
    c.plugins.directory = resolve(baseDir, c.plugins.directory);
    c.llm.caFile = resolve(baseDir, c.llm.caFile);
}

void ConfigLoader::applyEnvironment(Config& c) const {
    // An empty variable (e.g. "API_KEY=" in an EnvironmentFile) counts as unset.
    const auto envValue = [&](const std::string& name) -> std::optional<std::string> {
        auto v = env_(name);
        if (!v || text::trim(*v).empty()) return std::nullopt;
        return v;
    };
    const auto integerEnv = [&](const std::string& name, int64_t min, int64_t max, int64_t& target) {
        auto v = envValue(name);
        if (!v) return;
        errno = 0;
        char* end = nullptr;
        const long long n = std::strtoll(v->c_str(), &end, 10);
        if (v->empty() || *end != '\0' || errno == ERANGE || n < min || n > max) {
            throw ConfigError("environment variable " + name + " must be an integer between " + std::to_string(min) +
                              " and " + std::to_string(max));
        }
        target = n;
    };
    if (auto v = envValue("API_KEY")) c.apiKey = *v;
    if (auto v = envValue("LLM_PROVIDER")) c.llm.provider = text::toLower(text::trim(*v));
    if (auto v = envValue("GROQ_API_KEY")) c.llm.providers["groq"].apiKey = text::trim(*v);
    if (auto v = envValue("OPENAI_API_KEY")) c.llm.providers["openai"].apiKey = text::trim(*v);
    if (auto v = envValue("OPENAI_BASE_URL")) c.llm.providers["openai"].baseUrl = text::trim(*v);
    if (auto v = envValue("LLM_MODEL")) {
        for (auto& [name, p] : c.llm.providers) p.model = text::trim(*v);
    }
    integerEnv("RATE_LIMIT_REQUESTS", 1, 1000000, c.rateLimit.requests);
    integerEnv("RATE_LIMIT_WINDOW", 1, 86400, c.rateLimit.windowSeconds);
    if (auto v = envValue("LOG_LEVEL")) {
        auto level = normalizeLogLevel(*v);
        if (!level) throw ConfigError("environment variable LOG_LEVEL: unknown level '" + text::sanitizeForLog(*v, 32) + "'");
        c.logLevel = *level;
    }
}

void ConfigLoader::validate(Config& c, bool requireApiKey) const {
    if (requireApiKey) {
        if (c.apiKey.empty()) {
            throw ConfigError("no API key configured: set the API_KEY environment variable (or auth.api_key in " +
                              (c.sourceFile.empty() ? defaults_.configFile : c.sourceFile) +
                              "); the server never runs without authentication");
        }
        if (c.apiKey.size() < 16) throw ConfigError("the API key is too short: use at least 16 characters");
        for (unsigned char ch : c.apiKey) {
            if (ch <= 0x20 || ch >= 0x7F) throw ConfigError("the API key must be printable ASCII without spaces");
        }
    }
    const std::string& p = c.llm.provider;
    if (p != "auto" && p != "offline" && p != "groq" && p != "openai") {
        throw ConfigError("unknown LLM provider '" + text::sanitizeForLog(p, 32) + "' (expected auto, offline, groq or openai)");
    }
    for (const auto& [name, settings] : c.llm.providers) {
        Poco::URI uri;
        try {
            uri = Poco::URI(settings.baseUrl);
        } catch (const Poco::Exception&) {
            throw ConfigError("llm." + name + ".base_url is not a valid URL");
        }
        if ((uri.getScheme() != "https" && uri.getScheme() != "http") || uri.getHost().empty()) {
            throw ConfigError("llm." + name + ".base_url must be an http:// or https:// URL");
        }
    }
    if (c.plugins.directory.empty()) throw ConfigError("plugins.directory is empty");
}

std::optional<std::string> ConfigLoader::normalizeLogLevel(const std::string& level) {
    const std::string l = text::toLower(text::trim(level));
    if (l == "trace") return "trace";
    if (l == "debug") return "debug";
    if (l == "info" || l == "information") return "information";
    if (l == "notice") return "notice";
    if (l == "warn" || l == "warning") return "warning";
    if (l == "error") return "error";
    if (l == "critical") return "critical";
    if (l == "fatal") return "fatal";
    return std::nullopt;
}

}  // namespace ha
