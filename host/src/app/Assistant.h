// Builds and owns the whole assistant from a Config: secrets, policy, audit log, plugins, the
// answers catalog, the provider (and its fallback), the orchestrator and the HTTP API context.
// Construction fails with StartupError on any problem.
#pragma once

#include "answers/AnswerCatalog.h"
#include "answers/HealthCheck.h"
#include "audit/AuditLog.h"
#include "chat/ConversationStore.h"
#include "chat/OfflineProvider.h"
#include "chat/Orchestrator.h"
#include "chat/RequestGuard.h"
#include "config/Config.h"
#include "http/ApiContext.h"
#include "http/Authenticator.h"
#include "http/HttpsServer.h"
#include "http/MetricsListener.h"
#include "http/RateLimiter.h"
#include "metrics/Metrics.h"
#include "plugin/PluginLoader.h"
#include "policy/Policy.h"
#include "secrets/Redactor.h"
#include "tools/ToolExecutor.h"
#include "tools/ToolRegistry.h"

#include <memory>
#include <stdexcept>
#include <string>

namespace ha {

class StartupError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Assistant {
public:
    // checkAudit=false skips opening the audit log (for --list-plugins). redactor: the one the
    // log channel applies (the assistant adds the API key and the plugins' secrets to it); a
    // new one when null.
    explicit Assistant(Config config, bool checkAudit = true, std::shared_ptr<Redactor> redactor = nullptr);
    ~Assistant();

    // Binds the HTTPS socket; throws StartupError on a bad address, busy port or TLS files.
    std::unique_ptr<http::HttpsServer> createServer();
    // The keyless /metrics listener of metrics.listen, or null when none is configured; throws
    // StartupError on a bad or busy address.
    std::unique_ptr<http::MetricsListener> createMetricsListener();

    const Config& config() const { return config_; }
    const plugin::LoadResult& plugins() const { return plugins_; }
    const ToolCatalog& catalog() const { return executor_->catalog(); }
    Provider& provider() { return *provider_; }
    // "groq (model llama-3.3-70b-versatile at https://api.groq.com/openai/v1)", "offline".
    const std::string& providerDescription() const { return providerDescription_; }

private:
    void loadPolicy();
    void openAudit(bool checkAudit);
    void loadPlugins();
    void logCatalog() const;
    void warnAboutUnusedSettings() const;
    std::string settingsFor(const plugin::PluginIdentity& id) const;
    std::shared_ptr<plugin::LoadedPlugin> findProvider(const std::string& id) const;
    void selectProvider();
    void buildOrchestrator();
    void addGauges();

    Config config_;
    std::shared_ptr<Redactor> redactor_;
    metrics::Metrics metrics_;  // before everything that records into it
    Policy policy_;
    AuditLog audit_;
    plugin::LoadResult plugins_;
    ToolRegistry registry_;
    std::unique_ptr<ToolExecutor> executor_;
    AnswerCatalog answers_;
    std::unique_ptr<HealthCheck> health_;
    std::unique_ptr<OfflineProvider> offline_;
    std::unique_ptr<Provider> plugged_;  // the provider plugin selected, if any
    Provider* provider_ = nullptr;
    std::string providerDescription_;
    RequestGuard guard_;
    ConversationStore conversations_;
    std::unique_ptr<Orchestrator> orchestrator_;
    http::Authenticator authenticator_;
    http::RateLimiter keyLimiter_;
    http::RateLimiter failureLimiter_;
    std::unique_ptr<http::ApiContext> api_;
};

}  // namespace ha
