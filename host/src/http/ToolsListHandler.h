// GET /v1/tools: every capability with its schema, effect and the policy's decision, plus what
// the plugin loader did with each file.
#pragma once

#include "http/ApiHandler.h"

namespace ha::http {

class ToolsListHandler : public ApiHandler {
public:
    using ApiHandler::ApiHandler;

protected:
    void handle(HTTPServerRequest& request, HTTPServerResponse& response) override;
};

}  // namespace ha::http
