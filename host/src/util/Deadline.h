// A point on CLOCK_MONOTONIC by which work must finish; the clock of ha_call::deadline_ns.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <ctime>

namespace ha {

class Deadline {
public:
    static uint64_t nowNs() noexcept {
        timespec ts{};
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
    }
    static Deadline after(std::chrono::milliseconds d) noexcept {
        const auto ms = std::max<int64_t>(0, d.count());
        return Deadline(nowNs() + static_cast<uint64_t>(ms) * 1000000ull);
    }
    static Deadline atNs(uint64_t ns) noexcept { return Deadline(ns); }

    uint64_t ns() const noexcept { return ns_; }
    bool expired() const noexcept { return nowNs() >= ns_; }
    std::chrono::milliseconds remaining() const noexcept {
        const uint64_t now = nowNs();
        return std::chrono::milliseconds(now >= ns_ ? 0 : static_cast<int64_t>((ns_ - now) / 1000000ull));
    }
    // The earlier of the two.
    Deadline min(Deadline other) const noexcept { return Deadline(std::min(ns_, other.ns_)); }

private:
    explicit Deadline(uint64_t ns) noexcept : ns_(ns) {}
    uint64_t ns_;
};

// Milliseconds elapsed since a nowNs() reading, as a double for reports.
inline double elapsedMs(uint64_t startNs) noexcept {
    return static_cast<double>(Deadline::nowNs() - startNs) / 1e6;
}

}  // namespace ha
