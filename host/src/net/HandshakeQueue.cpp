#include "net/HandshakeQueue.h"

namespace ha::net {

void HandshakeQueue::push(Link& link) {
    if (link.queued) return;
    Bucket& bucket = buckets_[link.address];
    if (bucket.head == nullptr) turns_.push_back(link.address);
    link.prev = bucket.tail;
    link.next = nullptr;
    if (bucket.tail != nullptr) bucket.tail->next = &link; else bucket.head = &link;
    bucket.tail = &link;
    link.queued = true;
    ++size_;
}

void HandshakeQueue::remove(Link& link) {
    if (!link.queued) return;
    auto it = buckets_.find(link.address);
    if (it != buckets_.end()) {
        Bucket& bucket = it->second;
        if (link.prev != nullptr) link.prev->next = link.next; else bucket.head = link.next;
        if (link.next != nullptr) link.next->prev = link.prev; else bucket.tail = link.prev;
        if (bucket.head == nullptr) buckets_.erase(it);  // its turn entry is skipped later
    }
    link.prev = link.next = nullptr;
    link.queued = false;
    --size_;
}

HandshakeQueue::Link* HandshakeQueue::pop() {
    while (!turns_.empty()) {
        const AddressKey address = turns_.front();
        turns_.pop_front();
        auto it = buckets_.find(address);
        if (it == buckets_.end() || it->second.head == nullptr) continue;
        Link* link = it->second.head;
        remove(*link);
        if (buckets_.count(address) != 0) turns_.push_back(address);  // more from it, after the others
        return link;
    }
    return nullptr;
}

}  // namespace ha::net
