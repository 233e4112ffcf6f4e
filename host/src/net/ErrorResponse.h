// The responses the connection layer writes itself, before or instead of any handler: every one
// is a complete HTTP/1.1 message with a JSON body {"error": "..."}, like the handlers' errors.
#pragma once

#include <string>
#include <string_view>

namespace ha::net {

class ErrorResponse {
public:
    // "HTTP/1.1 <status> <reason>" + JSON body; `close` adds "Connection: close".
    // extraHeaders is inserted as is (each line ending in CRLF), e.g. "Retry-After: 1\r\n".
    static std::string build(int status, std::string_view message, bool close, std::string_view extraHeaders = {});
    // The same message around a JSON body the caller made (a route's own error shape).
    static std::string withBody(int status, std::string_view jsonBody, bool close, std::string_view extraHeaders = {});
    // The reason phrase of a status this server sends ("Bad Request"), "Unknown" otherwise.
    static std::string_view reason(int status);
    // The message as a JSON string literal, quotes included.
    static std::string jsonString(std::string_view text);
};

}  // namespace ha::net
