#include "metrics/ExpositionWriter.h"

#include <charconv>
#include <cmath>

namespace ha::metrics {

namespace {

// HELP text escapes backslash and line feed only (the format's rule for docstrings).
std::string escapeHelp(std::string_view help) {
    std::string out;
    for (const char c : help) {
        if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

}  // namespace

void ExpositionWriter::family(std::string_view name, std::string_view help, std::string_view type) {
    out_.append("# HELP ").append(name).append(" ").append(escapeHelp(help)).append("\n");
    out_.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void ExpositionWriter::sample(std::string_view name, const Labels& labels, double value) {
    writeName(name, labels);
    out_.append(formatNumber(value)).append("\n");
}

void ExpositionWriter::sample(std::string_view name, const Labels& labels, uint64_t value) {
    writeName(name, labels);
    out_.append(std::to_string(value)).append("\n");
}

void ExpositionWriter::writeName(std::string_view name, const Labels& labels) {
    out_.append(name);
    if (!labels.empty()) {
        out_ += '{';
        for (size_t i = 0; i < labels.size(); ++i) {
            if (i) out_ += ',';
            out_.append(labels[i].first).append("=\"").append(escapeLabelValue(labels[i].second)).append("\"");
        }
        out_ += '}';
    }
    out_ += ' ';
}

std::string ExpositionWriter::escapeLabelValue(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (const char c : value) {
        if (c == '\\') out += "\\\\";
        else if (c == '"') out += "\\\"";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

std::string ExpositionWriter::formatNumber(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
    char buf[32];
    // general: 0.0005 stays fixed (as bucket bounds are usually written), 1.5e-05 goes scientific.
    const auto result = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::general);
    return std::string(buf, result.ptr);
}

}  // namespace ha::metrics
