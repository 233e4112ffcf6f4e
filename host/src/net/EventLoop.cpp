#include "net/EventLoop.h"

#include "net/Connection.h"
#include "net/Exchange.h"
#include "net/Server.h"
#include "util/Deadline.h"

#include <Poco/Logger.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ha::net {

namespace {

Poco::Logger& log() { return Poco::Logger::get("http"); }

constexpr int kMaxEvents = 256;
// Accepted per turn (cheap: the handshakes they bring are scheduled by the HandshakeQueue); the
// listening socket is level-triggered, so the rest of the backlog is taken on the next turns.
constexpr int kAcceptBatch = 64;
// Handshake work per turn; beyond it the loop serves its other clients first and comes back.
constexpr uint64_t kHandshakeBudgetNs = 5000000;
// Deadlines handled per turn (256 slowloris clients started together expire together).
constexpr int kMaxExpiriesPerTurn = 64;
constexpr uint64_t kRefusalLogIntervalMs = 10000;
constexpr uint64_t kStallWarningMs = 250;

}  // namespace

uint64_t EventLoop::monotonicMs() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000u + static_cast<uint64_t>(ts.tv_nsec) / 1000000u;
}

EventLoop::EventLoop(Server& server, size_t index, int listenFd)
    : server_(server),
      index_(index),
      listenFd_(listenFd),
      scratch_(new char[kScratchSize]),
      handshakes_(server.settings().handshakeTimeoutMs),
      requests_(server.settings().requestTimeoutMs),
      idles_(server.settings().keepAliveTimeoutMs),
      writes_(server.settings().writeTimeoutMs),
      lingers_(server.settings().lingerTimeoutMs) {
    epollFd_ = ::epoll_create1(EPOLL_CLOEXEC);
    wakeFd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (epollFd_ < 0 || wakeFd_ < 0) throw std::runtime_error(std::string("epoll/eventfd: ") + std::strerror(errno));
    epoll_event wake{};
    wake.events = EPOLLIN;
    wake.data.ptr = &wakeFd_;
    ::epoll_ctl(epollFd_, EPOLL_CTL_ADD, wakeFd_, &wake);
    epoll_event listen{};
    // Exclusive: a new connection wakes one loop, not all of them (level-triggered, so a backlog
    // left by a loop that stopped at its accept batch is seen again).
    listen.events = EPOLLIN | EPOLLEXCLUSIVE;
    listen.data.ptr = const_cast<int*>(&listenFd_);
    if (::epoll_ctl(epollFd_, EPOLL_CTL_ADD, listenFd_, &listen) != 0) {
        throw std::runtime_error(std::string("epoll_ctl(listen): ") + std::strerror(errno));
    }
    listening_ = true;
    spareFd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    nowMs_ = monotonicMs();
}

EventLoop::~EventLoop() {
    join();
    connections_.clear();
    retired_.clear();
    if (spareFd_ >= 0) ::close(spareFd_);
    if (wakeFd_ >= 0) ::close(wakeFd_);
    if (epollFd_ >= 0) ::close(epollFd_);
}

const ServerSettings& EventLoop::settings() const { return server_.settings(); }
SSL_CTX* EventLoop::tls() const { return server_.tls(); }

void EventLoop::start() {
    thread_ = std::thread([this] { run(); });
}

void EventLoop::join() {
    if (thread_.joinable()) thread_.join();
}

// ---- cross-thread

// A loop that is awake runs everything posted before it next sleeps (it checks the queues after
// announcing polling_), so only a sleeping one costs the eventfd write. Sequentially consistent:
// either the poster sees polling_, or the loop sees the posted item.
void EventLoop::post(std::shared_ptr<Exchange> exchange) {
    bool first;
    {
        std::lock_guard<std::mutex> lock(postMutex_);
        first = postedExchanges_.empty() && postedTasks_.empty();
        postedExchanges_.push_back(std::move(exchange));
    }
    if (first && polling_.load()) wake();
}

void EventLoop::post(std::function<void()> task) {
    bool first;
    {
        std::lock_guard<std::mutex> lock(postMutex_);
        first = postedExchanges_.empty() && postedTasks_.empty();
        postedTasks_.push_back(std::move(task));
    }
    if (first && polling_.load()) wake();
}

void EventLoop::wake() {
    const uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(wakeFd_, &one, sizeof one);
}

void EventLoop::beginDrain() {
    draining_.store(true, std::memory_order_relaxed);
    post([this] {
        if (listening_) {
            ::epoll_ctl(epollFd_, EPOLL_CTL_DEL, listenFd_, nullptr);
            listening_ = false;
        }
        closeAll(true);
    });
}

void EventLoop::finish() {
    finishing_.store(true, std::memory_order_relaxed);
    wake();
}

// ---- the loop

