// Maps method + path to a handler: /health, /chat, /v1/tools, /v1/tools/{capability}, /v1/status.
#pragma once

#include "http/ApiContext.h"

#include <Poco/Net/HTTPRequestHandlerFactory.h>

namespace ha::http {

class RequestRouter : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit RequestRouter(ApiContext& context) : ctx_(context) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest& request) override;

private:
    ApiContext& ctx_;
};

}  // namespace ha::http
