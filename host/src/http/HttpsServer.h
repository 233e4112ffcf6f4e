// The HTTPS listener: TLS 1.2+ only, modern ciphers, served by the event-loop connection layer
// in net/ (accept, handshake, keep-alive and request reading on event loops; complete requests
// on a bounded pool of server.threads workers running the router's handlers).
#pragma once

#include "config/Config.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include <memory>
#include <string>

namespace ha::net {
class Server;
}

namespace ha::http {

class HttpsServer {
public:
    // Binds the socket; throws std::runtime_error with a message naming the address or the
    // certificate on a bad address, a busy port or unreadable certificate/key.
    HttpsServer(const ServerConfig& config, Poco::Net::HTTPRequestHandlerFactory::Ptr factory);
    ~HttpsServer();

    void start();
    // Stops accepting, closes idle connections, lets running requests finish (a few seconds).
    void stop();
    // "127.0.0.1:8443" as actually bound (useful with port 0).
    std::string boundAddress() const;

private:
    Poco::Net::Context::Ptr context_;  // owns the SSL_CTX the server uses
    std::unique_ptr<net::Server> server_;
    std::string bound_;
};

}  // namespace ha::http
