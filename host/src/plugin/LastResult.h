// The checked, condensed value of a capability's last output, kept for the next call: a plugin
// that answers from its short cache (cache_ms) returns the same text again, and checking and
// condensing it again (json::verbatim, a fifth of a cached tool call) would give the same value.
#pragma once

#include "util/Json.h"

#include <atomic>
#include <memory>
#include <string>

namespace ha::plugin {

class LastResult {
public:
    // Outputs longer than this are condensed every time and never kept: a large result is rarely
    // the same twice, and keeping it would hold its text for the life of the process.
    static constexpr size_t kMaxKeptBytes = 64 * 1024;

    // json::verbatim(output): the kept value when `output` is byte for byte the last text seen,
    // else condensed anew and kept. Throws json::JsonError as json::verbatim does (nothing is
    // kept then). Thread-safe.
    json::Var verbatim(const std::string& output);

    // How often the kept value was reused (for tests).
    size_t reused() const { return reused_.load(std::memory_order_relaxed); }

private:
    struct Kept {
        std::string output;
        json::Var value;
    };
    std::atomic<std::shared_ptr<const Kept>> last_;
    std::atomic<size_t> reused_{0};
};

}  // namespace ha::plugin
