// Poco's HTTPServerResponse over an Exchange, so the existing handlers run unchanged. How the
// body is framed follows what the handler set before send():
//   - Content-Length set: the header is written with it and the body follows (large bodies are
//     handed over in pieces);
//   - chunked transfer encoding set: the header leaves at once and every flush() of the stream
//     (or each 16 KiB) becomes one chunk, for streamed answers (Server-Sent Events); to an
//     HTTP/1.0 client the body is sent until close instead;
//   - neither: the body is buffered and sent with its Content-Length when the handler returns
//     (one write for header and body, keep-alive preserved); beyond 256 KiB it turns chunked.
// A write fails (the stream goes bad) once the client is gone; handlers that stream should also
// ask ServerRequest::clientGone() between pieces of slow work.
#pragma once

#include "net/ResponseBody.h"

#include <Poco/Net/HTTPServerResponse.h>

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

namespace ha::net {

class Exchange;

class ServerResponse : public Poco::Net::HTTPServerResponse {
public:
    explicit ServerResponse(Exchange& exchange);

    void sendContinue() override;
    std::ostream& send() override;
    void sendFile(const std::string& path, const std::string& mediaType) override;
    void sendBuffer(const void* buffer, std::size_t length) override;
    void redirect(const std::string& uri, HTTPStatus status = HTTP_FOUND) override;
    void requireAuthentication(const std::string& realm) override;
    bool sent() const override { return sent_; }

    // After the handler returned: completes the response (an empty one when nothing was sent).
    void finish();
    // The handler failed: a JSON error when nothing has reached the client yet, otherwise the
    // connection closes after what was sent (a truncated body must not look complete).
    void fail(int status, const std::string& message);

    // For ResponseBody.
    bool writeBody(const char* data, size_t n);
    bool flushBody();

    static constexpr size_t kChunkBytes = 16 * 1024;
    static constexpr size_t kSpillBytes = 256 * 1024;

private:
    enum class Framing { Buffered, Declared, Chunked, UntilClose, NoBody };

    // Fixes the framing and the header (what send() does, without the stream).
    void start();
    std::string head(uint64_t contentLength);
    void decideKeepAlive();
    bool handOver(std::string bytes, bool last);
    bool emitChunk();

    Exchange& exchange_;
    ResponseBody body_;
    // Made on the first send(): a stream costs a locale set-up, and sendBuffer() needs none.
    std::optional<std::ostream> stream_;
    Framing framing_ = Framing::Buffered;
    bool sent_ = false;
    bool headEmitted_ = false;
    bool finished_ = false;
    bool discardBody_ = false;  // HEAD: headers only
    bool keepAlive_ = false;
    bool broken_ = false;       // the client is gone
    std::string pending_;       // bytes not yet handed to the exchange
    uint64_t bodyBytes_ = 0;
    uint64_t declared_ = 0;
};

}  // namespace ha::net
