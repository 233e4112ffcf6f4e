// A minimal HTTP/1.1 client for a unix socket (the Docker Engine API). Poco 1.11's
// HTTPClientSession cannot target a UNIX_LOCAL address itself, so every request gets a freshly
// connected unix StreamSocket. Only GET exists here: the plugin never changes engine state.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace ha_plugins::docker {

struct HttpResponse {
    int status = 0;
    std::string body;
};

// The engine could not be reached or did not answer (connect/IO failure, timeout).
class EngineUnreachable : public std::runtime_error {
public:
    EngineUnreachable(const std::string& message, bool timedOut)
        : std::runtime_error(message), timedOut_(timedOut) {}
    bool timedOut() const { return timedOut_; }

private:
    bool timedOut_;
};

class UnixHttpClient {
public:
    explicit UnixHttpClient(std::string socketPath) : socketPath_(std::move(socketPath)) {}

    // GET pathAndQuery, finishing before deadlineNs (CLOCK_MONOTONIC); body capped at maxBytes.
    // Throws EngineUnreachable.
    HttpResponse get(const std::string& pathAndQuery, uint64_t deadlineNs, size_t maxBytes = 32 * 1024 * 1024) const;

    const std::string& socketPath() const { return socketPath_; }

private:
    std::string socketPath_;
};

}  // namespace ha_plugins::docker
