// Deadlines with one fixed timeout per list: the handshake, request, keep-alive, write and
// lingering-close timeouts each get a list, and an entry joins at the tail when its wait starts,
// so every list stays ordered by deadline without a heap. Entering, leaving and moving are O(1),
// expiry only looks at the heads, and the idle list's head is the oldest idle keep-alive
// connection, the first to close when the server is at its connection cap. Loop thread only.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ha::net {

class DeadlineList;

// The part of an entry the lists use (a Connection derives from it).
struct DeadlineLink {
    DeadlineLink* prev = nullptr;
    DeadlineLink* next = nullptr;
    DeadlineList* list = nullptr;  // the list it is in, or null
    uint64_t sinceMs = 0;          // when it joined
    uint64_t deadlineMs = 0;
};

class DeadlineList {
public:
    explicit DeadlineList(uint64_t timeoutMs) : timeoutMs_(timeoutMs) {}
    DeadlineList(const DeadlineList&) = delete;
    DeadlineList& operator=(const DeadlineList&) = delete;

    // Moves the entry to this list's tail (out of any other list) with deadline now + timeout.
    void push(DeadlineLink& link, uint64_t nowMs) {
        unlink(link);
        link.list = this;
        link.sinceMs = nowMs;
        link.deadlineMs = nowMs + timeoutMs_;
        link.prev = tail_;
        link.next = nullptr;
        if (tail_ != nullptr) tail_->next = &link; else head_ = &link;
        tail_ = &link;
        ++size_;
    }
    // Takes the entry out of whatever list holds it (no-op when none).
    static void unlink(DeadlineLink& link) {
        DeadlineList* l = link.list;
        if (l == nullptr) return;
        if (link.prev != nullptr) link.prev->next = link.next; else l->head_ = link.next;
        if (link.next != nullptr) link.next->prev = link.prev; else l->tail_ = link.prev;
        link.prev = link.next = nullptr;
        link.list = nullptr;
        --l->size_;
    }
    DeadlineLink* front() const { return head_; }
    size_t size() const { return size_; }
    uint64_t timeoutMs() const { return timeoutMs_; }

private:
    DeadlineLink* head_ = nullptr;
    DeadlineLink* tail_ = nullptr;
    size_t size_ = 0;
    uint64_t timeoutMs_;
};

}  // namespace ha::net
