#include "http/RateLimiter.h"

#include <algorithm>

namespace ha::http {

RateLimiter::RateLimiter(size_t limit, std::chrono::seconds window, size_t maxKeys,
                         std::function<Clock::time_point()> now)
    : limit_(limit), window_(window), maxKeys_(maxKeys), now_(std::move(now)) {}

RateLimiter::Verdict RateLimiter::check(std::deque<Clock::time_point>& events, Clock::time_point now) const {
    while (!events.empty() && now - events.front() >= window_) events.pop_front();
    Verdict v;
    if (events.size() >= limit_) {
        v.allowed = false;
        const auto wait = std::chrono::ceil<std::chrono::seconds>(events.front() + window_ - now);
        v.retryAfterSeconds = std::max<int>(1, static_cast<int>(wait.count()));
        return v;
    }
    v.remaining = static_cast<int>(limit_ - events.size() - 1);
    return v;
}

RateLimiter::Verdict RateLimiter::acquire(const std::string& key) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto now = now_();
    if (events_.size() >= maxKeys_ && !events_.count(key)) pruneKeys(now);
    auto& events = events_[key];
    Verdict v = check(events, now);
    if (v.allowed) events.push_back(now);
    return v;
}

RateLimiter::Verdict RateLimiter::peek(const std::string& key) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = events_.find(key);
    if (it == events_.end()) return Verdict{true, 0, static_cast<int>(limit_) - 1};
    return check(it->second, now_());
}

void RateLimiter::pruneKeys(Clock::time_point now) {
    for (auto it = events_.begin(); it != events_.end();) {
        while (!it->second.empty() && now - it->second.front() >= window_) it->second.pop_front();
        it = it->second.empty() ? events_.erase(it) : std::next(it);
    }
    // Still full of active keys: forget the one whose newest event is oldest.
    while (events_.size() >= maxKeys_) {
        auto oldest = std::min_element(events_.begin(), events_.end(),
                                       [](const auto& a, const auto& b) { return a.second.back() < b.second.back(); });
        events_.erase(oldest);
    }
}

}  // namespace ha::http
