#include "metrics/Metrics.h"

#include "metrics/ProcessStats.h"

#include <charconv>
#include <chrono>

namespace ha::metrics {

namespace {

std::unique_ptr<Counter> newCounter() { return std::make_unique<Counter>(); }
std::unique_ptr<Histogram> newLatencyHistogram() { return std::make_unique<Histogram>(Histogram::latencyBounds()); }

void add(Counter& counter) { counter.value.fetch_add(1, std::memory_order_relaxed); }

}  // namespace

Metrics::Metrics()
    : requests_("homelab_assistant_http_requests_total", "HTTP requests answered, by route pattern and status code.",
                {"route", "status"}, newCounter),
      requestSeconds_("homelab_assistant_http_request_duration_seconds",
                      "Time from a complete request to its answer, by route pattern.", {"route"}, newLatencyHistogram),
      capabilityCalls_("homelab_assistant_capability_calls_total",
                       "Capability calls through the policy gate, by capability and status (denied ones included).",
                       {"capability", "status"}, newCounter),
      capabilitySeconds_("homelab_assistant_capability_call_duration_seconds",
                         "Time a capability call took, policy and schema checks included.", {"capability"},
                         newLatencyHistogram),
      providerCalls_("homelab_assistant_provider_calls_total",
                     "Model rounds asked of a provider, by provider and outcome (ok or the failure's status).",
                     {"provider", "outcome"}, newCounter),
      providerSeconds_("homelab_assistant_provider_call_duration_seconds", "Time one model round took, by provider.",
                       {"provider"}, newLatencyHistogram),
      refusals_("homelab_assistant_refusals_total",
                "Questions refused before any model or capability ran, by category of the requested change.",
                {"category"}, newCounter),
      startTime_(std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count()) {}

void Metrics::requestServed(std::string_view route, int status, double seconds) {
    char code[16];
    const auto written = std::to_chars(code, code + sizeof code, status);
    add(requests_.with({route, std::string_view(code, static_cast<size_t>(written.ptr - code))}));
    requestSeconds_.with({route}).observe(seconds);
}

void Metrics::capabilityCalled(std::string_view capability, std::string_view status, double seconds) {
    add(capabilityCalls_.with({capability, status}));
    capabilitySeconds_.with({capability}).observe(seconds);
}

void Metrics::providerCalled(std::string_view provider, std::string_view outcome, double seconds) {
    add(providerCalls_.with({provider, outcome}));
    providerSeconds_.with({provider}).observe(seconds);
}

void Metrics::refused(std::string_view category) { add(refusals_.with({category})); }

void Metrics::auditWriteFailed() { auditFailures_.fetch_add(1, std::memory_order_relaxed); }

void Metrics::setBuildInfo(std::string version, std::string abi) {
    version_ = std::move(version);
    abi_ = std::move(abi);
}

void Metrics::addGauge(GaugeSource source) { gauges_.push_back(std::move(source)); }

std::string Metrics::render() const {
    ExpositionWriter out;
    out.family("homelab_assistant_build_info", "Always 1; the labels name the running build.", "gauge");
    out.sample("homelab_assistant_build_info", {{"version", version_}, {"abi", abi_}}, uint64_t{1});
    writeCounters(out, requests_);
    writeHistograms(out, requestSeconds_);
    writeCounters(out, capabilityCalls_);
    writeHistograms(out, capabilitySeconds_);
    writeCounters(out, providerCalls_);
    writeHistograms(out, providerSeconds_);
    writeCounters(out, refusals_);
    out.family("homelab_assistant_audit_write_failures_total",
               "Audit records that could not be written (their answers were withheld).", "counter");
    out.sample("homelab_assistant_audit_write_failures_total", {}, auditFailures_.load(std::memory_order_relaxed));
    for (const GaugeSource& gauge : gauges_) {
        out.family(gauge.name, gauge.help, "gauge");
        for (const auto& [values, value] : gauge.read()) out.sample(gauge.name, labelsOf(gauge.labelNames, values), value);
    }
    writeProcess(out);
    return out.text();
}

void Metrics::writeCounters(ExpositionWriter& out, const Family<Counter>& family) {
    out.family(family.name(), family.help(), "counter");
    family.forEach([&](const LabelValues& values, const Counter& counter) {
        out.sample(family.name(), labelsOf(family.labelNames(), values), counter.value.load(std::memory_order_relaxed));
    });
}

void Metrics::writeHistograms(ExpositionWriter& out, const Family<Histogram>& family) {
    const std::string& name = family.name();
    out.family(name, family.help(), "histogram");
    family.forEach([&](const LabelValues& values, const Histogram& histogram) {
        const Histogram::Snapshot s = histogram.snapshot();
        const Labels labels = labelsOf(family.labelNames(), values);
        for (size_t i = 0; i < s.cumulative.size(); ++i) {
            Labels bucket = labels;
            const bool last = i == histogram.bounds().size();
            bucket.emplace_back("le", last ? "+Inf" : ExpositionWriter::formatNumber(histogram.bounds()[i]));
            out.sample(name + "_bucket", bucket, s.cumulative[i]);
        }
        out.sample(name + "_sum", labels, s.sum);
        out.sample(name + "_count", labels, s.count);
    });
}

Labels Metrics::labelsOf(const std::vector<std::string>& names, const LabelValues& values) {
    Labels labels;
    for (size_t i = 0; i < names.size() && i < values.size(); ++i) labels.emplace_back(names[i], values[i]);
    return labels;
}

void Metrics::writeProcess(ExpositionWriter& out) const {
    const ProcessStats stats = ProcessStats::read();
    out.family("process_start_time_seconds", "Start time of the process since the Unix epoch in seconds.", "gauge");
    out.sample("process_start_time_seconds", {}, startTime_);
    if (stats.valid) {
        out.family("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", "counter");
        out.sample("process_cpu_seconds_total", {}, stats.cpuSeconds);
        out.family("process_resident_memory_bytes", "Resident memory size in bytes.", "gauge");
        out.sample("process_resident_memory_bytes", {}, stats.residentBytes);
        out.family("process_open_fds", "Number of open file descriptors.", "gauge");
        out.sample("process_open_fds", {}, stats.openFds);
        out.family("process_threads", "Number of OS threads in the process.", "gauge");
        out.sample("process_threads", {}, stats.threads);
    }
}

}  // namespace ha::metrics
