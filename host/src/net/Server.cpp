#include "net/Server.h"

#include "net/EventLoop.h"
#include "net/Exchange.h"
#include "net/OpenFileLimit.h"

#include <Poco/Logger.h>
#include <Poco/Net/HTTPServerParams.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <thread>

namespace ha::net {

namespace {

constexpr size_t kReservedDescriptors = 256;  // plugins, logs, provider connections, epoll ...

Poco::Net::HTTPServerParams::Ptr paramsFor(const ServerSettings& s) {
    // Handlers may read these through HTTPServerRequest::serverParams().
    Poco::Net::HTTPServerParams::Ptr p = new Poco::Net::HTTPServerParams;
    p->setMaxThreads(static_cast<int>(s.workerThreads));
    p->setMaxQueued(static_cast<int>(s.maxQueued));
    p->setKeepAlive(s.keepAliveTimeoutMs > 0);
    p->setKeepAliveTimeout(Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(s.keepAliveTimeoutMs) * 1000));
    p->setMaxKeepAliveRequests(static_cast<int>(s.maxKeepAliveRequests));
    p->setTimeout(Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(s.requestTimeoutMs) * 1000));
    return p;
}

ServerSettings settingsWithinFileLimit(const ServerConfig& config) {
    ServerSettings s = ServerSettings::from(config, std::max(1u, std::thread::hardware_concurrency()));
    const size_t limit = OpenFileLimit::raiseTo(s.maxConnections + kReservedDescriptors);
    if (limit < s.maxConnections + kReservedDescriptors) {
        const size_t reachable = limit > kReservedDescriptors * 2 ? limit - kReservedDescriptors : limit / 2;
        Poco::Logger::get("http").warning(
            "the open-file limit is " + std::to_string(limit) + ": serving at most " + std::to_string(reachable) +
            " connections instead of server.max_connections " + std::to_string(s.maxConnections) +
            " (raise LimitNOFILE / ulimit -n)");
        s.maxConnections = reachable;
        s.maxConnectionsPerAddress = std::min(s.maxConnectionsPerAddress, reachable);
    }
    return s;
}

// Workers kept awake for CPU-bound work: half the cores (at least one). Not "the cores the event
// loops leave free": there is a loop per core, and a loop that has no input sleeps.
size_t eagerWorkers(const ServerSettings& s) {
    const size_t cores = std::max(1u, std::thread::hardware_concurrency());
    return std::min(s.workerThreads, std::max<size_t>(1, cores / 2));
}

}  // namespace

Server::Server(const ServerConfig& config, SSL_CTX* tls, Poco::Net::HTTPRequestHandlerFactory::Ptr factory)
    : settings_(settingsWithinFileLimit(config)),
      tls_(tls),
      listen_(config.listen, static_cast<int>(std::min<size_t>(settings_.maxConnections, 4096))),
      limits_(settings_.maxConnections, settings_.maxConnectionsPerAddress),
      runner_(std::move(factory), paramsFor(settings_)),
      workers_(settings_.workerThreads, settings_.maxQueued, eagerWorkers(settings_),
               [this](const std::shared_ptr<Exchange>& exchange) { runner_.run(exchange); }) {
    // OpenSSL writes to sockets with write(2): a client that reset its connection must cost an
    // EPIPE, not the process.
    ::signal(SIGPIPE, SIG_IGN);
    for (size_t i = 0; i < settings_.ioThreads; ++i) {
        loops_.push_back(std::make_unique<EventLoop>(*this, i, listen_.fd()));
    }
}

Server::~Server() { stop(); }

void Server::start() {
    if (started_) return;
    started_ = true;
    workers_.start();
    for (auto& loop : loops_) loop->start();
    const ServerSettings& s = settings_;
    Poco::Logger::get("http").information(
        "connection layer: " + std::to_string(s.ioThreads) + " event loop(s), " + std::to_string(s.workerThreads) +
        " workers, up to " + std::to_string(s.maxConnections) + " connections" +
        (s.maxConnectionsPerAddress > 0 ? " (" + std::to_string(s.maxConnectionsPerAddress) + " per address)" : "") +
        "; timeouts: handshake " + std::to_string(s.handshakeTimeoutMs / 1000) + " s, request " +
        std::to_string(s.requestTimeoutMs / 1000) + " s, keep-alive " + std::to_string(s.keepAliveTimeoutMs / 1000) +
        " s, write " + std::to_string(s.writeTimeoutMs / 1000) + " s");
}

void Server::stop() {
    if (stopped_) return;
    stopped_ = true;
    if (started_) {
        for (auto& loop : loops_) loop->beginDrain();
        listen_.stopAccepting();
        // Requests in progress finish and are answered with "Connection: close".
        const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(kDrainMs);
        while (limits_.open() > 0 && std::chrono::steady_clock::now() < until) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        for (auto& loop : loops_) loop->finish();
        for (auto& loop : loops_) loop->join();
    }
    listen_.close();
    // Handlers still running finish (their output goes nowhere); the loops stay allocated until
    // then because exchanges still point at them.
    workers_.stop();
    loops_.clear();
}

Server::Room Server::makeRoom(EventLoop& requester) {
    EventLoop* oldest = nullptr;
    uint64_t since = UINT64_MAX;
    for (auto& loop : loops_) {
        uint64_t s = loop->oldestIdleSinceMs();
        if (loop.get() == &requester) {  // our own list is exact, the others' as of their last iteration
            const DeadlineLink* own = requester.idles().front();
            s = own != nullptr ? std::max<uint64_t>(own->sinceMs, 1) : 0;
        }
        if (s != 0 && s < since) {
            since = s;
            oldest = loop.get();
        }
    }
    if (oldest == nullptr) return Room::None;
    if (oldest == &requester) return requester.evictOldestIdle() ? Room::Freed : Room::None;
    oldest->post([oldest] { oldest->evictOldestIdle(); });
    return Room::Pending;
}

}  // namespace ha::net
