// Base of the OpenAI-compatible routes (/v1/models, /v1/chat/completions): the key may come as
// `Authorization: Bearer <key>`, and every error is OpenAI's error object
// {"error": {"message", "type", "param", "code"}}, so OpenAI clients report it as it is.
#pragma once

#include "http/ApiHandler.h"

namespace ha::http {

class OpenAiApiHandler : public ApiHandler {
public:
    using ApiHandler::ApiHandler;

    // {"message", "type", "param": null, "code"}: the type from the status
    // (invalid_request_error, authentication_error, permission_error, rate_limit_error,
    // server_error), the code given or one for the status.
    static json::Object::Ptr errorObject(int status, const std::string& message, const std::string& code);

protected:
    json::Object::Ptr errorBody(int status, const std::string& message, const std::string& code) const override;
    bool acceptsBearer() const override { return true; }
    // 405 with Allow unless the request's method is `method`.
    static void requireMethod(const HTTPServerRequest& request, const std::string& method);
};

}  // namespace ha::http
