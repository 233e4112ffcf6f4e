// Plain-language figures for the answers the in-tree plugins write: sizes, durations, percents,
// lists. Deterministic: the same numbers always give the same words.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ha_plugins::wording {

// "1.50 GiB", "512 MiB", "0 B" (2 decimals below 10, 1 below 100, none above).
std::string bytes(uint64_t n);
// "3 days 4 h", "5 h 12 min", "42 s".
std::string duration(uint64_t seconds);
// Fixed-point: number(12.345, 1) == "12.3"; "n/a" when not finite.
std::string number(double value, int decimals);
// "4.5%" below 10, "93%" above.
std::string percent(double value);
// "1 container", "3 containers".
std::string count(uint64_t n, const std::string& one, const std::string& many);
// "a", "a and b", "a, b and c".
std::string list(const std::vector<std::string>& items);
// Upper-cases the first letter (ASCII).
std::string sentence(std::string text);

}  // namespace ha_plugins::wording
