// A Prometheus histogram with fixed bucket bounds, lock-free to observe. [thread-safe]
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace ha::metrics {

class Histogram {
public:
    // Upper bounds in seconds, ascending; +Inf is implicit.
    explicit Histogram(std::vector<double> bounds);

    void observe(double seconds);

    struct Snapshot {
        std::vector<uint64_t> cumulative;  // one per bound, then +Inf (== count)
        uint64_t count = 0;
        double sum = 0;
    };
    // Counts are read bucket by bucket; count is their total, so +Inf always equals count.
    Snapshot snapshot() const;
    const std::vector<double>& bounds() const { return bounds_; }

    // Latency bounds from 0.5 ms to 60 s: an HTTP request, a capability call, a model round.
    static const std::vector<double>& latencyBounds();

private:
    std::vector<double> bounds_;
    std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // not cumulative; the last is +Inf
    std::atomic<uint64_t> sumNs_{0};
};

}  // namespace ha::metrics
