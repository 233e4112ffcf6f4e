// What GET /metrics reports: the request, capability, provider, refusal and audit counters
// the host records as it works, plus gauges read when scraped (stuck plugin calls, the
// process). Recording is a relaxed atomic add on a series found under a shared lock, so the
// hot paths pay a few tens of nanoseconds. [thread-safe]
#pragma once

#include "metrics/ExpositionWriter.h"
#include "metrics/Family.h"
#include "metrics/Histogram.h"

#include <atomic>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace ha::metrics {

struct Counter {
    std::atomic<uint64_t> value{0};
};

// A gauge whose samples are read at scrape time.
struct GaugeSource {
    std::string name;
    std::string help;
    std::vector<std::string> labelNames;
    std::function<std::vector<std::pair<LabelValues, double>>()> read;
};

class Metrics {
public:
    Metrics();

    // route: the route's pattern ("/v1/tools/{capability}"), never the raw path.
    void requestServed(std::string_view route, int status, double seconds);
    // capability: a registered capability, or "unknown"; status: CallStatus's stable name.
    void capabilityCalled(std::string_view capability, std::string_view status, double seconds);
    // outcome: "ok" or the failure's CallStatus name.
    void providerCalled(std::string_view provider, std::string_view outcome, double seconds);
    void refused(std::string_view category);
    void auditWriteFailed();

    // build_info's labels (version, ABI) and the scrape-time gauges; set before serving.
    void setBuildInfo(std::string version, std::string abi);
    void addGauge(GaugeSource source);

    // The whole exposition text.
    std::string render() const;

private:
    static void writeCounters(ExpositionWriter& out, const Family<Counter>& family);
    static void writeHistograms(ExpositionWriter& out, const Family<Histogram>& family);
    static Labels labelsOf(const std::vector<std::string>& names, const LabelValues& values);
    void writeProcess(ExpositionWriter& out) const;

    Family<Counter> requests_;
    Family<Histogram> requestSeconds_;
    Family<Counter> capabilityCalls_;
    Family<Histogram> capabilitySeconds_;
    Family<Counter> providerCalls_;
    Family<Histogram> providerSeconds_;
    Family<Counter> refusals_;
    std::atomic<uint64_t> auditFailures_{0};
    std::string version_;
    std::string abi_;
    std::vector<GaugeSource> gauges_;
    double startTime_;
};

}  // namespace ha::metrics
