// The HTTPS connection layer as a whole (see README "Performance" for the design):
//
//   listening socket ──> io_threads event loops (epoll) ──complete requests──> worker pool
//                          accept, TLS, keep-alive,          (server.threads)   handlers via the
//                          parsing, deadlines, writes   <──response bytes──     router (Poco API)
//
// An event loop owns a connection from accept to close; workers only ever see complete requests
// and hand back bytes, so no worker waits on a silent, slow or idle client, and thousands of
// keep-alive connections cost memory, not threads.
#pragma once

#include "config/Config.h"
#include "net/ConnectionLimits.h"
#include "net/ListenSocket.h"
#include "net/RequestRunner.h"
#include "net/ServerSettings.h"
#include "net/WorkerPool.h"

#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include <openssl/ssl.h>

#include <memory>
#include <string>
#include <vector>

namespace ha::net {

class EventLoop;

class Server {
public:
    // Binds the socket (throws ListenError naming the address). `tls` must outlive the server.
    Server(const ServerConfig& config, SSL_CTX* tls, Poco::Net::HTTPRequestHandlerFactory::Ptr factory);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    void start();
    // Stops accepting, closes idle connections, lets requests in progress finish (at most
    // kDrainMs), then closes the rest and joins every thread.
    void stop();
    std::string boundAddress() const { return listen_.address().toString(); }

    const ServerSettings& settings() const { return settings_; }
    SSL_CTX* tls() const { return tls_; }
    WorkerPool& workers() { return workers_; }
    ConnectionLimits& limits() { return limits_; }

    enum class Room { None, Freed, Pending };
    // At the connection cap: closes the oldest idle keep-alive connection of any loop. Freed when
    // it was the requester's own (the slot is free now), Pending when another loop will close it.
    Room makeRoom(EventLoop& requester);

    static constexpr int kDrainMs = 5000;

private:
    ServerSettings settings_;
    SSL_CTX* tls_;
    ListenSocket listen_;
    ConnectionLimits limits_;
    RequestRunner runner_;
    WorkerPool workers_;
    std::vector<std::unique_ptr<EventLoop>> loops_;
    bool started_ = false;
    bool stopped_ = false;
};

}  // namespace ha::net
