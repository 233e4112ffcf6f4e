// An error answered to the client as {"error": message} with an HTTP status (routes speaking
// another protocol shape it their way, see ApiHandler::errorBody; `code` is for those shapes).
#pragma once

#include <map>
#include <stdexcept>
#include <string>

namespace ha::http {

class HttpError : public std::runtime_error {
public:
    HttpError(int status, const std::string& message, std::map<std::string, std::string> headers = {},
              std::string code = "")
        : std::runtime_error(message), status_(status), headers_(std::move(headers)), code_(std::move(code)) {}
    int status() const { return status_; }
    const std::map<std::string, std::string>& headers() const { return headers_; }
    // A machine-readable code ("model_not_found"); empty when the status says it all.
    const std::string& code() const { return code_; }

private:
    int status_;
    std::map<std::string, std::string> headers_;
    std::string code_;
};

}  // namespace ha::http
