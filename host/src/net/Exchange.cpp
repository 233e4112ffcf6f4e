#include "net/Exchange.h"

#include "net/EventLoop.h"

#include <algorithm>
#include <chrono>

namespace ha::net {

Exchange::Exchange(EventLoop& loop, Connection& connection, ParsedRequest request, const Peer& peer,
                   bool keepAliveAllowed, uint64_t writeTimeoutMs)
    : loop_(loop),
      connection_(&connection),
      request_(std::move(request)),
      peer_(peer),
      keepAliveAllowed_(keepAliveAllowed),
      writeTimeoutMs_(writeTimeoutMs) {}

bool Exchange::keepAliveAllowed() const { return keepAliveAllowed_ && !loop_.draining(); }

bool Exchange::send(std::string bytes, bool last, bool keepAlive) {
    if (closed()) return false;
    const size_t n = bytes.size();
    bool post = false;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (finished_) return false;
        if (outbox_.empty()) outbox_ = std::move(bytes); else outbox_ += bytes;
        finished_ = last;
        keepAlive_ = keepAlive;
        unsent_.fetch_add(n);
        if (!posted_ && !held_) post = posted_ = true;
    }
    if (post) loop_.post(shared_from_this());
    if (last || unsent_.load() <= kHighWater) return !closed();

    // Back-pressure for streamed responses: wait for the client to catch up (or leave).
    std::unique_lock<std::mutex> lock(mutex_);
    writerWaiting_.store(true);
    const bool drained = drained_.wait_for(lock, std::chrono::milliseconds(writeTimeoutMs_ + 1000), [&] {
        return closed() || unsent_.load() <= kLowWater;
    });
    writerWaiting_.store(false);
    return drained && !closed();
}

void Exchange::hold() {
    std::lock_guard<std::mutex> lock(mutex_);
    held_ = true;
}

void Exchange::release() {
    // Posting under the lock: detach() takes it too, so a loop that has detached this exchange
    // (and may be gone after that) is never posted to.
    std::lock_guard<std::mutex> lock(mutex_);
    if (!held_) return;
    held_ = false;
    if (closed_.load() || posted_ || (outbox_.empty() && !finished_)) return;
    posted_ = true;
    loop_.post(shared_from_this());
}

void Exchange::withhold(std::string response) {
    std::lock_guard<std::mutex> lock(mutex_);
    held_ = false;
    if (taken_) {
        outbox_.clear();  // headers are out: only closing the connection can say it failed
    } else {
        outbox_ = std::move(response);
    }
    unsent_.store(outbox_.size());
    finished_ = true;
    keepAlive_ = false;
    if (closed_.load() || posted_) return;
    posted_ = true;
    loop_.post(shared_from_this());
}

void Exchange::takeOutput(std::string& into, bool& finished, bool& keepAlive) {
    std::lock_guard<std::mutex> lock(mutex_);
    into = std::move(outbox_);
    outbox_.clear();
    if (!into.empty()) taken_ = true;
    posted_ = false;
    finished = finished_;
    keepAlive = keepAlive_;
}

void Exchange::written(size_t n) {
    // Sequentially consistent with send(): a writer that starts waiting after this decrement
    // sees it in its predicate; one already waiting sees the flag and is woken.
    size_t before = unsent_.load();
    while (!unsent_.compare_exchange_weak(before, before - std::min(before, n))) {
    }
    if (writerWaiting_.load() && before - std::min(before, n) <= kLowWater) {
        std::lock_guard<std::mutex> lock(mutex_);
        drained_.notify_all();
    }
}

void Exchange::peerClosed() { gone_.store(true, std::memory_order_release); }

void Exchange::detach() {
    connection_ = nullptr;
    gone_.store(true, std::memory_order_release);
    std::lock_guard<std::mutex> lock(mutex_);
    closed_.store(true, std::memory_order_release);  // under the lock: see release()
    drained_.notify_all();
}

}  // namespace ha::net
