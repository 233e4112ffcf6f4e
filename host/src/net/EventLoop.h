// One event-loop thread on epoll: it accepts connections (every loop watches the listening
// socket with EPOLLEXCLUSIVE, so the kernel wakes one of them per burst), runs their TLS
// handshakes, reads and parses requests, hands complete ones to the worker pool, writes the
// responses workers give back, and enforces every connection deadline. It never blocks on a
// client and never runs a handler.
//
// Workers talk to a loop only through post(): a queue under a mutex plus an eventfd written
// when the queue goes from empty to non-empty, so a busy loop is woken at most once per batch.
#pragma once

#include "net/AddressKey.h"
#include "net/DeadlineList.h"
#include "net/HandshakeQueue.h"
#include "net/ServerSettings.h"

#include <openssl/ssl.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

namespace ha::net {

class Connection;
class Exchange;
class Server;

class EventLoop {
public:
    EventLoop(Server& server, size_t index, int listenFd);
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    void start();
    void join();

    // ---- any thread
    // A worker queued output on this exchange (its connection belongs to this loop).
    void post(std::shared_ptr<Exchange> exchange);
    void post(std::function<void()> task);
    // Stop accepting, close idle and handshaking connections, let requests in progress finish.
    void beginDrain();
    // Close whatever is left and end the thread.
    void finish();
    bool draining() const { return draining_.load(std::memory_order_relaxed); }
    // When this loop's oldest idle keep-alive connection started waiting; 0 when it has none.
    uint64_t oldestIdleSinceMs() const { return oldestIdle_.load(std::memory_order_relaxed); }
    size_t connectionCount() const { return connectionCount_.load(std::memory_order_relaxed); }

    // ---- loop thread (connections call these)
    uint64_t now() const { return nowMs_; }
    const ServerSettings& settings() const;
    SSL_CTX* tls() const;
    char* scratch() { return scratch_.get(); }
    size_t scratchSize() const { return kScratchSize; }
    DeadlineList& handshakes() { return handshakes_; }
    DeadlineList& requests() { return requests_; }
    DeadlineList& idles() { return idles_; }
    DeadlineList& writes() { return writes_; }
    DeadlineList& lingers() { return lingers_; }
    HandshakeQueue& handshakeQueue() { return handshakeQueue_; }
    bool submit(std::shared_ptr<Exchange> exchange);
    // A connection closed: give back its slot; it is deleted at the end of this iteration.
    void retire(Connection& connection);
    // Closes this loop's oldest idle keep-alive connection; false when there is none.
    bool evictOldestIdle();

    static uint64_t monotonicMs();

private:
    void run();
    void acceptReady();
    void admit(int fd, const sockaddr_storage& peer, socklen_t peerLength);
    void refuseFast(int fd, const char* why);
    void runPosted();
    void wake();
    // True when deadlines are left for the next turn.
    bool expireDeadlines();
    // Runs queued handshake steps for at most kHandshakeBudgetNs; true when some are left.
    bool runHandshakes();
    int pollTimeoutMs();
    void closeAll(bool idleAndNewOnly);
    void publishIdle();
    void reportStall(uint64_t startedMs, int events);

    static constexpr size_t kScratchSize = 64 * 1024;

    Server& server_;
    const size_t index_;
    const int listenFd_;
    int epollFd_ = -1;
    int wakeFd_ = -1;
    int spareFd_ = -1;  // released to accept-and-close when the process runs out of descriptors
    bool listening_ = false;
    std::thread thread_;
    std::unique_ptr<char[]> scratch_;
    uint64_t nowMs_ = 0;

    DeadlineList handshakes_;
    DeadlineList requests_;
    DeadlineList idles_;
    DeadlineList writes_;
    DeadlineList lingers_;
    HandshakeQueue handshakeQueue_;
    bool moreWork_ = false;  // handshakes or expiries left over: do not sleep

    std::unordered_map<Connection*, std::unique_ptr<Connection>> connections_;
    std::vector<std::unique_ptr<Connection>> retired_;
    std::atomic<size_t> connectionCount_{0};
    std::atomic<uint64_t> oldestIdle_{0};
    uint64_t lastRefusalLogMs_ = 0;
    uint64_t lastStallLogMs_ = 0;
    size_t refusedSinceLog_ = 0;

    std::mutex postMutex_;
    std::vector<std::shared_ptr<Exchange>> postedExchanges_;
    std::vector<std::function<void()>> postedTasks_;
    std::atomic<bool> polling_{false};  // in (or entering) epoll_wait: posts must wake it
    std::atomic<bool> draining_{false};
    std::atomic<bool> finishing_{false};
};

}  // namespace ha::net
