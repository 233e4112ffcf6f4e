// GET /v1/status: every plugin's health findings with the overall verdict, for dashboards, the
// web page and notifications. Authenticated; audited like a tool call (with every capability
// call the checks needed).
#pragma once

#include "http/ApiHandler.h"

namespace ha::http {

class StatusHandler : public ApiHandler {
public:
    using ApiHandler::ApiHandler;

protected:
    void handle(HTTPServerRequest& request, HTTPServerResponse& response) override;
};

}  // namespace ha::http
