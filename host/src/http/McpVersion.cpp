#include "http/McpVersion.h"

namespace ha::http {

bool McpVersion::supported(std::string_view version) {
    for (std::string_view v : kSupported) {
        if (v == version) return true;
    }
    return false;
}

std::string McpVersion::negotiate(std::string_view requested) {
    return std::string(supported(requested) ? requested : kNewest);
}

std::string McpVersion::supportedList() {
    std::string list;
    for (std::string_view v : kSupported) {
        if (!list.empty()) list += ", ";
        list += v;
    }
    return list;
}

}  // namespace ha::http
