// One client connection, owned and driven by a single event loop (never touched by a worker):
//
//   Detect ──0x16──> Handshake ──> Reading ──complete──> Dispatched ──response──> Flushing ─┐
//     │ 'A'-'Z'         (TLS)        ^  (parser)            (worker)                        │
//     v                              └──────────── Idle <── keep-alive ─────────────────────┘
//   plain-HTTP hint ─> Lingering (errors and server-side closes drain the peer, then close)
//
// The socket is registered once, edge-triggered, for input, output and peer shutdown; no
// epoll_ctl happens per request. Each waiting phase sits in one DeadlineList of its loop
// (handshake, request, idle, write, linger), so no phase can last longer than its timeout and
// no worker ever waits for this socket: the worker only sees the request once it is complete.
#pragma once

#include "net/AddressKey.h"
#include "net/DeadlineList.h"
#include "net/Exchange.h"
#include "net/HandshakeQueue.h"
#include "net/HttpRequestParser.h"

#include <openssl/ssl.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace ha::net {

class EventLoop;

class Connection : public DeadlineLink {
public:
    enum class Phase { Detect, Handshake, Reading, Idle, Dispatched, Flushing, Lingering, Closed };

    Connection(EventLoop& loop, int fd, const Exchange::Peer& peer, const AddressKey& key);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    void onEvent(uint32_t events);
    // Runs the TLS handshake as far as the client's bytes allow (the loop calls it from its
    // HandshakeQueue: the expensive steps are scheduled fairly between client addresses).
    void handshake();
    // The deadline of the list it is in has passed.
    void onDeadline();
    // The worker queued response bytes (or finished): write them.
    void onExchangeOutput();
    // Closes a keep-alive connection waiting for its next request (busy server, stopping).
    void closeIdle();
    // Closes now, whatever the phase (server stopping).
    void close();

    Phase phase() const { return phase_; }
    int fd() const { return fd_; }
    const AddressKey& addressKey() const { return key_; }

private:
    void detect();
    void startTls();
    void readRequest();
    // Feeds bytes to the parser; true when reading must stop (request complete or refused).
    bool consume(std::string_view data);
    void dispatch();
    // Answers with the layer's own JSON error (logged with the request line, when there is one).
    void refuse(int status, const std::string& message, bool close, std::string_view extraHeaders = {},
                const ParsedRequest* about = nullptr);
    void flush();
    void flushed();
    void afterResponse(bool keepAlive);
    void enterIdle();
    void startLinger();
    void linger();
    void logAccess(int status, const std::string& detail, const ParsedRequest& request) const;
    std::string clientText() const;
    bool tlsFailed(int result, const char* during);

    EventLoop& loop_;
    const int fd_;
    SSL* ssl_ = nullptr;
    Phase phase_ = Phase::Detect;
    const Exchange::Peer peer_;
    const AddressKey key_;
    HandshakeQueue::Link handshakeLink_;

    HttpRequestParser parser_;
    std::string stash_;  // bytes read past the current request (a pipelined next one)
    std::shared_ptr<Exchange> exchange_;
    uint32_t served_ = 0;
    bool sentContinue_ = false;

    std::string out_;  // bytes to write; out_[outPos_..] still pending
    size_t outPos_ = 0;
    bool closeAfterFlush_ = false;
    bool responseComplete_ = false;
    bool keepAliveAfterFlush_ = false;
    size_t lingered_ = 0;
    bool tlsBroken_ = false;
    // The last read(2) under TLS returned less than it asked for (or nothing): the kernel had no
    // more input then, and any input since has raised a new edge. Spares a read that would
    // only return EAGAIN after each response.
    bool inputDrained_ = false;
    // Bytes the server has written during the handshake. Only the step that produces its
    // certificate flight (key exchange, signature) is costly; it goes through the loop's fair
    // HandshakeQueue, and the steps after it (the client's Finished) run at once, so a client
    // whose request is already on its way does not wait behind other clients' hellos.
    size_t handshakeBytesOut_ = 0;

    static long observeIo(BIO* bio, int oper, const char* argp, size_t len, int argi, long argl, int ret,
                            size_t* processed);
};

}  // namespace ha::net
