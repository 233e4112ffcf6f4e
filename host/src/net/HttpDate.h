// The IMF-fixdate of the current second for Date headers ("Sun, 06 Nov 1994 08:49:37 GMT"),
// formatted once per second per thread.
#pragma once

#include <string_view>

namespace ha::net {

class HttpDate {
public:
    // Valid until the calling thread asks again.
    static std::string_view now();
};

}  // namespace ha::net
