#include "app/Assistant.h"

#include "http/RequestRouter.h"
#include "plugin/PluginProvider.h"
#include "policy/PolicyLoader.h"
#include "util/Json.h"

#include <Poco/Exception.h>
#include <Poco/Logger.h>

namespace ha {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("assistant"); }

std::vector<std::string> secretsOf(const Config& c) {
    std::vector<std::string> secrets{c.apiKey};
    for (const auto& [name, p] : c.llm.providers) secrets.push_back(p.apiKey);
    return secrets;
}

ConversationStore::Limits historyLimits(const ChatConfig& c) {
    return {static_cast<size_t>(c.historyConversations), static_cast<size_t>(c.historyTurns),
            static_cast<size_t>(c.historyMaxBytes), std::chrono::seconds(c.historyTtlSeconds)};
}

}  // namespace

Assistant::Assistant(Config config, bool checkAudit)
    : config_(std::move(config)),
      redactor_(secretsOf(config_)),
      audit_(config_.auditPath, redactor_),
      guard_(),
      conversations_(historyLimits(config_.chat)),
      authenticator_(config_.apiKey),
      keyLimiter_(static_cast<size_t>(config_.rateLimit.requests), std::chrono::seconds(config_.rateLimit.windowSeconds)),
      failureLimiter_(static_cast<size_t>(config_.rateLimit.authFailuresPerWindow),
                      std::chrono::seconds(config_.rateLimit.windowSeconds)) {
    try {
        policy_ = PolicyLoader::loadFile(config_.policyFile);
    } catch (const PolicyError& e) {
        throw StartupError(std::string("policy: ") + e.what());
    }
    logger().information("policy " + config_.policyFile + ": " + std::to_string(policy_.allowRules().size()) +
                         " allow rules, " + std::to_string(policy_.denyRules().size()) + " deny rules, default deny");
    if (checkAudit) {
        try {
            audit_.checkWritable();
        } catch (const AuditError& e) {
            throw StartupError(e.what());
        }
    }

    plugin::LoaderOptions options;
    options.directory = config_.plugins.directory;
    options.settingsFor = [this](const plugin::PluginIdentity& id) { return settingsFor(id); };
    options.redactor = &redactor_;
    plugins_ = plugin::PluginLoader(options).loadAll();
    registry_ = ToolRegistry(plugins_.tools);
    executor_ = std::make_unique<ToolExecutor>(registry_, policy_, std::chrono::milliseconds(config_.plugins.callTimeoutMs));
    for (const auto& tool : registry_.all()) {
        const ToolInfo& info = tool->info();
        const Decision d = policy_.decide(info.capability, info.effect);
        logger().information("capability " + info.capability + (d.allowed ? " allowed: " : " denied: ") + d.reason);
    }

    provider_ = selectProvider();
    Orchestrator::Options o;
    o.maxToolRounds = static_cast<int>(config_.llm.maxToolRounds);
    o.turnTimeout = std::chrono::seconds(config_.llm.timeoutSeconds);
    o.toolResultMaxBytes = static_cast<size_t>(config_.chat.toolResultMaxBytes);
    orchestrator_ = std::make_unique<Orchestrator>(*executor_, *provider_, guard_, conversations_, o);

    api_ = std::unique_ptr<http::ApiContext>(new http::ApiContext{config_, authenticator_, keyLimiter_, failureLimiter_,
                                                                  *orchestrator_, *executor_, audit_, redactor_, {},
                                                                  HA_VERSION});
    for (const auto& r : plugins_.reports) api_->plugins.push_back({r.file, r.id, r.loaded, r.message});
}

Assistant::~Assistant() = default;

std::string Assistant::settingsFor(const plugin::PluginIdentity& id) const {
    json::Object::Ptr settings = json::object();
    if (auto it = config_.plugins.settingsJson.find(id.id); it != config_.plugins.settingsJson.end()) {
        settings = json::parseObject(it->second);
    }
    auto p = config_.llm.providers.find(id.id);
    if (id.providesModel() && p != config_.llm.providers.end()) {
        settings->set("api_key", p->second.apiKey);
        settings->set("base_url", p->second.baseUrl);
        settings->set("model", p->second.model);
        settings->set("request_timeout_ms", config_.llm.requestTimeoutSeconds * 1000);
        settings->set("max_retries", config_.llm.maxRetries);
        settings->set("temperature", config_.llm.temperature);
        if (!config_.llm.caFile.empty()) settings->set("ca_file", config_.llm.caFile);
    }
    return json::stringify(settings);
}

std::unique_ptr<Provider> Assistant::selectProvider() {
    std::string name = config_.llm.provider;
    const auto hasKey = [&](const std::string& p) { return !config_.llm.providers.at(p).apiKey.empty(); };
    const bool localOpenAi = config_.llm.providers.at("openai").baseUrl.find("api.openai.com") == std::string::npos;
    if (name == "auto") {
        name = hasKey("groq") ? "groq" : (hasKey("openai") ? "openai" : "offline");
    } else if ((name == "groq" && !hasKey("groq")) || (name == "openai" && !hasKey("openai") && !localOpenAi)) {
        logger().warning("LLM provider '" + name + "' has no API key configured: answering with the offline provider");
        name = "offline";
    }
    if (name == "offline") {
        logger().information("LLM provider: offline (embedded, answers common questions from the tools)");
        return std::make_unique<OfflineProvider>();
    }
    for (const auto& plugin : plugins_.plugins) {
        if (plugin->identity().id == name && plugin->provider() != nullptr) {
            const auto& s = config_.llm.providers.at(name);
            logger().information("LLM provider: " + name + " (model " + s.model + " at " + s.baseUrl + ")");
            return std::make_unique<plugin::PluginProvider>(plugin);
        }
    }
    throw StartupError("LLM provider '" + name + "' is selected but its plugin is not loaded from " +
                       config_.plugins.directory);
}

std::unique_ptr<http::HttpsServer> Assistant::createServer() {
    try {
        return std::make_unique<http::HttpsServer>(config_.server, new http::RequestRouter(*api_));
    } catch (const std::exception& e) {
        throw StartupError(e.what());  // names the address or the certificate
    }
}

}  // namespace ha
