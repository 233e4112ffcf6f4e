// HTTP(S) POST for the model providers. HTTPS verifies the certificate chain and the host name
// strictly (system CAs plus an optional CA file); plain http:// is for local servers only.
#pragma once

#include <Poco/Net/Context.h>
#include <Poco/URI.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace ha_plugins::providers {

struct HttpResult {
    int status = 0;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
};

class TransportError : public std::runtime_error {
public:
    enum class Kind { Timeout, Unreachable, Tls };
    TransportError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    Kind kind() const { return kind_; }

private:
    Kind kind_;
};

class HttpTransport {
public:
    // caFile: extra trusted CA certificates (PEM), "" for the system store only.
    explicit HttpTransport(const std::string& caFile);
    ~HttpTransport();

    // Throws TransportError. The exchange ends by min(deadlineNs, now + requestTimeout).
    HttpResult post(const Poco::URI& url, const std::string& body,
                    const std::vector<std::pair<std::string, std::string>>& headers, uint64_t deadlineNs,
                    std::chrono::milliseconds requestTimeout) const;

private:
    Poco::Net::Context::Ptr context_;
};

}  // namespace ha_plugins::providers
