// HTTP(S) POST for the model providers. HTTPS verifies the certificate chain and the host name
// strictly (system CAs plus an optional CA file); plain http:// is for local servers only.
// While it waits for the server it looks at the caller's cancel flag every kPollSlice (and a
// CancelWatch shuts the socket down under a read that blocks anyway), so a cancelled call
// returns within that (the host counts a call that never returns as stuck). A 200
// text/event-stream body goes to a callback piece by piece as it arrives.
#pragma once

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/URI.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ha_plugins::providers {

struct HttpResult {
    int status = 0;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;       // empty when the body went to PostOptions::onEventStream
    bool streamed = false;  // it did
};

struct PostOptions {
    uint64_t deadlineNs = 0;  // CLOCK_MONOTONIC
    std::chrono::milliseconds requestTimeout{30000};
    // Polled while waiting for the server; true ends the exchange (TransportError Cancelled).
    std::function<bool()> cancelled;
    // Receives the body of a 200 text/event-stream response as it arrives.
    std::function<void(std::string_view)> onEventStream;
    std::string accept = "application/json";
};

class TransportError : public std::runtime_error {
public:
    enum class Kind { Timeout, Unreachable, Tls, Cancelled };
    TransportError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    Kind kind() const { return kind_; }

private:
    Kind kind_;
};

class HttpTransport {
public:
    // caFile: extra trusted CA certificates (PEM), "" for the system store only. Throws
    // homelab_assistant::Error (invalid argument) when it cannot be read or holds no certificate.
    explicit HttpTransport(const std::string& caFile);
    ~HttpTransport();

    // Throws TransportError. The exchange ends by min(deadlineNs, now + requestTimeout). An
    // exception thrown by onEventStream ends it too and reaches the caller as it is.
    HttpResult post(const Poco::URI& url, const std::string& body,
                    const std::vector<std::pair<std::string, std::string>>& headers, const PostOptions& options) const;

    static constexpr std::chrono::milliseconds kPollSlice{100};
    static constexpr size_t kMaxBodyBytes = 8 * 1024 * 1024;

private:
    // The TransportError for a Poco exception (timeout, TLS, certificate, anything else).
    [[noreturn]] static void rethrowAsTransportError(const Poco::Exception& error, const std::string& host);
    // The client TLS context, built by the first https:// request: the system store it loads
    // is about 140 parsed certificates (close to 1 MiB of heap), which a provider that is never
    // asked, or talks plain http:// to a local server, does not need. Thread-safe.
    const Poco::Net::Context::Ptr& tlsContext() const;

    const std::string caFile_;
    mutable std::once_flag contextBuilt_;
    mutable Poco::Net::Context::Ptr context_;
};

}  // namespace ha_plugins::providers
