// The last few answers of a function whose output depends only on its input: the in-tree
// plugins' checks() and summarize() word from their input, their settings (fixed at start-up)
// and, for some, the clock's second, which the caller passes as `epoch`. Within the lifetime of
// the results they read (cache_ms, a sampler's interval) a health question, a dashboard or a
// status probe sends the same input again and again; reading and wording it again would give
// the same text, so the text is kept and handed out instead. Exact by construction: a different
// input, or another second for a function that reads the clock, is made anew.
// Thread-safe. An exception from `make` reaches its caller and nothing is kept.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace ha_plugins {

class SameAnswer {
public:
    // keep: how many different inputs are remembered (the least recently used goes first);
    // inputs above maxInputBytes are never kept (they would pin that much memory each). The
    // defaults bound what one instance holds to about half a MiB (two inputs and two outputs of
    // at most 64 KiB, the size the host allows an answers output); most hold a few KiB.
    explicit SameAnswer(size_t keep = 2, size_t maxInputBytes = 64 * 1024) : keep_(keep), maxInputBytes_(maxInputBytes) {}

    std::string get(std::string_view input, int64_t epoch, const std::function<std::string()>& make) {
        if (keep_ == 0 || input.size() > maxInputBytes_) return make();
        {
            std::lock_guard<std::mutex> lock(mutex_);
            for (Entry& e : entries_) {
                if (e.epoch == epoch && e.input == input) {
                    e.used = ++clock_;
                    ++hits_;
                    return e.output;
                }
            }
        }
        std::string output = make();  // outside the lock: a slow input does not hold up others
        std::lock_guard<std::mutex> lock(mutex_);
        Entry* slot = nullptr;
        if (entries_.size() < keep_) {
            slot = &entries_.emplace_back();
        } else {
            slot = &entries_.front();
            for (Entry& e : entries_) {
                if (e.used < slot->used) slot = &e;
            }
        }
        slot->input.assign(input);
        slot->epoch = epoch;
        slot->output = output;
        slot->used = ++clock_;
        return output;
    }

    // How many answers were handed out again (for tests).
    size_t hits() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return hits_;
    }

private:
    struct Entry {
        std::string input;
        int64_t epoch = 0;
        std::string output;
        uint64_t used = 0;
    };

    const size_t keep_;
    const size_t maxInputBytes_;
    mutable std::mutex mutex_;
    std::vector<Entry> entries_;
    uint64_t clock_ = 0;
    size_t hits_ = 0;
};

}  // namespace ha_plugins
