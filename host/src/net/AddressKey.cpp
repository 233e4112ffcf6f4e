#include "net/AddressKey.h"

#include <netinet/in.h>

namespace ha::net {

AddressKey AddressKey::of(const sockaddr_storage& address) {
    AddressKey key;
    if (address.ss_family == AF_INET) {
        const auto& in = reinterpret_cast<const sockaddr_in&>(address);
        key.family = 4;
        std::memcpy(key.bytes.data(), &in.sin_addr, 4);
    } else if (address.ss_family == AF_INET6) {
        const auto& in6 = reinterpret_cast<const sockaddr_in6&>(address);
        if (IN6_IS_ADDR_V4MAPPED(&in6.sin6_addr)) {
            key.family = 4;
            std::memcpy(key.bytes.data(), reinterpret_cast<const uint8_t*>(&in6.sin6_addr) + 12, 4);
        } else {
            key.family = 6;
            std::memcpy(key.bytes.data(), &in6.sin6_addr, 16);
        }
    }
    return key;
}

}  // namespace ha::net
