// Numbers and dates as zpool and zfs print them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ha_plugins::zfs {

// A count or size: exact digits ("1234"), or abbreviated with a 1024-based suffix as zfs_nicenum
// prints it ("24.8M", "1.88K", "0B", "512B"). Sets exact=false for abbreviated values. nullopt for
// "-", "none" and anything else.
std::optional<uint64_t> parseZfsNumber(std::string_view text, bool* exact = nullptr);

// A percentage such as "44%", "44", "12.5%"; nullopt for "-".
std::optional<double> parsePercent(std::string_view text);

// A compression or dedup ratio: "1.00x", "1.55"; nullopt for "-".
std::optional<double> parseRatio(std::string_view text);

// ctime() text, as zpool prints dates: "Tue Dec  1 21:02:51 2026" (read as UTC: the plugin runs
// zpool with TZ=UTC). nullopt when it is not in that form.
std::optional<int64_t> parseCtime(std::string_view text);

// zfs-fuse's `zfs list -o creation` minute form "Tue Dec  1 21:02 2026" (UTC likewise).
std::optional<int64_t> parseZfsCreationText(std::string_view text);

std::string_view trimmed(std::string_view s);
// Runs of whitespace (line breaks and tabs included) as one space, trimmed.
std::string squeezed(std::string_view s);

}  // namespace ha_plugins::zfs
