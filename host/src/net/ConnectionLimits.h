// The server-wide connection budget, shared by every event loop: at most `maxConnections` open
// connections, and optionally at most `perAddress` from one client address (0 = no per-address
// cap; addresses behind one NAT share it, so it is off by default). The event loops ask before
// they keep an accepted socket and tell it when one closes.
#pragma once

#include "net/AddressKey.h"

#include <atomic>
#include <cstddef>
#include <mutex>
#include <unordered_map>

namespace ha::net {

class ConnectionLimits {
public:
    enum class Verdict { Admitted, Full, AddressFull };

    ConnectionLimits(size_t maxConnections, size_t perAddress);

    // Takes a slot when one is free (and the address is under its cap).
    Verdict admit(const AddressKey& address);
    // Takes a slot beyond the cap, when another loop is closing an idle connection to make room
    // (so the cap is exceeded by at most the evictions in flight).
    bool admitWhileEvicting(const AddressKey& address);
    void release(const AddressKey& address);

    size_t open() const { return open_.load(std::memory_order_relaxed); }
    size_t maxConnections() const { return max_; }
    size_t perAddress() const { return perAddress_; }

private:
    bool admitAddress(const AddressKey& address);

    const size_t max_;
    const size_t perAddress_;
    std::atomic<size_t> open_{0};
    std::mutex mutex_;  // per-address counts only (not touched when the cap is off)
    std::unordered_map<AddressKey, size_t, AddressKey::Hash> perAddressOpen_;
};

}  // namespace ha::net
