#include "net/ConnectionLimits.h"

namespace ha::net {

ConnectionLimits::ConnectionLimits(size_t maxConnections, size_t perAddress)
    : max_(maxConnections), perAddress_(perAddress) {}

bool ConnectionLimits::admitAddress(const AddressKey& address) {
    if (perAddress_ == 0) return true;
    std::lock_guard<std::mutex> lock(mutex_);
    size_t& n = perAddressOpen_[address];
    if (n >= perAddress_) {
        if (n == 0) perAddressOpen_.erase(address);
        return false;
    }
    ++n;
    return true;
}

ConnectionLimits::Verdict ConnectionLimits::admit(const AddressKey& address) {
    size_t current = open_.load(std::memory_order_relaxed);
    do {
        if (current >= max_) return Verdict::Full;
    } while (!open_.compare_exchange_weak(current, current + 1, std::memory_order_relaxed));
    if (!admitAddress(address)) {
        open_.fetch_sub(1, std::memory_order_relaxed);
        return Verdict::AddressFull;
    }
    return Verdict::Admitted;
}

bool ConnectionLimits::admitWhileEvicting(const AddressKey& address) {
    if (!admitAddress(address)) return false;
    open_.fetch_add(1, std::memory_order_relaxed);
    return true;
}

void ConnectionLimits::release(const AddressKey& address) {
    open_.fetch_sub(1, std::memory_order_relaxed);
    if (perAddress_ == 0) return;
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = perAddressOpen_.find(address);
    if (it != perAddressOpen_.end() && --it->second == 0) perAddressOpen_.erase(it);
}

}  // namespace ha::net
