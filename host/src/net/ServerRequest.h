// Poco's HTTPServerRequest over a request the connection layer has already read whole: the
// headers as received (a chunked body is presented decoded, with its Content-Length), the body
// as an in-memory stream. Handlers stay plain Poco handlers.
//
// For long-running or streaming handlers: clientGone() says whether the client is still there,
// and exchangeOf() hands out the exchange so the same question can be asked from another thread
// (the plugin ABI's is_cancelled callback), for as long as the caller keeps the pointer.
#pragma once

#include <Poco/MemoryStream.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/SocketAddress.h>

#include <memory>
#include <optional>

namespace ha::net {

class Exchange;
class ServerResponse;

class ServerRequest : public Poco::Net::HTTPServerRequest {
public:
    ServerRequest(std::shared_ptr<Exchange> exchange, ServerResponse& response,
                  const Poco::Net::HTTPServerParams& params);

    std::istream& stream() override;
    const Poco::Net::SocketAddress& clientAddress() const override;
    const Poco::Net::SocketAddress& serverAddress() const override;
    const Poco::Net::HTTPServerParams& serverParams() const override { return params_; }
    Poco::Net::HTTPServerResponse& response() const override;
    bool secure() const override { return true; }

    // True once the client closed or reset the connection, or the server gave up on it.
    bool clientGone() const;
    // The exchange of a request served by this layer; null for any other HTTPServerRequest.
    static std::shared_ptr<const Exchange> exchangeOf(const Poco::Net::HTTPServerRequest& request);
    // Holds the answer to a request of this layer while none of it has been sent (Exchange::hold)
    // and returns the exchange, which the caller must release() or withhold(); null otherwise.
    static std::shared_ptr<Exchange> holdAnswer(Poco::Net::HTTPServerRequest& request);

private:
    std::shared_ptr<Exchange> exchange_;
    ServerResponse& response_;
    const Poco::Net::HTTPServerParams& params_;
    // Made on the first stream(): a stream costs a locale set-up, and most requests have no body.
    std::optional<Poco::MemoryInputStream> body_;
    mutable std::optional<Poco::Net::SocketAddress> client_;
    mutable std::optional<Poco::Net::SocketAddress> server_;
};

}  // namespace ha::net
