#include "http/RequestRouter.h"

#include "http/ChatHandler.h"
#include "http/HealthHandler.h"
#include "http/StaticFileHandler.h"
#include "http/StatusHandler.h"
#include "http/ToolCallHandler.h"
#include "http/ToolsListHandler.h"

#include "util/Text.h"

#include <Poco/URI.h>

namespace ha::http {

Poco::Net::HTTPRequestHandler* RequestRouter::createRequestHandler(const Poco::Net::HTTPServerRequest& request) {
    std::string path;
    try {
        path = text::sanitizeForLog(Poco::URI(request.getURI()).getPath(), 256);
    } catch (const Poco::Exception&) {
        return new ErrorHandler(ctx_, 400, "malformed request URI");
    }
    const std::string& method = request.getMethod();
    const auto only = [&](const char* allowed, auto make) -> Poco::Net::HTTPRequestHandler* {
        if (method == allowed) return make();
        return new ErrorHandler(ctx_, 405, "method " + method + " is not allowed on " + path, allowed);
    };
    if (path == "/health") return only("GET", [&] { return new HealthHandler(ctx_); });
    if (path == "/chat") return only("POST", [&] { return new ChatHandler(ctx_); });
    if (path == "/v1/tools" || path == "/v1/tools/") return only("GET", [&] { return new ToolsListHandler(ctx_); });
    if (path == "/v1/status") return only("GET", [&] { return new StatusHandler(ctx_); });
    const std::string prefix = "/v1/tools/";
    if (path.compare(0, prefix.size(), prefix) == 0) {
        const std::string capability = path.substr(prefix.size());  // Poco::URI already decoded %xx
        return only("POST", [&] { return new ToolCallHandler(ctx_, capability); });
    }
    if (path.compare(0, 4, "/v1/") == 0 || path == "/v1") return new ErrorHandler(ctx_, 404, "no such endpoint: " + path);
    if (method == "GET" || method == "HEAD") return new StaticFileHandler(ctx_, webRoot_);
    return new ErrorHandler(ctx_, 404, "no such endpoint: " + path);
}

}  // namespace ha::http
