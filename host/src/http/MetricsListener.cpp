#include "http/MetricsListener.h"

#include "metrics/ExpositionWriter.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/URI.h>

#include <stdexcept>

namespace ha::http {

namespace {

class ScrapeHandler : public Poco::Net::HTTPRequestHandler {
public:
    explicit ScrapeHandler(const metrics::Metrics& metrics) : metrics_(metrics) {}

    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
        std::string path;
        try {
            path = Poco::URI(request.getURI()).getPath();
        } catch (const Poco::Exception&) {
            path.clear();
        }
        if (path != "/metrics") return answer(response, 404, "application/json", "{\"error\":\"only /metrics is served here\"}\n");
        if (request.getMethod() != "GET" && request.getMethod() != "HEAD") {
            response.set("Allow", "GET, HEAD");
            return answer(response, 405, "application/json", "{\"error\":\"method " + methodText(request) + " is not allowed on /metrics\"}\n");
        }
        answer(response, 200, metrics::ExpositionWriter::contentType, metrics_.render());
    }

private:
    static std::string methodText(const Poco::Net::HTTPServerRequest& request) {
        std::string m;
        for (const char c : request.getMethod()) m += (c >= 'A' && c <= 'Z') ? c : '?';
        return m.substr(0, 16);
    }

    static void answer(Poco::Net::HTTPServerResponse& response, int status, const std::string& type, const std::string& body) {
        response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
        response.setContentType(type);
        response.set("Cache-Control", "no-store");
        response.setContentLength(static_cast<std::streamsize>(body.size()));
        response.send() << body;
    }

    const metrics::Metrics& metrics_;
};

class ScrapeFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit ScrapeFactory(const metrics::Metrics& metrics) : metrics_(metrics) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new ScrapeHandler(metrics_);
    }

private:
    const metrics::Metrics& metrics_;
};

}  // namespace

MetricsListener::MetricsListener(const std::string& listen, const metrics::Metrics& metrics) {
    Poco::Net::ServerSocket socket;
    try {
        socket.bind(Poco::Net::SocketAddress(listen), true);
        socket.listen(16);
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("metrics.listen " + listen + ": " + e.displayText());
    }
    bound_ = socket.address().toString();
    auto params = Poco::makeAuto<Poco::Net::HTTPServerParams>();
    params->setMaxThreads(2);
    params->setMaxQueued(16);
    params->setTimeout(Poco::Timespan(10, 0));
    params->setKeepAlive(true);
    params->setMaxKeepAliveRequests(100);
    params->setKeepAliveTimeout(Poco::Timespan(30, 0));
    params->setServerName("homelab-assistant");
    server_ = std::make_unique<Poco::Net::HTTPServer>(new ScrapeFactory(metrics), pool_, socket, params);
}

MetricsListener::~MetricsListener() { stop(); }

void MetricsListener::start() { server_->start(); }

void MetricsListener::stop() {
    if (server_) server_->stopAll(true);
}

}  // namespace ha::http
