// Sliding-window rate limiter (the original service's semantics: at most N events per key in
// any window of W seconds), with a bounded number of keys.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

namespace ha::http {

class RateLimiter {
public:
    using Clock = std::chrono::steady_clock;

    struct Verdict {
        bool allowed = true;
        int retryAfterSeconds = 0;  // when refused
        int remaining = 0;          // events left in the window after this one
    };

    RateLimiter(size_t limit, std::chrono::seconds window, size_t maxKeys = 10000,
                std::function<Clock::time_point()> now = &Clock::now);

    // Records an event for key if the limit allows it. [thread-safe]
    Verdict acquire(const std::string& key);
    // Whether the next event for key would be refused, without recording one. [thread-safe]
    Verdict peek(const std::string& key);

    size_t limit() const { return limit_; }

private:
    Verdict check(std::deque<Clock::time_point>& events, Clock::time_point now) const;
    void pruneKeys(Clock::time_point now);

    size_t limit_;
    std::chrono::seconds window_;
    size_t maxKeys_;
    std::function<Clock::time_point()> now_;
    std::mutex mutex_;
    std::unordered_map<std::string, std::deque<Clock::time_point>> events_;
};

}  // namespace ha::http
