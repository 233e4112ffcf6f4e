// A small time-bounded cache for results that are slow to make (a command's output, parsed
// files): a value younger than the time-to-live is reused, and concurrent callers asking for the
// same key while it is being made wait for that one run, so a burst of questions runs a command
// once. Thread-safe. A time-to-live of zero turns caching off (every call makes its value).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace ha_plugins {

template <class Value>
class ResultCache {
public:
    using Clock = std::chrono::steady_clock;

    explicit ResultCache(std::chrono::milliseconds ttl, size_t maxEntries = 64) : ttl_(ttl), maxEntries_(maxEntries) {}

    // The value of `key`: cached when younger than the time-to-live, else made by `make` (once,
    // whoever else asks meanwhile). A caller that would wait past `waitUntil` for another's run
    // gets nullopt. An exception from `make` reaches its caller and is not cached; waiters then
    // make the value themselves.
    std::optional<Value> get(const std::string& key, const std::function<Value()>& make, Clock::time_point waitUntil) {
        if (ttl_.count() <= 0) {
            {
                std::lock_guard<std::mutex> count(mutex_);
                ++runs_;
            }
            return make();
        }
        std::unique_lock<std::mutex> lock(mutex_);
        for (;;) {
            auto it = entries_.find(key);
            if (it != entries_.end() && it->second.value && Clock::now() - it->second.madeAt < ttl_) {
                ++hits_;
                return *it->second.value;
            }
            if (it == entries_.end() || !it->second.making) break;
            if (changed_.wait_until(lock, waitUntil) == std::cv_status::timeout) return std::nullopt;
        }
        Entry& entry = slot(key);
        entry.making = true;
        ++runs_;
        lock.unlock();
        std::optional<Value> made;
        try {
            made = make();
        } catch (...) {
            lock.lock();
            entries_[key].making = false;
            changed_.notify_all();
            throw;
        }
        lock.lock();
        Entry& done = entries_[key];
        done.making = false;
        done.value = made;
        done.madeAt = Clock::now();
        changed_.notify_all();
        return made;
    }

    // The cached value of `key` when it is younger than the time-to-live; never makes one and
    // never waits for one being made.
    std::optional<Value> fresh(const std::string& key) {
        if (ttl_.count() <= 0) return std::nullopt;
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = entries_.find(key);
        if (it == entries_.end() || !it->second.value || Clock::now() - it->second.madeAt >= ttl_) return std::nullopt;
        ++hits_;
        return *it->second.value;
    }

    // Age of the cached value of `key` (nullopt when there is none).
    std::optional<std::chrono::milliseconds> age(const std::string& key) const {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = entries_.find(key);
        if (it == entries_.end() || !it->second.value) return std::nullopt;
        return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - it->second.madeAt);
    }

    // How often a value was made, and how often a cached one was served.
    size_t runs() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return runs_;
    }
    size_t hits() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return hits_;
    }
    std::chrono::milliseconds ttl() const { return ttl_; }

private:
    struct Entry {
        std::optional<Value> value;
        Clock::time_point madeAt{};
        bool making = false;
    };

    // The entry for key; drops the oldest idle entries beyond the bound first.
    Entry& slot(const std::string& key) {
        while (entries_.size() >= maxEntries_ && entries_.find(key) == entries_.end()) {
            auto oldest = entries_.end();
            for (auto it = entries_.begin(); it != entries_.end(); ++it) {
                if (!it->second.making && (oldest == entries_.end() || it->second.madeAt < oldest->second.madeAt)) {
                    oldest = it;
                }
            }
            if (oldest == entries_.end()) break;  // everything is being made: grow past the bound
            entries_.erase(oldest);
        }
        return entries_[key];
    }

    const std::chrono::milliseconds ttl_;
    const size_t maxEntries_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::map<std::string, Entry> entries_;
    size_t runs_ = 0;
    size_t hits_ = 0;
};

}  // namespace ha_plugins
