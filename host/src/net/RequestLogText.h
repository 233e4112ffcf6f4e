// Method and path of a request in a form that is safe to log: control bytes replaced, the path
// percent-decoded (so "%0a" cannot forge a line either) and capped. Used for the lines the
// connection layer writes about requests no handler saw.
#pragma once

#include <string>
#include <string_view>

namespace ha::net {

class RequestLogText {
public:
    static std::string method(std::string_view method);
    // The path part of a request target (no query), decoded and capped at maxBytes.
    static std::string path(std::string_view target, size_t maxBytes = 200);
};

}  // namespace ha::net
