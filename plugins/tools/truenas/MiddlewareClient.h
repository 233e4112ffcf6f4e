// The plugin's client of the TrueNAS middleware: one persistent, logged-in WebSocket connection
// (wss:// only) shared by every call, opened on first use, reopened when it was lost, closed
// when idle. TLS is verified strictly (system CAs plus ca_file, host name checked) or by the
// pinned certificate fingerprint. The API key crosses only in the auth.login_ex request; it is
// never logged and never part of an error.
#pragma once

#include "tools/truenas/CertificatePin.h"
#include "tools/truenas/RpcConnection.h"

#include <Poco/Net/Context.h>
#include <Poco/URI.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace ha_plugins::truenas {

struct ClientSettings {
    Poco::URI url;                 // wss://host[:port]/path
    std::string username;
    std::string apiKey;            // secret
    std::string caFile;            // extra trusted CA certificates (PEM), "" for none
    std::string pinnedSha256;      // 64 lower-case hex digits, "" for chain verification
    std::chrono::milliseconds connectTimeout{3000};
    std::chrono::milliseconds requestTimeout{8000};
    std::chrono::milliseconds loginRetry{30000};  // a refused key is not retried sooner
    RpcConnection::Options connection;
};

class MiddlewareClient {
public:
    using Log = std::function<void(int32_t level, const std::string& message)>;
    MiddlewareClient(ClientSettings settings, Log log);
    ~MiddlewareClient();

    // Calls one allowed method and returns its result, within min(deadlineNs, now +
    // requestTimeout). A connection that was lost while it had been idle is replaced once and
    // the call repeated (every allowed method only reads). Throws homelab_assistant::Error:
    // HA_ERR_DENIED (key refused, account lacks a role), HA_ERR_UNAVAILABLE (network, TLS,
    // middleware error), HA_ERR_TIMEOUT, HA_ERR_UNSUPPORTED (method missing on this version).
    Var call(const std::string& method, const std::string& paramsJson, uint64_t deadlineNs,
             const std::function<bool()>& cancelled);

    const std::string& endpoint() const { return endpoint_; }

private:
    std::shared_ptr<RpcConnection> connection(uint64_t deadlineNs, const std::function<bool()>& cancelled,
                                               bool& reused);
    std::shared_ptr<RpcConnection> open(uint64_t deadlineNs, const std::function<bool()>& cancelled);
    std::unique_ptr<Poco::Net::WebSocket> handshake(uint64_t deadlineNs);
    // The client TLS context, built by the first connect (under openMutex_): the system store
    // it loads is about 140 parsed certificates, which a server whose TrueNAS is never asked
    // (or not configured) does not need.
    const Poco::Net::Context::Ptr& tlsContext();
    std::string tlsFailure(const std::string& detail) const;
    void drop(const std::shared_ptr<RpcConnection>& conn);

    const ClientSettings settings_;
    const Log log_;
    std::string endpoint_;  // the URL as shown in messages
    std::unique_ptr<CertificatePin> pin_;
    Poco::Net::Context::Ptr context_;  // see tlsContext()

    std::timed_mutex openMutex_;  // one connect + login at a time; the others wait and reuse it
    std::mutex mutex_;
    std::shared_ptr<RpcConnection> current_;
    struct Failure {
        int32_t status;
        std::string message;
        std::chrono::steady_clock::time_point until;
    };
    std::optional<Failure> failure_;  // a recent refused login or failed connect, answered again
};

}  // namespace ha_plugins::truenas
