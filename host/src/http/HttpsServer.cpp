#include "http/HttpsServer.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <chrono>
#include <thread>

namespace ha::http {

namespace {

Poco::Net::Context::Ptr makeContext(const ServerConfig& config) {
    Poco::Net::Context::Params params;
    params.privateKeyFile = config.tlsPrivateKey;
    params.certificateFile = config.tlsCertificate;
    params.verificationMode = Poco::Net::Context::VERIFY_NONE;  // clients authenticate with the API key
    params.loadDefaultCAs = false;
    // TLS 1.2 suites with forward secrecy and AEAD; TLS 1.3 suites are OpenSSL's defaults.
    params.cipherList = "ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:!aNULL:!MD5:!DSS";
    params.ecdhCurve = "prime256v1";
    Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
    context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    context->preferServerCiphers();
    context->enableSessionCache(true, "homelab-assistant");
    return context;
}

}  // namespace

HttpsServer::HttpsServer(const ServerConfig& config, Poco::Net::HTTPRequestHandlerFactory::Ptr factory) {
    const Poco::Net::SocketAddress address(config.listen);
    Poco::Net::SecureServerSocket socket(address, 128, makeContext(config));
    bound_ = socket.address().toString();

    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(static_cast<int>(config.threads));
    params->setMaxQueued(static_cast<int>(config.maxQueued));
    params->setKeepAlive(config.keepAliveTimeoutSeconds > 0);
    params->setKeepAliveTimeout(Poco::Timespan(config.keepAliveTimeoutSeconds, 0));
    params->setMaxKeepAliveRequests(static_cast<int>(config.maxKeepAliveRequests));
    params->setTimeout(Poco::Timespan(config.requestTimeoutSeconds, 0));
    params->setThreadIdleTime(Poco::Timespan(30, 0));

    pool_ = std::make_unique<Poco::ThreadPool>(2, static_cast<int>(config.threads), 60);
    server_ = std::make_unique<Poco::Net::HTTPServer>(factory, *pool_, socket, params);
}

HttpsServer::~HttpsServer() { stop(); }

void HttpsServer::start() { server_->start(); }

void HttpsServer::stop() {
    if (!server_) return;
    server_->stopAll(false);
    // Give running requests a moment, then close what is left.
    for (int i = 0; i < 50 && server_->currentConnections() > 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    server_->stopAll(true);
    pool_->joinAll();
    server_.reset();
}

std::string HttpsServer::boundAddress() const { return bound_; }

}  // namespace ha::http
