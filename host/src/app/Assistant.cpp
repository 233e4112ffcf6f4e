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

ConversationStore::Limits historyLimits(const ChatConfig& c) {
    return {static_cast<size_t>(c.historyConversations), static_cast<size_t>(c.historyTurns),
            static_cast<size_t>(c.historyMaxBytes), std::chrono::seconds(c.historyTtlSeconds)};
}

}  // namespace

Assistant::Assistant(Config config, bool checkAudit, std::shared_ptr<Redactor> redactor)
    : config_(std::move(config)),
      redactor_(redactor ? std::move(redactor) : std::make_shared<Redactor>()),
      audit_(config_.auditPath, *redactor_, config_.auditSync),
      guard_(),
      conversations_(historyLimits(config_.chat)),
      authenticator_(config_.apiKey),
      keyLimiter_(static_cast<size_t>(config_.rateLimit.requests), std::chrono::seconds(config_.rateLimit.windowSeconds)),
      failureLimiter_(static_cast<size_t>(config_.rateLimit.authFailuresPerWindow),
                      std::chrono::seconds(config_.rateLimit.windowSeconds)) {
    redactor_->addSecrets({config_.apiKey});
    for (const std::string& w : config_.warnings) logger().warning(w);
    loadPolicy();
    openAudit(checkAudit);
    loadPlugins();
    selectProvider();
    buildOrchestrator();
}

Assistant::~Assistant() = default;

void Assistant::loadPolicy() {
    try {
        policy_ = PolicyLoader::loadFile(config_.policyFile);
    } catch (const PolicyError& e) {
        throw StartupError(std::string("policy: ") + e.what());
    }
    logger().information("policy " + config_.policyFile + ": " + std::to_string(policy_.allowRules().size()) +
                         " allow rules, " + std::to_string(policy_.denyRules().size()) + " deny rules, default deny");
}

void Assistant::openAudit(bool checkAudit) {
    if (!checkAudit) return;
    try {
        audit_.checkWritable();
    } catch (const AuditError& e) {
        throw StartupError(e.what());
    }
}

void Assistant::loadPlugins() {
    plugin::LoaderOptions options;
    options.directory = config_.plugins.directory;
    options.settingsFor = [this](const plugin::PluginIdentity& id) { return settingsFor(id); };
    options.answersTimeout = std::chrono::milliseconds(config_.plugins.answersTimeoutMs);
    options.redactor = redactor_.get();
    plugins_ = plugin::PluginLoader(options).loadAll();
    registry_ = ToolRegistry(plugins_.tools);
    executor_ = std::make_unique<ToolExecutor>(registry_, policy_, std::chrono::milliseconds(config_.plugins.callTimeoutMs),
                                               &metrics_);
    answers_ = AnswerCatalog(plugins_.answerers);
    health_ = std::make_unique<HealthCheck>(answers_, executor_->catalog());
    offline_ = std::make_unique<OfflineProvider>(answers_, executor_->catalog());
    logCatalog();
    warnAboutUnusedSettings();
}

void Assistant::logCatalog() const {
    for (const auto& entry : executor_->catalog().entries()) {
        logger().information("capability " + entry.tool->info().capability +
                             (entry.decision.allowed ? " allowed: " : " denied: ") + entry.decision.reason);
    }
}

void Assistant::warnAboutUnusedSettings() const {
    for (const auto& entry : config_.plugins.settingsJson) {
        const std::string& id = entry.first;  // (clang 14 cannot capture a structured binding)
        const bool known = std::any_of(plugins_.reports.begin(), plugins_.reports.end(),
                                       [&](const plugin::PluginReport& r) { return r.id == id; });
        if (!known) logger().warning("plugins.settings." + id + ": no plugin with id '" + id + "' is in " +
                                     config_.plugins.directory + "; these settings are unused");
    }
}

std::string Assistant::settingsFor(const plugin::PluginIdentity& id) const {
    auto it = config_.plugins.settingsJson.find(id.id);
    return it == config_.plugins.settingsJson.end() ? "{}" : it->second;
}

std::shared_ptr<plugin::LoadedPlugin> Assistant::findProvider(const std::string& id) const {
    for (const auto& p : plugins_.plugins) {
        if (p->identity().id == id && p->provider() != nullptr) return p;
    }
    return nullptr;
}

