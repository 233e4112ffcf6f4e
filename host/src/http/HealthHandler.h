// GET /health: unauthenticated liveness, as in the original service ({"status":"healthy"}).
#pragma once

#include "http/ApiHandler.h"

namespace ha::http {

class HealthHandler : public ApiHandler {
public:
    using ApiHandler::ApiHandler;

protected:
    void handle(HTTPServerRequest& request, HTTPServerResponse& response) override;
};

}  // namespace ha::http
