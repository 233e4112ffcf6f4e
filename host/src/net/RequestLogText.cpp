#include "net/RequestLogText.h"

#include "util/Text.h"

namespace ha::net {

namespace {

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::string RequestLogText::method(std::string_view method) { return text::sanitizeForLog(method, 32); }

std::string RequestLogText::path(std::string_view target, size_t maxBytes) {
    const std::string_view p = target.substr(0, target.find_first_of("?#"));
    std::string decoded;
    decoded.reserve(std::min(p.size(), maxBytes + 8));
    for (size_t i = 0; i < p.size() && decoded.size() <= maxBytes; ++i) {
        if (p[i] == '%' && i + 2 < p.size() && hexValue(p[i + 1]) >= 0 && hexValue(p[i + 2]) >= 0) {
            decoded += static_cast<char>(hexValue(p[i + 1]) * 16 + hexValue(p[i + 2]));
            i += 2;
        } else {
            decoded += p[i];
        }
    }
    return text::sanitizeForLog(decoded, maxBytes);
}

}  // namespace ha::net
