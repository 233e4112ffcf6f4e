// POST /v1/tools/{capability} with a JSON object of arguments: a direct, audited, read-only call
// through the same policy gate as the assistant's own calls.
#pragma once

#include "http/ApiHandler.h"

namespace ha::http {

class ToolCallHandler : public ApiHandler {
public:
    ToolCallHandler(ApiContext& context, std::string capability)
        : ApiHandler(context), capability_(std::move(capability)) {}

protected:
    void handle(HTTPServerRequest& request, HTTPServerResponse& response) override;

private:
    std::string capability_;
};

}  // namespace ha::http