void EventLoop::run() {
    const std::string name = "ha-io-" + std::to_string(index_);
    pthread_setname_np(pthread_self(), name.c_str());
    epoll_event events[kMaxEvents];
    while (!finishing_.load(std::memory_order_relaxed)) {
        polling_.store(true);
        bool posted;
        {
            std::lock_guard<std::mutex> lock(postMutex_);
            posted = !postedExchanges_.empty() || !postedTasks_.empty();
        }
        const int n = ::epoll_wait(epollFd_, events, kMaxEvents, posted ? 0 : pollTimeoutMs());
        polling_.store(false);
        nowMs_ = monotonicMs();
        if (n < 0 && errno != EINTR) {
            log().critical(std::string("event loop: epoll_wait failed: ") + std::strerror(errno));
            break;
        }
        const uint64_t started = nowMs_;
        for (int i = 0; i < n; ++i) {
            void* tag = events[i].data.ptr;
            if (tag == static_cast<const void*>(&listenFd_)) {
                acceptReady();
            } else if (tag == &wakeFd_) {
                uint64_t count;
                [[maybe_unused]] const ssize_t r = ::read(wakeFd_, &count, sizeof count);
            } else {
                static_cast<Connection*>(tag)->onEvent(events[i].events);
            }
        }
        runPosted();
        moreWork_ = expireDeadlines();
        moreWork_ = runHandshakes() || moreWork_;
        retired_.clear();
        publishIdle();
        reportStall(started, n);
    }
    runPosted();
    closeAll(false);
    retired_.clear();
    publishIdle();
}

// Every client of this loop waited while one iteration ran: say so when it was long (a flood of
// handshakes, a slow log sink ...), at most every 10 s.
void EventLoop::reportStall(uint64_t startedMs, int events) {
    const uint64_t took = monotonicMs() - startedMs;
    if (took < kStallWarningMs || nowMs_ - lastStallLogMs_ < kRefusalLogIntervalMs) return;
    lastStallLogMs_ = nowMs_;
    log().warning("event loop " + std::to_string(index_) + " was busy for " + std::to_string(took) + " ms in one turn (" +
                  std::to_string(events) + " events, " + std::to_string(connections_.size()) + " connections)");
}

int EventLoop::pollTimeoutMs() {
    // While requests wait for a worker, look again in a millisecond: if every awake worker is
    // stuck in a slow handler, the pool wakes another one.
    if (server_.workers().wakeIfStalled()) return 1;
    if (moreWork_) return 0;
    uint64_t next = nowMs_ + 1000;
    for (const DeadlineList* l : {&handshakes_, &requests_, &idles_, &writes_, &lingers_}) {
        if (l->front() != nullptr) next = std::min(next, l->front()->deadlineMs);
    }
    // Coarse clock: wake a tick late rather than early.
    return next <= nowMs_ ? 0 : static_cast<int>(next - nowMs_) + 1;
}

bool EventLoop::expireDeadlines() {
    int handled = 0;
    for (DeadlineList* l : {&handshakes_, &requests_, &idles_, &writes_, &lingers_}) {
        while (DeadlineLink* front = l->front()) {
            if (front->deadlineMs > nowMs_) break;
            if (++handled > kMaxExpiriesPerTurn) return true;
            auto* connection = static_cast<Connection*>(front);
            connection->onDeadline();
            if (l->front() == front && front->list == l && front->deadlineMs <= nowMs_) connection->close();
        }
    }
    return false;
}

bool EventLoop::runHandshakes() {
    if (handshakeQueue_.empty()) return false;
    const uint64_t until = Deadline::nowNs() + kHandshakeBudgetNs;
    while (HandshakeQueue::Link* next = handshakeQueue_.pop()) {
        next->owner->handshake();
        if (Deadline::nowNs() >= until) break;
    }
    return !handshakeQueue_.empty();
}

void EventLoop::runPosted() {
    std::vector<std::shared_ptr<Exchange>> exchanges;
    std::vector<std::function<void()>> tasks;
    {
        std::lock_guard<std::mutex> lock(postMutex_);
        exchanges.swap(postedExchanges_);
        tasks.swap(postedTasks_);
    }
    for (const auto& exchange : exchanges) {
        if (Connection* c = exchange->connection()) c->onExchangeOutput();
    }
    for (const auto& task : tasks) task();
}

void EventLoop::publishIdle() {
    const DeadlineLink* oldest = idles_.front();
    oldestIdle_.store(oldest != nullptr ? std::max<uint64_t>(oldest->sinceMs, 1) : 0, std::memory_order_relaxed);
}

// ---- accepting

