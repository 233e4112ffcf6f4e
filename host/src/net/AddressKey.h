// A client's IP address as a compact hashable key (IPv4-mapped IPv6 folded to IPv4), for the
// per-address connection cap.
#pragma once

#include <sys/socket.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>

namespace ha::net {

struct AddressKey {
    std::array<uint8_t, 16> bytes{};
    uint8_t family = 0;  // 4 or 6

    static AddressKey of(const sockaddr_storage& address);

    bool operator==(const AddressKey& o) const { return family == o.family && bytes == o.bytes; }
    struct Hash {
        size_t operator()(const AddressKey& k) const noexcept {
            uint64_t a, b;
            std::memcpy(&a, k.bytes.data(), 8);
            std::memcpy(&b, k.bytes.data() + 8, 8);
            return std::hash<uint64_t>()(a * 0x9E3779B97F4A7C15ull ^ b ^ k.family);
        }
    };
};

}  // namespace ha::net
