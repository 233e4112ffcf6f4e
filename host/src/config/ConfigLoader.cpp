#include "config/ConfigLoader.h"

#include "util/Json.h"
#include "util/Text.h"
#include "util/Yaml.h"

#include <Poco/Exception.h>
#include <Poco/Path.h>
#include <Poco/URI.h>

#include <algorithm>
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

// Sets one key of a plugin's settings object (plugins.settings.<id>).
void setSetting(Config& c, const std::string& plugin, const std::string& key, const json::Var& value) {
    auto& text = c.plugins.settingsJson[plugin];
    json::Object::Ptr o = text.empty() ? json::object() : json::parseObject(text);
    o->set(key, value);
    text = json::stringify(o);
}

bool hasSetting(const Config& c, const std::string& plugin, const std::string& key) {
    auto it = c.plugins.settingsJson.find(plugin);
    return it != c.plugins.settingsJson.end() && json::parseObject(it->second)->has(key);
}

// Provider keys of releases before 0.2 (llm.groq.api_key, llm.temperature ...) still work: they
// become the provider plugins' settings, unless those set the key themselves, with a warning.
void readDeprecatedProviderKeys(const yaml::Section& llm, const std::string& baseDir, Config& c) {
    const auto moved = [&](const std::string& from, const std::string& plugin, const std::string& key, json::Var v) {
        c.warnings.push_back(llm.where(llm.node(from.substr(0, from.find('.')))) + ": 'llm." + from +
                             "' is deprecated; set 'plugins.settings." + plugin + "." + key + "' instead");
        if (!hasSetting(c, plugin, key)) setSetting(c, plugin, key, v);
    };
    for (const char* provider : {"groq", "openai"}) {
        const yaml::Section s = llm.section(provider);
        s.allowOnly({"api_key", "base_url", "model"});
        for (const char* key : {"api_key", "base_url", "model"}) {
            if (auto v = s.string(key)) moved(std::string(provider) + "." + key, provider, key, *v);
        }
    }
    const auto both = [&](const std::string& from, const std::string& key, const json::Var& v) {
        for (const char* provider : {"groq", "openai"}) moved(from, provider, key, v);
    };
    if (auto v = llm.integer("request_timeout", 1, 600)) both("request_timeout", "request_timeout_ms", *v * 1000);
    if (auto v = llm.integer("max_retries", 0, 10)) both("max_retries", "max_retries", *v);
    if (auto v = llm.number("temperature", 0.0, 2.0)) both("temperature", "temperature", *v);
    if (auto v = llm.string("ca_file")) both("ca_file", "ca_file", resolve(baseDir, *v));
}

}  // namespace

