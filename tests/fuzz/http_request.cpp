// Fuzz target: the connection layer's HTTP/1.1 request reader (host/src/net/HttpRequestParser,
// built only once that file is in the tree). The bytes arrive in pieces whose sizes come from
// the input itself, as a client would send them; every request found is taken and the next one
// read from the rest (pipelining). The parser must consume within what it was given, never
// complete and fail at once, and keep what it returns within its limits.
#include "net/HttpRequestParser.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using ha::net::HttpRequestParser;
    HttpRequestParser::Limits limits;
    limits.requestLine = 512;
    limits.headerBytes = 2048;
    limits.headerCount = 32;
    limits.bodyBytes = 4096;
    HttpRequestParser parser(limits);
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    uint32_t rng = 2166136261u;
    for (unsigned char c : input.substr(0, 16)) rng = (rng ^ c) * 16777619u;
    size_t pos = 0;
    for (int rounds = 0; pos < input.size() && rounds < 100000; ++rounds) {
        rng = rng * 1103515245u + 12345u;
        const size_t piece = 1 + (rng >> 16) % 64;
        const std::string_view chunk = input.substr(pos, piece);
        const size_t used = parser.feed(chunk);
        if (used > chunk.size()) std::abort();
        pos += used;
        if (parser.complete() && parser.failed()) std::abort();
        if (parser.complete()) {
            const auto request = parser.take();
            if (request.body.size() > limits.bodyBytes) std::abort();
            if (request.fields.size() > limits.headerCount) std::abort();
            (void)request.methodText();
            (void)request.targetText();
            continue;
        }
        if (parser.failed()) {
            const int status = parser.failure().status;
            if (status < 400 || status > 599) std::abort();
            break;  // the connection would be closed here
        }
        if (used == 0 && chunk.size() > 0) std::abort();  // neither progress nor an outcome
    }
    return 0;
}
