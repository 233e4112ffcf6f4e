#include "net/HttpDate.h"

#include <ctime>

namespace ha::net {

std::string_view HttpDate::now() {
    thread_local time_t cachedSecond = 0;
    thread_local char text[40] = "";
    thread_local size_t length = 0;
    timespec ts{};
    clock_gettime(CLOCK_REALTIME_COARSE, &ts);
    if (ts.tv_sec != cachedSecond || length == 0) {
        cachedSecond = ts.tv_sec;
        tm utc{};
        gmtime_r(&cachedSecond, &utc);
        length = strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &utc);
    }
    return std::string_view(text, length);
}

}  // namespace ha::net