Config ConfigLoader::load(const std::string& path, bool requireApiKey) const {
    Config config;
    config.plugins.directory = defaults_.pluginDirectory;

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
    root.allowOnly({"server", "auth", "rate_limit", "llm", "chat", "plugins", "metrics", "policy", "audit", "log_level"});

    const yaml::Section server = root.section("server");
    server.allowOnly({"listen", "tls_certificate", "tls_private_key", "max_body_bytes", "io_threads", "threads",
                      "max_queued", "max_connections", "max_connections_per_address", "handshake_timeout",
                      "request_timeout", "keep_alive_timeout", "max_keep_alive_requests", "write_timeout",
                      "max_request_line", "max_header_bytes", "max_header_count", "web_root"});
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
    if (auto v = server.string("web_root")) c.server.webRoot = *v;

    const yaml::Section metrics = root.section("metrics");
    metrics.allowOnly({"listen"});
    if (auto v = metrics.string("listen")) c.metrics.listen = *v;

    const yaml::Section auth = root.section("auth");
    auth.allowOnly({"api_key"});
    if (auto v = auth.string("api_key")) c.apiKey = *v;

    const yaml::Section rl = root.section("rate_limit");
    rl.allowOnly({"requests", "window", "auth_failures"});
    if (auto v = rl.integer("requests", 1, 1000000)) c.rateLimit.requests = *v;
    if (auto v = rl.integer("window", 1, 86400)) c.rateLimit.windowSeconds = *v;
    if (auto v = rl.integer("auth_failures", 1, 1000000)) c.rateLimit.authFailuresPerWindow = *v;

    const yaml::Section llm = root.section("llm");
    llm.allowOnly({"provider", "auto_order", "fallback", "timeout", "max_tool_rounds", "max_tool_calls",
                   // deprecated, see readDeprecatedProviderKeys
                   "request_timeout", "max_retries", "temperature", "ca_file", "groq", "openai"});
    if (auto v = llm.string("provider")) c.llm.provider = text::toLower(text::trim(*v));
    if (auto v = llm.strings("auto_order")) c.llm.autoOrder = *v;
    if (auto v = llm.string("fallback")) {
        if (*v != "offline" && *v != "error") llm.fail(llm.node("fallback"), "'llm.fallback' must be offline or error");
        c.llm.fallback = *v;
    }
    if (auto v = llm.integer("timeout", 1, 600)) c.llm.timeoutSeconds = *v;
    if (auto v = llm.integer("max_tool_rounds", 1, 20)) c.llm.maxToolRounds = *v;
    if (auto v = llm.integer("max_tool_calls", 1, 256)) c.llm.maxToolCallsPerTurn = *v;

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
    plugins.allowOnly({"directory", "call_timeout_ms", "answers_timeout_ms", "settings"});
    if (auto v = plugins.string("directory")) c.plugins.directory = *v;
    if (auto v = plugins.integer("call_timeout_ms", 10, 600000)) c.plugins.callTimeoutMs = *v;
    if (auto v = plugins.integer("answers_timeout_ms", 10, 60000)) c.plugins.answersTimeoutMs = *v;
    const yaml::Section settings = plugins.section("settings");
    for (const std::string& id : settings.keys()) {
        const YAML::Node n = settings.node(id);
        if (!n.IsMap() && !n.IsNull()) settings.fail(n, "'plugins.settings." + id + "' must be a mapping");
        c.plugins.settingsJson[id] = n.IsNull() ? "{}" : yaml::toJson(n);
    }
    readDeprecatedProviderKeys(llm, directoryOf(file), c);

    if (auto v = root.string("policy")) c.policyFile = *v;
    const yaml::Section audit = root.section("audit");
    audit.allowOnly({"path", "sync"});
    if (auto v = audit.string("path")) c.auditPath = *v;
    if (auto v = audit.string("sync")) {
        if (*v == "none") c.auditSync = AuditSync::None;
        else if (*v == "batch") c.auditSync = AuditSync::Batch;
        else if (*v == "always") c.auditSync = AuditSync::Always;
        else audit.fail(audit.node("sync"), "'audit.sync' must be none, batch or always");
    }
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
    c.server.webRoot = resolve(baseDir, c.server.webRoot);
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
    // The original service's variables, as aliases of plugin settings (README: environment).
    for (const EnvironmentAlias& alias : environmentAliases()) {
        if (auto v = envValue(alias.variable)) setSetting(c, alias.plugin, alias.setting, text::trim(*v));
    }
    if (auto v = envValue("LLM_MODEL")) {
        // The model of the provider LLM_PROVIDER names, or of every aliased provider with auto.
        if (c.llm.provider == "auto" || c.llm.provider == "offline") {
            for (const char* p : {"groq", "openai"}) setSetting(c, p, "model", text::trim(*v));
        } else {
            setSetting(c, c.llm.provider, "model", text::trim(*v));
        }
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
    const auto pluginIdLike = [](const std::string& id) {
        return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char ch) {
            return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-';
        });
    };
    if (!pluginIdLike(p)) {
        throw ConfigError("LLM provider '" + text::sanitizeForLog(p, 32) +
                          "' is not auto, offline or a provider plugin id such as groq or openai");
    }
    for (const std::string& id : c.llm.autoOrder) {
        if (!pluginIdLike(id)) throw ConfigError("llm.auto_order: '" + text::sanitizeForLog(id, 32) + "' is not a plugin id");
    }
    if (c.plugins.directory.empty()) throw ConfigError("plugins.directory is empty");
    struct stat st{};
    // Only a configured directory is worth a warning: without the page installed (a build tree)
    // the default one is simply absent, and GET / says so.
    if (!c.server.webRoot.empty() && c.server.webRoot != HA_DEFAULT_WEB_ROOT && (::stat(c.server.webRoot.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))) {
        c.warnings.push_back("server.web_root " + c.server.webRoot + " is not a directory: GET / answers 404");
    }
}

const std::vector<EnvironmentAlias>& environmentAliases() {
    static const std::vector<EnvironmentAlias> aliases = {
        {"GROQ_API_KEY", "groq", "api_key"},
        {"OPENAI_API_KEY", "openai", "api_key"},
        {"OPENAI_BASE_URL", "openai", "base_url"},
    };
    return aliases;
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
