// What was read from a plugin's last output text, kept for the next call: a plugin that answers
// from its own cache (cache_ms, SameAnswer) returns the same text again, and reading it again
// would give the same value. Only the last text is kept, compared byte for byte; texts longer
// than kMaxKeptBytes are read every time and never kept (a large output is rarely the same twice,
// and keeping it would hold it for the life of the process). Thread-safe: the kept pair is
// immutable and swapped whole.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace ha::plugin {

template <class Value>
class LastRead {
public:
    static constexpr size_t kMaxKeptBytes = 64 * 1024;

    // The kept value when `text` is the last text read, else read(text) (a std::optional<Value>),
    // kept when it has a value. An exception from read reaches the caller; nothing is kept then.
    template <class Read>
    std::optional<Value> get(const std::string& text, Read&& read) {
        if (text.size() > kMaxKeptBytes) return read(text);
        // Compared outside any lock: the kept text is immutable and shared.
        if (const std::shared_ptr<const Kept> kept = last_.load(); kept && kept->text == text) {
            reused_.fetch_add(1, std::memory_order_relaxed);
            return std::optional<Value>(std::in_place, kept->value);
        }
        std::optional<Value> value = read(text);
        if (value) last_.store(std::make_shared<const Kept>(Kept{text, *value}));
        return value;
    }

    // How often the kept value was reused (for tests).
    size_t reused() const { return reused_.load(std::memory_order_relaxed); }

private:
    struct Kept {
        std::string text;
        Value value;
    };
    std::atomic<std::shared_ptr<const Kept>> last_;
    std::atomic<size_t> reused_{0};
};

}  // namespace ha::plugin
