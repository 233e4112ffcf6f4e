#include "http/HealthHandler.h"

namespace ha::http {

void HealthHandler::handle(HTTPServerRequest&, HTTPServerResponse& response) {
    auto body = json::object();
    body->set("status", "healthy");
    body->set("service", "homelab-assistant");
    body->set("version", ctx_.version);
    sendJson(response, 200, body);
}

}  // namespace ha::http
