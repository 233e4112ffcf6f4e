#include "metrics/ExpositionWriter.h"
#include "metrics/Histogram.h"
#include "metrics/Metrics.h"
#include "metrics/ProcessStats.h"

#include <cppunit/extensions/HelperMacros.h>

#include <limits>
#include <thread>
#include <vector>

namespace ha::metrics {

class MetricsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(MetricsTest);
    CPPUNIT_TEST(testHistogramBucketsAreCumulativeAndInclusive);
    CPPUNIT_TEST(testHistogramCountsConcurrentObservations);
    CPPUNIT_TEST(testLabelValuesAreEscaped);
    CPPUNIT_TEST(testNumbers);
    CPPUNIT_TEST(testFamilyFoldsSeriesBeyondItsCap);
    CPPUNIT_TEST(testRenderedText);
    CPPUNIT_TEST(testProcessStatLine);
    CPPUNIT_TEST_SUITE_END();

    static bool has(const std::string& text, const std::string& line) { return text.find(line + "\n") != std::string::npos; }

public:
    void testHistogramBucketsAreCumulativeAndInclusive() {
        Histogram h({0.1, 1});
        h.observe(0.1);  // on the bound: counts in le="0.1"
        h.observe(0.5);
        h.observe(3);
        h.observe(-1);  // a clock step: counted as 0
        const Histogram::Snapshot s = h.snapshot();
        CPPUNIT_ASSERT_EQUAL(size_t{3}, s.cumulative.size());
        CPPUNIT_ASSERT_EQUAL(uint64_t{2}, s.cumulative[0]);
        CPPUNIT_ASSERT_EQUAL(uint64_t{3}, s.cumulative[1]);
        CPPUNIT_ASSERT_EQUAL(uint64_t{4}, s.cumulative[2]);
        CPPUNIT_ASSERT_EQUAL(uint64_t{4}, s.count);
        CPPUNIT_ASSERT_DOUBLES_EQUAL(3.6, s.sum, 1e-9);
    }

