#include "net/ServerRequest.h"

#include "net/Exchange.h"
#include "net/ServerResponse.h"

#include <sys/socket.h>

namespace ha::net {

namespace {

bool isTransferEncoding(std::string_view name) {
    constexpr std::string_view te = "transfer-encoding";
    if (name.size() != te.size()) return false;
    for (size_t i = 0; i < te.size(); ++i) {
        const char c = (name[i] >= 'A' && name[i] <= 'Z') ? static_cast<char>(name[i] + 32) : name[i];
        if (c != te[i]) return false;
    }
    return true;
}

}  // namespace

ServerRequest::ServerRequest(std::shared_ptr<Exchange> exchange, ServerResponse& response,
                             const Poco::Net::HTTPServerParams& params)
    : exchange_(std::move(exchange)),
      response_(response),
      params_(params) {
    const ParsedRequest& r = exchange_->request();
    setMethod(std::string(r.methodText()));
    setURI(std::string(r.targetText()));
    setVersion(r.versionMinor == 0 ? HTTP_1_0 : HTTP_1_1);
    for (const auto& f : r.fields) {
        const std::string_view name = r.view(f.name);
        if (r.chunked && isTransferEncoding(name)) continue;  // the body is decoded already
        add(std::string(name), std::string(r.view(f.value)));
    }
    if (r.chunked) setContentLength64(static_cast<Poco::Int64>(r.body.size()));
}

std::istream& ServerRequest::stream() {
    if (!body_) {
        const std::string& body = exchange_->request().body;
        body_.emplace(body.data(), static_cast<std::streamsize>(body.size()));
    }
    return *body_;
}

const Poco::Net::SocketAddress& ServerRequest::clientAddress() const {
    if (!client_) {
        const auto& p = exchange_->peer();
        client_.emplace(reinterpret_cast<const sockaddr*>(&p.client), p.clientLength);
    }
    return *client_;
}

const Poco::Net::SocketAddress& ServerRequest::serverAddress() const {
    if (!server_) {
        const auto& p = exchange_->peer();
        server_.emplace(reinterpret_cast<const sockaddr*>(&p.server), p.serverLength);
    }
    return *server_;
}

Poco::Net::HTTPServerResponse& ServerRequest::response() const { return response_; }

bool ServerRequest::clientGone() const { return exchange_->clientGone(); }

std::shared_ptr<const Exchange> ServerRequest::exchangeOf(const Poco::Net::HTTPServerRequest& request) {
    const auto* ours = dynamic_cast<const ServerRequest*>(&request);
    return ours != nullptr ? ours->exchange_ : nullptr;
}

std::shared_ptr<Exchange> ServerRequest::holdAnswer(Poco::Net::HTTPServerRequest& request) {
    auto* ours = dynamic_cast<ServerRequest*>(&request);
    if (ours == nullptr || ours->response_.sent()) return nullptr;
    ours->exchange_->hold();
    return ours->exchange_;
}

}  // namespace ha::net
