#include "http/HttpsServer.h"

#include "net/Server.h"

#include <Poco/Exception.h>

#include <openssl/ssl.h>

#include <stdexcept>

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
    // Client-initiated TLS 1.2 renegotiation is only a way to make the server do handshakes.
    SSL_CTX_set_options(context->sslContext(), SSL_OP_NO_RENEGOTIATION);
    return context;
}

}  // namespace

HttpsServer::HttpsServer(const ServerConfig& config, Poco::Net::HTTPRequestHandlerFactory::Ptr factory) {
    try {
        context_ = makeContext(config);
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("cannot use the TLS certificate " + config.tlsCertificate + " and key " +
                                 config.tlsPrivateKey + ": " + e.displayText());
    }
    server_ = std::make_unique<net::Server>(config, context_->sslContext(), std::move(factory));
    bound_ = server_->boundAddress();
}

HttpsServer::~HttpsServer() { stop(); }

void HttpsServer::start() { server_->start(); }

void HttpsServer::stop() {
    if (server_) server_->stop();
}

std::string HttpsServer::boundAddress() const { return bound_; }

}  // namespace ha::http
