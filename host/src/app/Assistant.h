// Builds and owns the whole assistant from a Config: policy, audit log, plugins, provider,
// orchestrator and the HTTP API context. Construction fails with StartupError on any problem.
#pragma once

#include "audit/AuditLog.h"
#include "chat/ConversationStore.h"
#include "chat/OfflineProvider.h"
#include "chat/Orchestrator.h"
#include "chat/RequestGuard.h"
#include "config/Config.h"
#include "http/ApiContext.h"
#include "http/Authenticator.h"
#include "http/HttpsServer.h"
#include "http/RateLimiter.h"
#include "plugin/PluginLoader.h"
#include "policy/Policy.h"
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
    // checkAudit=false skips opening the audit log (for --list-plugins).
    explicit Assistant(Config config, bool checkAudit = true);
    ~Assistant();

    // Binds the HTTPS socket; throws StartupError on a bad address, busy port or TLS files.
    std::unique_ptr<http::HttpsServer> createServer();

    const Config& config() const { return config_; }
    const plugin::LoadResult& plugins() const { return plugins_; }
    const ToolRegistry& registry() const { return registry_; }
    const Policy& policy() const { return policy_; }
    Provider& provider() { return *provider_; }

private:
    std::string settingsFor(const plugin::PluginIdentity& id) const;
    std::unique_ptr<Provider> selectProvider();

    Config config_;
    Redactor redactor_;
    Policy policy_;
    AuditLog audit_;
    plugin::LoadResult plugins_;
    ToolRegistry registry_;
    std::unique_ptr<ToolExecutor> executor_;
    std::unique_ptr<Provider> provider_;
    RequestGuard guard_;
    ConversationStore conversations_;
    std::unique_ptr<Orchestrator> orchestrator_;
    http::Authenticator authenticator_;
    http::RateLimiter keyLimiter_;
    http::RateLimiter failureLimiter_;
    std::unique_ptr<http::ApiContext> api_;
};

}  // namespace ha
