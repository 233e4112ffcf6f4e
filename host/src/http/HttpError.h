// An error answered to the client as {"error": message} with an HTTP status.
#pragma once

#include <map>
#include <stdexcept>
#include <string>

namespace ha::http {

class HttpError : public std::runtime_error {
public:
    HttpError(int status, const std::string& message, std::map<std::string, std::string> headers = {})
        : std::runtime_error(message), status_(status), headers_(std::move(headers)) {}
    int status() const { return status_; }
    const std::map<std::string, std::string>& headers() const { return headers_; }

private:
    int status_;
    std::map<std::string, std::string> headers_;
};

}  // namespace ha::http
