// The HTTPS listener: TLS 1.2+ only, modern ciphers, a bounded request thread pool.
#pragma once

#include "config/Config.h"

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/ThreadPool.h>

#include <memory>
#include <string>

namespace ha::http {

class HttpsServer {
public:
    // Binds the socket (throws on a bad address, a busy port or unreadable certificate/key).
    HttpsServer(const ServerConfig& config, Poco::Net::HTTPRequestHandlerFactory::Ptr factory);
    ~HttpsServer();

    void start();
    // Stops accepting, lets running requests finish (up to a few seconds).
    void stop();
    // "127.0.0.1:8443" as actually bound (useful with port 0).
    std::string boundAddress() const;

private:
    std::unique_ptr<Poco::ThreadPool> pool_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
    std::string bound_;
};

}  // namespace ha::http
