#include "tools/truenas/ResultCache.h"

#include <homelab_assistant/plugin.hpp>

namespace ha_plugins::truenas {

using Clock = std::chrono::steady_clock;

Var ResultCache::get(const std::string& key, uint64_t deadlineNs, const std::function<Var()>& fetch) {
    if (ttl_.count() == 0) return fetch();
    const auto deadline = Clock::time_point(std::chrono::duration_cast<Clock::duration>(std::chrono::nanoseconds(deadlineNs)));
    std::unique_lock<std::mutex> lock(mutex_);
    auto& slot = entries_[key];
    if (!slot) slot = std::make_shared<Entry>();
    const std::shared_ptr<Entry> entry = slot;
    for (;;) {
        if (entry->valid && Clock::now() - entry->fetchedAt < ttl_) return entry->value;
        if (!entry->fetching) break;
        // Someone is fetching it: wait for that fetch and take its outcome.
        const uint64_t generation = entry->generation;
        while (entry->fetching && entry->generation == generation) {
            if (done_.wait_until(lock, deadline) == std::cv_status::timeout && entry->fetching) {
                throw homelab_assistant::Error(HA_ERR_TIMEOUT, "timed out waiting for the TrueNAS answer another question asked for");
            }
        }
        if (entry->error && !(entry->valid && Clock::now() - entry->fetchedAt < ttl_)) std::rethrow_exception(entry->error);
    }
    entry->fetching = true;
    lock.unlock();
    Var value;
    std::exception_ptr error;
    try {
        value = fetch();
    } catch (...) {
        error = std::current_exception();
    }
    lock.lock();
    entry->fetching = false;
    ++entry->generation;
    entry->error = error;
    if (!error) {
        entry->value = value;
        entry->valid = true;
        entry->fetchedAt = Clock::now();
    }
    done_.notify_all();
    if (error) std::rethrow_exception(error);
    return value;
}

bool ResultCache::fresh(const std::string& key) {
    if (ttl_.count() == 0) return false;
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = entries_.find(key);
    return it != entries_.end() && it->second->valid && Clock::now() - it->second->fetchedAt < ttl_;
}

std::optional<Var> ResultCache::kept(const std::string& key) {
    if (ttl_.count() == 0) return std::nullopt;
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = entries_.find(key);
    if (it == entries_.end() || !it->second->valid || Clock::now() - it->second->fetchedAt >= ttl_) return std::nullopt;
    return it->second->value;
}

void ResultCache::clear() {
    std::lock_guard<std::mutex> lock(mutex_);
    entries_.clear();
}

}  // namespace ha_plugins::truenas
