// Ends a blocking exchange with a server from the side: while it lives, a thread looks at the
// caller's cancel flag and the deadline every slice and, when either fires, shuts the socket
// down (shutdown(2) is safe from another thread), so a read blocked inside Poco or OpenSSL
// returns at once instead of at its timeout. Needed because "readable" does not mean "an
// answer is there": TLS 1.3 session tickets, or the rest of a TLS record, make a poll return
// and the read that follows block.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

namespace ha_plugins::providers {

class CancelWatch {
public:
    enum class Reason { None, Cancelled, Deadline };

    // fd: the connected socket; cancelled may be empty; deadlineNs on the monotonic clock.
    CancelWatch(int fd, std::function<bool()> cancelled, uint64_t deadlineNs, std::chrono::milliseconds slice);
    ~CancelWatch();
    CancelWatch(const CancelWatch&) = delete;
    CancelWatch& operator=(const CancelWatch&) = delete;

    // Why the socket was shut down; None while it was not. [thread-safe]
    Reason fired() const;

private:
    void watch();

    const int fd_;
    const std::function<bool()> cancelled_;
    const uint64_t deadlineNs_;
    const std::chrono::milliseconds slice_;
    mutable std::mutex mutex_;
    std::condition_variable stop_;
    bool stopping_ = false;
    Reason fired_ = Reason::None;
    std::thread thread_;
};

}  // namespace ha_plugins::providers
