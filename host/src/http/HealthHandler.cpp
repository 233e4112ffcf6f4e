#include "http/HealthHandler.h"

namespace ha::http {

void HealthHandler::handle(HTTPServerRequest&, HTTPServerResponse& response) {
    // The body is the same for every request of the process (the version is built in), so its
    // redacted text is made once: /health is what load balancers and monitors poll.
    static const std::string text = [this] {
        auto body = json::object();
        body->set("status", "healthy");
        body->set("service", "homelab-assistant");
        body->set("version", ctx_.version);
        return redacted(json::stringify(body)) + "\n";
    }();
    sendRedactedJsonText(response, 200, text);
}

}  // namespace ha::http
