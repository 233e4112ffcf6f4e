#include "tools/zfs/ZfsNumbers.h"

#include <cmath>
#include <cstring>
#include <ctime>

namespace ha_plugins::zfs {

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
    return s;
}

std::string squeezed(std::string_view s) {
    std::string out;
    bool space = false;
    for (char c : trimmed(s)) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = true;
            continue;
        }
        if (space && !out.empty()) out += ' ';
        space = false;
        out += c;
    }
    return out;
}

std::optional<uint64_t> parseZfsNumber(std::string_view text, bool* exact) {
    text = trimmed(text);
    if (text.empty() || text.size() > 32) return std::nullopt;
    size_t i = 0;
    uint64_t whole = 0;
    bool digits = false;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
        const uint64_t d = static_cast<uint64_t>(text[i] - '0');
        if (whole > (UINT64_MAX - d) / 10) return std::nullopt;
        whole = whole * 10 + d;
        digits = true;
        ++i;
    }
    if (!digits) return std::nullopt;
    if (i == text.size()) {
        if (exact) *exact = true;
        return whole;
    }
    double value = static_cast<double>(whole);
    if (text[i] == '.' || text[i] == ',') {  // ',' where a locale slipped through
        ++i;
        double scale = 0.1;
        bool fraction = false;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
            value += scale * (text[i] - '0');
            scale /= 10;
            fraction = true;
            ++i;
        }
        if (!fraction) return std::nullopt;
    }
    static const char kUnits[] = "BKMGTPE";
    double multiplier = 1;
    if (i < text.size()) {
        const char* unit = std::strchr(kUnits, text[i]);
        if (unit == nullptr || text[i] == '\0') return std::nullopt;
        multiplier = std::pow(1024.0, static_cast<double>(unit - kUnits));
        ++i;
        if (i < text.size() && text[i] == 'B' && multiplier > 1) ++i;  // "24.8MB" style
    }
    if (i != text.size()) return std::nullopt;
    const double bytes = std::round(value * multiplier);
    if (!(bytes >= 0) || bytes >= 1.8e19) return std::nullopt;
    if (exact) *exact = multiplier == 1 && value == static_cast<double>(whole);
    return static_cast<uint64_t>(bytes);
}

std::optional<double> parsePercent(std::string_view text) {
    text = trimmed(text);
    if (!text.empty() && text.back() == '%') text.remove_suffix(1);
    return parseRatio(text);
}

std::optional<double> parseRatio(std::string_view text) {
    text = trimmed(text);
    if (!text.empty() && text.back() == 'x') text.remove_suffix(1);
    if (text.empty() || text.size() > 32) return std::nullopt;
    std::string copy(text);
    char* end = nullptr;
    const double v = std::strtod(copy.c_str(), &end);
    if (end == copy.c_str() || *end != '\0' || !std::isfinite(v) || v < 0) return std::nullopt;
    return v;
}

namespace {

std::optional<int64_t> parseWith(std::string_view text, const char* format) {
    const std::string copy(trimmed(text));
    if (copy.empty()) return std::nullopt;
    std::tm tm{};
    const char* end = ::strptime(copy.c_str(), format, &tm);
    if (end == nullptr) return std::nullopt;
    while (*end == ' ') ++end;
    if (*end != '\0') return std::nullopt;
    return static_cast<int64_t>(::timegm(&tm));
}

}  // namespace

std::optional<int64_t> parseCtime(std::string_view text) { return parseWith(text, "%a %b %d %H:%M:%S %Y"); }

std::optional<int64_t> parseZfsCreationText(std::string_view text) { return parseWith(text, "%a %b %d %H:%M %Y"); }

}  // namespace ha_plugins::zfs
