// Maps method + path to a handler (each labelled with its route's pattern for the metrics):
// /health, /chat, /v1/tools, /v1/tools/{capability}, /v1/status, /metrics, /openapi.json, /mcp,
// the OpenAI-compatible /v1/models and /v1/chat/completions, and every other GET or HEAD to the
// web page's files.
#pragma once

#include "http/ApiContext.h"
#include "http/WebRoot.h"

#include <Poco/Net/HTTPRequestHandlerFactory.h>

namespace ha::http {

class RequestRouter : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit RequestRouter(ApiContext& context) : ctx_(context), webRoot_(context.config.server.webRoot) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest& request) override;

private:
    ApiContext& ctx_;
    WebRoot webRoot_;
};

}  // namespace ha::http
