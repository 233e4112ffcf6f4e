// The memory plugin's answers (answers.h): questions about RAM and swap, its wording of a
// memory.usage result, and its health checks. Pure: JSON in, JSON out.
#pragma once

#include <string>
#include <string_view>

namespace ha_plugins::memory {

struct MemoryThresholds {
    double usedPercent = 90.0;      // RAM used at or above (ZFS ARC excluded): warning
    double swapUsedPercent = 50.0;  // swap used at or above: warning
};

std::string memoryProfile();
std::string memoryMatch(std::string_view input);
std::string memorySummary(std::string_view input);
std::string memoryChecks(std::string_view input, const MemoryThresholds& thresholds);

}  // namespace ha_plugins::memory
