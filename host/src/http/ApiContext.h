// Everything the request handlers share; owned by the application, outlives the server.
#pragma once

#include "answers/HealthCheck.h"
#include "audit/AuditLog.h"
#include "chat/Orchestrator.h"
#include "config/Config.h"
#include "http/Authenticator.h"
#include "http/RateLimiter.h"
#include "metrics/Metrics.h"
#include "tools/ToolExecutor.h"

#include <string>
#include <vector>

namespace ha::http {

// What the plugin loader said about one file, for GET /v1/tools.
struct PluginStatus {
    std::string file;
    std::string id;
    bool loaded = false;
    std::string message;
};

struct ApiContext {
    const Config& config;
    Authenticator& authenticator;
    RateLimiter& keyLimiter;      // per API key
    RateLimiter& failureLimiter;  // failed authentications per client address
    Orchestrator& orchestrator;
    const ToolExecutor& executor;
    const HealthCheck& health;
    AuditLog& audit;
    const Redactor& redactor;  // applied to every response body and the access-log path
    metrics::Metrics& metrics;
    std::vector<PluginStatus> plugins;
    std::string version;
};

}  // namespace ha::http