    void testHistogramCountsConcurrentObservations() {
        Histogram h(Histogram::latencyBounds());
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&h] {
                for (int i = 0; i < 10000; ++i) h.observe(0.002);
            });
        }
        for (auto& t : threads) t.join();
        const Histogram::Snapshot s = h.snapshot();
        CPPUNIT_ASSERT_EQUAL(uint64_t{40000}, s.count);
        CPPUNIT_ASSERT_EQUAL(uint64_t{0}, s.cumulative[1]);      // le 0.001
        CPPUNIT_ASSERT_EQUAL(uint64_t{40000}, s.cumulative[2]);  // le 0.0025
        CPPUNIT_ASSERT_DOUBLES_EQUAL(80.0, s.sum, 1e-6);
    }

    void testLabelValuesAreEscaped() {
        CPPUNIT_ASSERT_EQUAL(std::string("a\\\\b\\\"c\\nd"), ExpositionWriter::escapeLabelValue("a\\b\"c\nd"));
        ExpositionWriter out;
        out.family("x_total", "line one\nback\\slash", "counter");
        out.sample("x_total", {{"k", "v\"1"}}, uint64_t{7});
        CPPUNIT_ASSERT_EQUAL(std::string("# HELP x_total line one\\nback\\\\slash\n# TYPE x_total counter\n"
                                         "x_total{k=\"v\\\"1\"} 7\n"),
                             out.text());
    }

    void testNumbers() {
        CPPUNIT_ASSERT_EQUAL(std::string("0.0005"), ExpositionWriter::formatNumber(0.0005));
        CPPUNIT_ASSERT_EQUAL(std::string("60"), ExpositionWriter::formatNumber(60));
        CPPUNIT_ASSERT_EQUAL(std::string("+Inf"), ExpositionWriter::formatNumber(std::numeric_limits<double>::infinity()));
        CPPUNIT_ASSERT_EQUAL(std::string("NaN"), ExpositionWriter::formatNumber(std::numeric_limits<double>::quiet_NaN()));
        CPPUNIT_ASSERT_EQUAL(0.1, std::stod(ExpositionWriter::formatNumber(0.1)));
    }

    void testFamilyFoldsSeriesBeyondItsCap() {
        Family<Counter> family("c_total", "h", {"a", "b"}, [] { return std::make_unique<Counter>(); }, 2);
        family.with({"1", "x"}).value++;
        family.with({"2", "x"}).value++;
        family.with({"3", "x"}).value++;
        family.with({"4", "x"}).value++;
        family.with({"1", "x"}).value++;  // an existing series still counts as itself
        std::vector<std::string> seen;
        family.forEach([&](const LabelValues& v, const Counter& c) { seen.push_back(v[0] + v[1] + "=" + std::to_string(c.value)); });
        CPPUNIT_ASSERT_EQUAL(size_t{3}, seen.size());
        CPPUNIT_ASSERT_EQUAL(std::string("1x=2"), seen[0]);
        CPPUNIT_ASSERT_EQUAL(std::string("2x=1"), seen[1]);
        CPPUNIT_ASSERT_EQUAL(std::string("otherother=2"), seen[2]);
    }

    void testRenderedText() {
        Metrics m;
        m.setBuildInfo("1.2.3", "1.1");
        m.requestServed("/chat", 200, 0.003);
        m.requestServed("/chat", 200, 0.004);
        m.capabilityCalled("disk.usage", "denied", 0);
        m.providerCalled("offline", "ok", 0.001);
        m.refused("data");
        m.auditWriteFailed();
        m.addGauge({"g", "a gauge", {"plugin"}, [] {
                        return std::vector<std::pair<LabelValues, double>>{{{"cpu"}, 2}};
                    }});
        const std::string text = m.render();
        CPPUNIT_ASSERT(has(text, "homelab_assistant_build_info{version=\"1.2.3\",abi=\"1.1\"} 1"));
        CPPUNIT_ASSERT(has(text, "homelab_assistant_http_requests_total{route=\"/chat\",status=\"200\"} 2"));
        CPPUNIT_ASSERT(has(text, "homelab_assistant_http_request_duration_seconds_bucket{route=\"/chat\",le=\"0.0025\"} 0"));
        CPPUNIT_ASSERT(has(text, "homelab_assistant_http_request_duration_seconds_bucket{route=\"/chat\",le=\"0.005\"} 2"));
        CPPUNIT_ASSERT(has(text, "homelab_assistant_http_request_duration_seconds_bucket{route=\"/chat\",le=\"+Inf\"} 2"));
        CPPUNIT_ASSERT(has(text, "homelab_assistant_http_request_duration_seconds_count{route=\"/chat\"} 2"));
        CPPUNIT_ASSERT(has(text, "homelab_assistant_capability_calls_total{capability=\"disk.usage\",status=\"denied\"} 1"));
        CPPUNIT_ASSERT(has(text, "homelab_assistant_provider_calls_total{provider=\"offline\",outcome=\"ok\"} 1"));
        CPPUNIT_ASSERT(has(text, "homelab_assistant_refusals_total{category=\"data\"} 1"));
        CPPUNIT_ASSERT(has(text, "homelab_assistant_audit_write_failures_total 1"));
        CPPUNIT_ASSERT(has(text, "# TYPE g gauge"));
        CPPUNIT_ASSERT(has(text, "g{plugin=\"cpu\"} 2"));
        CPPUNIT_ASSERT(has(text, "# TYPE process_resident_memory_bytes gauge"));
        // Every family is announced once.
        CPPUNIT_ASSERT_EQUAL(text.find("# TYPE homelab_assistant_http_requests_total"),
                             text.rfind("# TYPE homelab_assistant_http_requests_total"));
    }

    void testProcessStatLine() {
        // /proc/<pid>/stat of a process whose command holds ") (" (the parser cuts at the last ')').
        const std::string line =
            "4242 (odd) (name) S 1 4242 4242 0 -1 4194560 900 0 0 0 250 50 0 0 20 0 7 0 12345 "
            "300000000 4096 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
        const ProcessStats s = ProcessStats::parseStat(line, 100, 4096);
        CPPUNIT_ASSERT(s.valid);
        CPPUNIT_ASSERT_DOUBLES_EQUAL(3.0, s.cpuSeconds, 1e-9);
        CPPUNIT_ASSERT_EQUAL(uint64_t{7}, s.threads);
        CPPUNIT_ASSERT_EQUAL(uint64_t{4096} * 4096, s.residentBytes);
        CPPUNIT_ASSERT(!ProcessStats::parseStat("garbage", 100, 4096).valid);
        CPPUNIT_ASSERT(!ProcessStats::parseStat("1 (x) S 1 2", 100, 4096).valid);
        CPPUNIT_ASSERT(ProcessStats::read().valid);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MetricsTest);

}  // namespace ha::metrics
