// Writes the Prometheus text exposition format 0.0.4: # HELP and # TYPE once per family, then
// its samples, label values escaped (backslash, double quote, line feed).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ha::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

class ExpositionWriter {
public:
    static constexpr const char* contentType = "text/plain; version=0.0.4; charset=utf-8";

    // type: "counter", "gauge", "histogram".
    void family(std::string_view name, std::string_view help, std::string_view type);
    void sample(std::string_view name, const Labels& labels, double value);
    void sample(std::string_view name, const Labels& labels, uint64_t value);

    const std::string& text() const { return out_; }

    static std::string escapeLabelValue(std::string_view value);
    // Shortest text that reads back as the same double; +Inf, -Inf, NaN as Prometheus spells them.
    static std::string formatNumber(double value);

private:
    void writeName(std::string_view name, const Labels& labels);

    std::string out_;
};

}  // namespace ha::metrics