void EventLoop::acceptReady() {
    for (int i = 0; i < kAcceptBatch && listening_; ++i) {
        sockaddr_storage peer{};
        socklen_t length = sizeof peer;
        const int fd = ::accept4(listenFd_, reinterpret_cast<sockaddr*>(&peer), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            admit(fd, peer, length);
            continue;
        }
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (errno == EINVAL) {  // the server stopped listening
            ::epoll_ctl(epollFd_, EPOLL_CTL_DEL, listenFd_, nullptr);
            listening_ = false;
            return;
        }
        if (errno == EMFILE || errno == ENFILE) {
            // Out of descriptors: the pending connection would keep the listening socket ready
            // forever. Use the spare descriptor to take it and close it at once.
            if (spareFd_ >= 0) {
                ::close(spareFd_);
                const int victim = ::accept4(listenFd_, nullptr, nullptr, SOCK_CLOEXEC);
                if (victim >= 0) refuseFast(victim, "the process is out of file descriptors");
                spareFd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
            }
        }
        return;  // EAGAIN: another loop took it, or the backlog is empty
    }
}

void EventLoop::admit(int fd, const sockaddr_storage& peer, socklen_t peerLength) {
    const AddressKey key = AddressKey::of(peer);
    ConnectionLimits& limits = server_.limits();
    ConnectionLimits::Verdict verdict = limits.admit(key);
    if (verdict == ConnectionLimits::Verdict::Full) {
        // At the cap: the oldest idle keep-alive connection makes room; refuse only when none.
        switch (server_.makeRoom(*this)) {
            case Server::Room::Freed: verdict = limits.admit(key); break;
            case Server::Room::Pending:
                verdict = limits.admitWhileEvicting(key) ? ConnectionLimits::Verdict::Admitted
                                                         : ConnectionLimits::Verdict::AddressFull;
                break;
            case Server::Room::None: break;
        }
    }
    if (verdict != ConnectionLimits::Verdict::Admitted) {
        refuseFast(fd, verdict == ConnectionLimits::Verdict::Full ? "server.max_connections reached"
                                                                   : "server.max_connections_per_address reached");
        return;
    }
    const int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);  // responses are small: send at once
    Exchange::Peer addresses;
    addresses.client = peer;
    addresses.clientLength = peerLength;
    addresses.serverLength = sizeof addresses.server;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addresses.server), &addresses.serverLength);

    auto connection = std::make_unique<Connection>(*this, fd, addresses, key);
    epoll_event ev{};
    // Registered once, edge-triggered: no epoll_ctl per request or per phase.
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    ev.data.ptr = connection.get();
    if (::epoll_ctl(epollFd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
        log().error(std::string("epoll_ctl(add): ") + std::strerror(errno));
        limits.release(key);
        return;  // the Connection's destructor closes the socket
    }
    handshakes_.push(*connection, nowMs_);
    Connection* raw = connection.get();
    connections_.emplace(raw, std::move(connection));
    connectionCount_.fetch_add(1, std::memory_order_relaxed);
}

void EventLoop::refuseFast(int fd, const char* why) {
    // A reset, not a FIN: no TIME_WAIT and no TLS work for a connection we will not serve.
    const linger abortive{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive);
    ::close(fd);
    ++refusedSinceLog_;
    if (nowMs_ - lastRefusalLogMs_ >= kRefusalLogIntervalMs) {
        log().warning("refused " + std::to_string(refusedSinceLog_) + " connection(s): " + why + " (" +
                      std::to_string(server_.limits().open()) + " open, max_connections " +
                      std::to_string(server_.limits().maxConnections()) + ", max_connections_per_address " +
                      std::to_string(server_.limits().perAddress()) + ")");
        lastRefusalLogMs_ = nowMs_;
        refusedSinceLog_ = 0;
    }
}

// ---- connections

bool EventLoop::submit(std::shared_ptr<Exchange> exchange) { return server_.workers().submit(std::move(exchange)); }

void EventLoop::retire(Connection& connection) {
    server_.limits().release(connection.addressKey());
    auto it = connections_.find(&connection);
    if (it == connections_.end()) return;
    retired_.push_back(std::move(it->second));  // deleted after this iteration's events
    connections_.erase(it);
    connectionCount_.fetch_sub(1, std::memory_order_relaxed);
}

bool EventLoop::evictOldestIdle() {
    DeadlineLink* oldest = idles_.front();
    if (oldest == nullptr) return false;
    static_cast<Connection*>(oldest)->closeIdle();
    publishIdle();
    return true;
}

void EventLoop::closeAll(bool idleAndNewOnly) {
    std::vector<Connection*> all;
    all.reserve(connections_.size());
    for (const auto& entry : connections_) all.push_back(entry.first);
    for (Connection* c : all) {
        if (!idleAndNewOnly) {
            c->close();
        } else if (c->phase() == Connection::Phase::Idle) {
            c->closeIdle();
        } else if (c->phase() == Connection::Phase::Detect || c->phase() == Connection::Phase::Handshake) {
            c->close();
        }
    }
}

}  // namespace ha::net
