// One complete HTTP/1.x request as the connection layer read it: the head as received (the
// request line and header fields, located by offsets so moving the request never invalidates
// them) and the decoded body. Plain data, moved from the event loop to a worker.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ha::net {

struct ParsedRequest {
    struct Span {
        uint32_t offset = 0;
        uint32_t length = 0;
    };
    struct Field {
        Span name;
        Span value;  // without leading and trailing whitespace
    };

    std::string head;  // request line + CRLF + header fields, as received
    Span method;
    Span target;
    int versionMinor = 1;  // HTTP/1.0 or HTTP/1.1 (a later 1.x is served as 1.1)
    std::vector<Field> fields;
    std::string body;  // already de-chunked

    bool keepAlive = true;        // what the client asked for (Connection header and version)
    bool expectContinue = false;  // "Expect: 100-continue" on an HTTP/1.1 request
    bool chunked = false;         // the body came with Transfer-Encoding: chunked

    std::string_view view(Span s) const { return std::string_view(head).substr(s.offset, s.length); }
    std::string_view methodText() const { return view(method); }
    std::string_view targetText() const { return view(target); }
    // The first field of that name (case-insensitive), or an empty view.
    std::string_view field(std::string_view name) const;
};

}  // namespace ha::net