void Assistant::selectProvider() {
    const std::string& wanted = config_.llm.provider;
    std::shared_ptr<plugin::LoadedPlugin> chosen;
    plugin::ProviderDescription description;
    if (wanted == "auto") {
        for (const std::string& id : config_.llm.autoOrder) {
            auto candidate = findProvider(id);
            if (!candidate) continue;
            description = plugin::PluginProvider(candidate).describe();
            if (description.ready) {
                chosen = candidate;
                break;
            }
            logger().information("LLM provider " + id + " skipped: " + description.reason);
        }
    } else if (wanted != "offline") {
        chosen = findProvider(wanted);
        if (!chosen) {
            std::string loaded;
            for (const auto& p : plugins_.plugins) {
                if (p->provider() != nullptr) loaded += (loaded.empty() ? "" : ", ") + p->identity().id;
            }
            throw StartupError("LLM provider '" + wanted + "' is selected but no provider plugin with that id is loaded from " +
                               config_.plugins.directory + " (loaded: " + (loaded.empty() ? "none" : loaded) + ")");
        }
        description = plugin::PluginProvider(chosen).describe();
        if (!description.ready) {
            logger().warning("LLM provider '" + wanted + "' is not ready (" + description.reason +
                             "): answering with the offline provider");
            chosen.reset();
        }
    }
    if (!chosen) {
        provider_ = offline_.get();
        providerDescription_ = "offline";
        logger().information("LLM provider: offline (embedded; answers from the plugins' own answers)");
        return;
    }
    plugged_ = std::make_unique<plugin::PluginProvider>(chosen);
    provider_ = plugged_.get();
    providerDescription_ = chosen->identity().id;
    if (!description.model.empty()) providerDescription_ += " (model " + description.model;
    if (!description.endpoint.empty()) providerDescription_ += (description.model.empty() ? " (" : " at ") + description.endpoint;
    if (!description.model.empty() || !description.endpoint.empty()) providerDescription_ += ")";
    logger().information("LLM provider: " + providerDescription_ + ", fallback " + config_.llm.fallback);
}

void Assistant::buildOrchestrator() {
    Orchestrator::Options o;
    o.maxToolRounds = static_cast<int>(config_.llm.maxToolRounds);
    o.maxToolCallsPerTurn = static_cast<int>(config_.llm.maxToolCallsPerTurn);
    o.turnTimeout = std::chrono::seconds(config_.llm.timeoutSeconds);
    o.toolResultMaxBytes = static_cast<size_t>(config_.chat.toolResultMaxBytes);
    Provider* fallback = config_.llm.fallback == "offline" ? offline_.get() : nullptr;
    orchestrator_ = std::make_unique<Orchestrator>(*executor_, *provider_, fallback, guard_, conversations_, o, &metrics_);
    addGauges();

    api_ = std::unique_ptr<http::ApiContext>(new http::ApiContext{config_, authenticator_, keyLimiter_, failureLimiter_,
                                                                  *orchestrator_, *executor_, *health_, audit_,
                                                                  *redactor_, metrics_, {}, HA_VERSION});
    for (const auto& r : plugins_.reports) api_->plugins.push_back({r.file, r.id, r.loaded, r.message});
}

void Assistant::addGauges() {
    metrics_.setBuildInfo(HA_VERSION, std::to_string(HA_ABI_MAJOR) + "." + std::to_string(HA_ABI_MINOR));
    metrics_.addGauge({"homelab_assistant_stuck_plugin_calls",
                       "Plugin calls abandoned at their deadline that have not returned yet, by plugin.",
                       {"plugin"},
                       [this] {
                           std::vector<std::pair<metrics::LabelValues, double>> samples;
                           for (const auto& p : plugins_.plugins) samples.push_back({{p->identity().id}, static_cast<double>(p->stuckCalls())});
                           return samples;
                       }});
    metrics_.addGauge({"homelab_assistant_conversations", "Conversations the server keeps in memory.", {}, [this] {
                           return std::vector<std::pair<metrics::LabelValues, double>>{
                               {{}, static_cast<double>(conversations_.size())}};
                       }});
}

std::unique_ptr<http::HttpsServer> Assistant::createServer() {
    try {
        return std::make_unique<http::HttpsServer>(config_.server, new http::RequestRouter(*api_));
    } catch (const std::exception& e) {
        throw StartupError(e.what());  // names the address or the certificate
    }
}

std::unique_ptr<http::MetricsListener> Assistant::createMetricsListener() {
    if (config_.metrics.listen.empty()) return nullptr;
    try {
        return std::make_unique<http::MetricsListener>(config_.metrics.listen, metrics_);
    } catch (const std::exception& e) {
        throw StartupError(e.what());
    }
}

}  // namespace ha
