#include "http/RequestRouter.h"

#include "http/ChatHandler.h"
#include "http/HealthHandler.h"
#include "http/McpHandler.h"
#include "http/MetricsHandler.h"
#include "http/OpenApiHandler.h"
#include "http/OpenAiChatHandler.h"
#include "http/OpenAiModelsHandler.h"
#include "http/StaticFileHandler.h"
#include "http/StatusHandler.h"
#include "http/ToolCallHandler.h"
#include "http/ToolsListHandler.h"

#include "util/Text.h"

#include <Poco/URI.h>

namespace ha::http {

namespace {

// The handler, labelled with its route's pattern for the metrics.
ApiHandler* routed(const char* route, ApiHandler* handler) {
    handler->setRoute(route);
    return handler;
}

}  // namespace

Poco::Net::HTTPRequestHandler* RequestRouter::createRequestHandler(const Poco::Net::HTTPServerRequest& request) {
    std::string path;
    try {
        path = text::sanitizeForLog(Poco::URI(request.getURI()).getPath(), 256);
    } catch (const Poco::Exception&) {
        return new ErrorHandler(ctx_, 400, "malformed request URI");
    }
    const std::string& method = request.getMethod();
    const auto only = [&](const char* route, const char* allowed, auto make) -> Poco::Net::HTTPRequestHandler* {
        if (method == allowed) return routed(route, make());
        return routed(route, new ErrorHandler(ctx_, 405, "method " + method + " is not allowed on " + path, allowed));
    };
    if (path == "/health") return only("/health", "GET", [&] { return new HealthHandler(ctx_); });
    if (path == "/chat") return only("/chat", "POST", [&] { return new ChatHandler(ctx_); });
    if (path == "/v1/tools" || path == "/v1/tools/") {
        return only("/v1/tools", "GET", [&] { return new ToolsListHandler(ctx_); });
    }
    if (path == "/v1/status") return only("/v1/status", "GET", [&] { return new StatusHandler(ctx_); });
    if (path == "/metrics") return only("/metrics", "GET", [&] { return new MetricsHandler(ctx_); });
    if (path == "/openapi.json") return only("/openapi.json", "GET", [&] { return new OpenApiHandler(ctx_); });
    if (path == "/mcp") return routed("/mcp", new McpHandler(ctx_));  // answers every method itself (JSON-RPC errors)
    // OpenAI-compatible routes answer every method themselves: their 405 is an OpenAI error too.
    if (path == "/v1/chat/completions") return routed("/v1/chat/completions", new OpenAiChatHandler(ctx_));
    if (path == "/v1/models") return routed("/v1/models", new OpenAiModelsHandler(ctx_, ""));
    if (path.compare(0, 11, "/v1/models/") == 0) {
        return routed("/v1/models/{model}", new OpenAiModelsHandler(ctx_, path.substr(11)));
    }
    const std::string prefix = "/v1/tools/";
    if (path.compare(0, prefix.size(), prefix) == 0) {
        const std::string capability = path.substr(prefix.size());  // Poco::URI already decoded %xx
        return only("/v1/tools/{capability}", "POST", [&] { return new ToolCallHandler(ctx_, capability); });
    }
    if (path.compare(0, 4, "/v1/") == 0 || path == "/v1") return new ErrorHandler(ctx_, 404, "no such endpoint: " + path);
    if (method == "GET" || method == "HEAD") return routed("web page", new StaticFileHandler(ctx_, webRoot_));
    return new ErrorHandler(ctx_, 404, "no such endpoint: " + path);
}

}  // namespace ha::http
