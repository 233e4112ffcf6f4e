// TLS handshake work waiting to run, grouped by client address and served round-robin across
// addresses. A handshake costs about a millisecond of CPU (far more under a sanitizer), so a
// flood of them from a few addresses would otherwise delay everyone behind it, first come first
// served; here a new client from another address waits for at most one step per busy address.
// The event loop runs steps from it under a time budget per turn, between which it serves the
// requests of established connections. Intrusive and O(1) except for skipping emptied addresses.
// Loop thread only.
#pragma once

#include "net/AddressKey.h"

#include <cstddef>
#include <deque>
#include <unordered_map>

namespace ha::net {

class Connection;

class HandshakeQueue {
public:
    // The part of a connection the queue uses.
    struct Link {
        Link(Connection* connection, const AddressKey& from) : owner(connection), address(from) {}
        Connection* const owner;
        const AddressKey address;
        Link* prev = nullptr;
        Link* next = nullptr;
        bool queued = false;
    };

    // Queues a connection's next handshake step (no-op when it is queued already).
    void push(Link& link);
    // Takes it out (it closed, or its handshake ran).
    void remove(Link& link);
    // The next one to serve, one address after the other; null when nothing waits.
    Link* pop();
    bool empty() const { return size_ == 0; }
    size_t size() const { return size_; }

private:
    struct Bucket {
        Link* head = nullptr;
        Link* tail = nullptr;
    };
    std::unordered_map<AddressKey, Bucket, AddressKey::Hash> buckets_;
    std::deque<AddressKey> turns_;  // addresses in serving order (may hold emptied ones)
    size_t size_ = 0;
};

}  // namespace ha::net
