// One HTTPS request to the running server at a time, verified as ConnectionSettings says. A
// fresh connection per request: the commands ask seldom, and a kept-alive connection the
// server has since closed would only be one more way to fail.
#pragma once

#include "cli/ConnectionSettings.h"

#include <Poco/Net/Context.h>

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ha::cli {

struct ApiResponse {
    int status = 0;
    std::map<std::string, std::string> headers;  // names in lower case
    std::string body;                            // empty when streamed to the callback
    bool streamed = false;

    std::string header(const std::string& lowerName) const;
};

class ApiClient {
public:
    using Headers = std::vector<std::pair<std::string, std::string>>;
    using StreamSink = std::function<void(std::string_view)>;

    explicit ApiClient(const ConnectionSettings& settings);

    // A 200 text/event-stream answer goes to onStream piece by piece as it arrives (when set).
    // Throws CliError(Unreachable) when the server cannot be reached or TLS fails, and
    // CliError(ServerError) when the connection breaks during the answer.
    ApiResponse send(const std::string& method, const std::string& path, const std::string& body,
                     const Headers& headers, const StreamSink& onStream = {}) const;

    const ConnectionSettings& settings() const { return settings_; }
    std::string baseUrl() const { return settings_.url.toString(); }

private:
    std::string tlsHint() const;

    ConnectionSettings settings_;
    Poco::Net::Context::Ptr context_;
};

}  // namespace ha::cli
