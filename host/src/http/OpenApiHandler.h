// GET /openapi.json: the OpenAPI 3.1 description of the whole HTTP API (host/api/openapi.json,
// built into the binary), without a key: it describes the routes, it holds no data.
#pragma once

#include "http/ApiHandler.h"

namespace ha::http {

class OpenApiHandler : public ApiHandler {
public:
    using ApiHandler::ApiHandler;

    // The document's text as built in (generated from host/api/openapi.json).
    static const std::string& document();

protected:
    void handle(HTTPServerRequest& request, HTTPServerResponse& response) override;
};

}  // namespace ha::http
