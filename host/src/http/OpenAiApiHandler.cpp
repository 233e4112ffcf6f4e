#include "http/OpenAiApiHandler.h"

namespace ha::http {

namespace {

std::string typeFor(int status) {
    if (status == 401) return "authentication_error";
    if (status == 403) return "permission_error";
    if (status == 429) return "rate_limit_error";
    if (status >= 500) return "server_error";
    return "invalid_request_error";
}

std::string codeFor(int status) {
    switch (status) {
        case 400: return "invalid_request";
        case 401: return "invalid_api_key";
        case 404: return "not_found";
        case 405: return "method_not_allowed";
        case 413: return "request_too_large";
        case 429: return "rate_limit_exceeded";
        case 502: return "provider_error";
        case 503: return "provider_unavailable";
        case 504: return "timeout";
        default: return status >= 500 ? "internal_error" : "invalid_request";
    }
}

}  // namespace

json::Object::Ptr OpenAiApiHandler::errorObject(int status, const std::string& message, const std::string& code) {
    auto error = json::object();
    error->set("message", message);
    error->set("type", typeFor(status));
    error->set("param", json::Var());
    error->set("code", code.empty() ? codeFor(status) : code);
    auto body = json::object();
    body->set("error", error);
    return body;
}

json::Object::Ptr OpenAiApiHandler::errorBody(int status, const std::string& message, const std::string& code) const {
    return errorObject(status, message, code);
}

void OpenAiApiHandler::requireMethod(const HTTPServerRequest& request, const std::string& method) {
    if (request.getMethod() != method) {
        throw HttpError(405, "method " + request.getMethod() + " is not allowed here; use " + method,
                        {{"Allow", method}});
    }
}

}  // namespace ha::http
