// Parsing of /proc/meminfo and of the ZFS ARC size in /proc/spl/kstat/zfs/arcstats.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace ha_plugins::memory {

struct MemInfo {
    uint64_t total = 0, free = 0, available = 0, buffers = 0, cached = 0;
    uint64_t swapTotal = 0, swapFree = 0;
};

// Bytes (meminfo reports kB); nullopt without MemTotal. Without MemAvailable (kernels before
// 3.14) available is estimated as free + buffers + cached.
std::optional<MemInfo> parseMemInfo(const std::string& text);
// The "size" row of arcstats, in bytes.
std::optional<uint64_t> parseArcSize(const std::string& text);

}  // namespace ha_plugins::memory
