// One authenticated-or-not WebSocket connection to the middleware, multiplexed by JSON-RPC id:
// any number of threads call request() at once, one I/O thread owns the socket. OpenSSL does
// not allow one SSL object to be read and written from two threads at the same time, so that
// thread does both: it sends what callers queued (woken through an eventfd) and reads frames
// when poll() says the socket has data, and hands each response to the caller waiting for its
// id. The middleware runs the calls of one connection concurrently (up to 10, queues to 20,
// then refuses: api/base/server/ws_handler/rpc.py SoftHardSemaphore), so one slow method does
// not hold up the others.
#pragma once

#include "tools/truenas/JsonRpc.h"

#include <Poco/Buffer.h>
#include <Poco/Net/WebSocket.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

namespace ha_plugins::truenas {

// The connection ended before the answer came (closed by the peer, network error, protocol
// error). What was sent may or may not have run; every allowed method only reads.
class ConnectionLost : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class RpcConnection {
public:
    struct Options {
        size_t maxMessageBytes = 16u << 20;
        std::chrono::milliseconds idleClose{50000};     // close when nothing was pending for this long
        std::chrono::milliseconds frameTimeout{10000};  // a started frame must be complete by then
        size_t maxInFlight = 8;                         // below the middleware's soft limit of 10
    };

    // Takes over a WebSocket whose handshake is done and starts the I/O thread.
    RpcConnection(std::unique_ptr<Poco::Net::WebSocket> socket, Options options);
    ~RpcConnection();
    RpcConnection(const RpcConnection&) = delete;
    RpcConnection& operator=(const RpcConnection&) = delete;

    // Sends one allowed method and waits for its response until deadlineNs (CLOCK_MONOTONIC).
    // Throws homelab_assistant::Error (HA_ERR_DENIED for a method off the allowlist,
    // HA_ERR_TIMEOUT at the deadline or when `cancelled` says so) or ConnectionLost.
    RpcMessage request(const std::string& method, const std::string& paramsJson, uint64_t deadlineNs,
                       const std::function<bool()>& cancelled);

    bool alive() const;
    // Responses that arrived after their caller had given up (a slow call past its deadline).
    uint64_t lateResponses() const;

private:
    struct Pending {
        bool done = false;
        bool lost = false;
        std::string lostReason;
        RpcMessage message;
    };

    void run();
    void wake() const;
    bool waitForSocket(int timeoutMs);
    void sendText(const std::string& text);
    void readMessage();
    void dispatch(const std::string& text);
    void fail(const std::string& reason);

    std::unique_ptr<Poco::Net::WebSocket> ws_;
    const Options options_;
    int wakeFd_ = -1;
    Poco::Buffer<char> frame_{0};

    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<std::string> outgoing_;
    std::map<uint64_t, std::shared_ptr<Pending>> pending_;
    uint64_t nextId_ = 1;
    uint64_t late_ = 0;
    bool stop_ = false;
    bool dead_ = false;
    std::string deadReason_;
    std::thread thread_;
};

}  // namespace ha_plugins::truenas
