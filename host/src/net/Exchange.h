// One request and its response, shared by the event loop that read the request and the worker
// that answers it. The worker never touches the socket or the TLS session: it hands response
// bytes over with send() and the loop writes them (all TLS I/O of a connection stays on its
// loop's thread, so an SSL object is never shared between threads). A complete response is one
// send(); a streamed one (chunked, Server-Sent Events) is many, and send() then waits while too
// many bytes are still unsent, so a slow reader slows the producer down instead of growing memory
// (bounded by the write timeout: the loop closes a connection whose pending bytes do not drain).
//
// hold() keeps what send() queues from the socket until release(), or until withhold() puts
// another complete response in its place (an answer whose audit record did not reach the disk):
// the worker is free meanwhile, and the answer still never leaves before its record is durable.
//
// clientGone() is the "is the client still there?" question for a handler (and the plugin ABI's
// is_cancelled): true once the peer closed or reset the connection, a write failed, or the loop
// gave up on it. It is a lock-free read, safe from any thread, for as long as the caller holds a
// reference.
#pragma once

#include "net/ParsedRequest.h"

#include <sys/socket.h>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

namespace ha::net {

class Connection;
class EventLoop;

class Exchange : public std::enable_shared_from_this<Exchange> {
public:
    struct Peer {
        sockaddr_storage client{};
        socklen_t clientLength = 0;
        sockaddr_storage server{};
        socklen_t serverLength = 0;
    };

    Exchange(EventLoop& loop, Connection& connection, ParsedRequest request, const Peer& peer, bool keepAliveAllowed,
             uint64_t writeTimeoutMs);

    // ---- worker side
    const ParsedRequest& request() const { return request_; }
    const Peer& peer() const { return peer_; }
    // False when this must be the connection's last response (keep-alive limit, server stopping).
    bool keepAliveAllowed() const;
    // Queues bytes for the client; `last` ends the response, and `keepAlive` then says whether
    // the connection may carry another request. Returns false (bytes dropped) once the client
    // is gone. Waits while more than kHighWater bytes are unsent, at most the write timeout.
    bool send(std::string bytes, bool last, bool keepAlive);
    bool clientGone() const noexcept { return gone_.load(std::memory_order_acquire); }
    // Keeps queued bytes from the loop until release() or withhold(). Before the first send().
    void hold();
    // [any thread] Lets the held bytes (and later sends) go to the client.
    void release();
    // [any thread] Drops the held bytes and answers `response` (a complete HTTP message) in their
    // place, closing the connection after it; later sends are dropped. Once held bytes could not
    // be replaced any more (part of them has gone out), the connection is closed instead.
    void withhold(std::string response);
    // The loop closed the connection (not merely a peer half-close): nothing can be answered.
    bool closed() const noexcept { return closed_.load(std::memory_order_acquire); }

    // ---- loop side (the owning loop's thread only)
    Connection* connection() const { return connection_; }
    // Moves the queued bytes out; `finished`/`keepAlive` report whether the response is complete.
    void takeOutput(std::string& into, bool& finished, bool& keepAlive);
    // `n` of this exchange's bytes reached the socket.
    void written(size_t n);
    // The peer shut its side (FIN) while the request was being answered.
    void peerClosed();
    // The connection is gone: wakes a waiting writer; later sends are dropped.
    void detach();

    static constexpr size_t kHighWater = 512 * 1024;
    static constexpr size_t kLowWater = 128 * 1024;

private:
    EventLoop& loop_;
    Connection* connection_;  // loop thread only; null once detached
    const ParsedRequest request_;
    const Peer peer_;
    const bool keepAliveAllowed_;
    const uint64_t writeTimeoutMs_;

    std::atomic<bool> gone_{false};
    std::atomic<bool> closed_{false};
    std::atomic<size_t> unsent_{0};      // handed to send(), not yet written to the socket
    std::atomic<bool> writerWaiting_{false};

    std::mutex mutex_;  // guards the fields below
    std::condition_variable drained_;
    std::string outbox_;
    bool posted_ = false;  // the loop has been told about outbox_ and not yet taken it
    bool held_ = false;    // hold(): outbox_ waits for release() or withhold()
    bool taken_ = false;   // the loop has taken bytes of this response
    bool finished_ = false;
    bool keepAlive_ = false;
};

}  // namespace ha::net
