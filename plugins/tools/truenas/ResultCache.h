// Results of middleware calls, kept for a few seconds (cache_ttl_ms) and shared by every
// capability that needs the same method with the same parameters, so that a burst of questions
// (the health check runs several capabilities at once) sends each request once. Concurrent
// callers of a key that is being fetched wait for that one fetch instead of sending their own.
// Cached values are parsed JSON that nobody modifies afterwards (read-only sharing is safe).
#pragma once

#include "tools/truenas/JsonValue.h"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace ha_plugins::truenas {

class ResultCache {
public:
    explicit ResultCache(std::chrono::milliseconds ttl) : ttl_(ttl) {}

    // The value of `key` if fetched less than ttl ago, else fetch()'s (thrown errors pass
    // through to every caller waiting for that fetch; errors are not kept).
    Var get(const std::string& key, uint64_t deadlineNs, const std::function<Var()>& fetch);
    // Whether get(key) would answer from the cache now (then there is no point in asking for
    // it on another thread).
    bool fresh(const std::string& key);
    // The value of `key` when fetched less than ttl ago; never fetches, never waits for a fetch
    // (a memory-only call, HA_CALL_MEMORY_ONLY).
    std::optional<Var> kept(const std::string& key);
    // Drops every entry.
    void clear();

private:
    struct Entry {
        bool fetching = false;
        bool valid = false;
        Var value;
        std::chrono::steady_clock::time_point fetchedAt;
        uint64_t generation = 0;         // counts finished fetches, to wake the waiters of one
        std::exception_ptr error;        // of the last finished fetch, for its waiters only
    };
    const std::chrono::milliseconds ttl_;
    std::mutex mutex_;
    std::condition_variable done_;
    std::map<std::string, std::shared_ptr<Entry>> entries_;
};

}  // namespace ha_plugins::truenas
