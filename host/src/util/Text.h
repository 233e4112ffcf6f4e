// Small text helpers shared by the host: case, trimming, UTF-8, human-readable figures.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ha::text {

std::string toLower(std::string_view s);
std::string trim(std::string_view s);
bool startsWith(std::string_view s, std::string_view prefix);

// True when s is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool isValidUtf8(std::string_view s);
// Number of code points in valid UTF-8.
size_t utf8Length(std::string_view s);
// At most maxBytes bytes of s, cut on a code point boundary.
std::string truncateUtf8(std::string_view s, size_t maxBytes);
// Replaces control characters (except \n and \t) by spaces and caps the length: safe for logs.
std::string sanitizeForLog(std::string_view s, size_t maxBytes = 1024);

// "1.5 GiB", "512 MiB", "0 B".
std::string humanBytes(uint64_t bytes);
// "3 days 4 h", "5 h 12 min", "42 s".
std::string humanDuration(uint64_t seconds);
// Fixed-point number: formatNumber(12.345, 1) == "12.3".
std::string formatNumber(double value, int decimals);

}  // namespace ha::text
