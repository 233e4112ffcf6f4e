// A strict, incremental HTTP/1.1 request reader (RFC 9112) that never trusts the peer: bytes are
// fed as they arrive, in any split, and the parser either asks for more, completes one request,
// or fails with the status the client must get. It does no I/O and allocates only within its
// limits, so it runs on the event loop and is unit-tested on hostile inputs.
//
// What it refuses (and why):
//   - Content-Length together with Transfer-Encoding, a duplicate, signed, listed or non-numeric
//     Content-Length, a repeated Transfer-Encoding: 400. These are the framing ambiguities that
//     let a second request be smuggled inside the first; the connection must be closed after.
//   - bare CR or LF as line ends, obs-fold, whitespace before ':', control bytes in fields or
//     the target, a missing or repeated Host on HTTP/1.1: 400.
//   - a request line over limits.requestLine: 414; more header bytes or fields than allowed: 431;
//     a body over limits.bodyBytes: 413 as soon as the declared or chunked size says so, without
//     reading the body; a transfer coding other than chunked: 501; a method longer than any we
//     implement: 501; HTTP major version other than 1: 505; an Expect other than 100-continue: 417.
// Chunked bodies are decoded (chunk extensions skipped within a bounded line, trailers counted
// against the header limits and dropped).
#pragma once

#include "net/ParsedRequest.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ha::net {

class HttpRequestParser {
public:
    struct Limits {
        size_t requestLine = 8192;   // bytes of "METHOD target HTTP/1.1"
        size_t headerBytes = 16384;  // bytes of the header fields (also bounds chunk trailers)
        size_t headerCount = 100;
        size_t bodyBytes = 64 * 1024;
    };
    struct Failure {
        int status = 0;
        std::string message;
    };

    explicit HttpRequestParser(Limits limits);

    // Consumes bytes of the current request and returns how many it used; the rest (a pipelined
    // next request) belongs to the caller. Returns 0 once complete() or failed().
    size_t feed(std::string_view data);

    bool complete() const { return state_ == State::Complete; }
    bool failed() const { return state_ == State::Failed; }
    // At least one byte of this request has been fed (leading empty lines included).
    bool started() const { return started_; }
    // The head is parsed and a body is still expected (the moment to answer 100-continue).
    bool awaitingBody() const;
    bool expectsContinue() const { return request_.expectContinue; }
    const Failure& failure() const { return failure_; }
    const ParsedRequest& request() const { return request_; }

    // Hands out the complete request and starts over for the next one on the connection.
    ParsedRequest take();
    void reset();

private:
    enum class State { Head, Body, ChunkSize, ChunkData, ChunkDataEnd, Trailers, Complete, Failed };

    size_t feedHead(std::string_view data);
    size_t feedBody(std::string_view data);
    size_t feedChunkSize(std::string_view data);
    size_t feedChunkData(std::string_view data);
    size_t feedChunkDataEnd(std::string_view data);
    size_t feedTrailers(std::string_view data);
    // Appends to line_ up to and including LF; true when the line is complete (CRLF checked).
    bool collectLine(std::string_view data, size_t& used, size_t maxLength, int tooLongStatus, const char* what);

    bool parseHead();
    bool parseRequestLine(std::string_view line);
    bool parseField(std::string_view line, uint32_t offset);
    bool applyFraming();
    void fail(int status, std::string message);

    Limits limits_;
    State state_ = State::Head;
    Failure failure_;
    ParsedRequest request_;
    bool started_ = false;
    size_t leadingEmpty_ = 0;  // CR/LF bytes skipped before the request line
    size_t scanned_ = 0;       // head bytes already searched for the end of the head
    size_t lineEnd_ = std::string::npos;  // index of the CR ending the request line
    uint64_t remaining_ = 0;   // body bytes still expected (Content-Length or current chunk)
    std::string line_;         // chunk-size line or trailer line being collected
    size_t trailerBytes_ = 0;
    size_t trailerCount_ = 0;
};

}  // namespace ha::net
