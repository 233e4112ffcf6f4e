// The disk plugin's answers (answers.h): questions about free space, its wording of a
// disk.usage result, and its health checks. Pure: JSON in, JSON out.
#pragma once

#include <string>
#include <string_view>

namespace ha_plugins::disk {

struct DiskThresholds {
    double warningPercent = 90.0;   // a filesystem used at or above: warning
    double criticalPercent = 95.0;  // ... at or above: critical
    double inodePercent = 90.0;     // inodes used at or above: warning
};

std::string diskProfile();
std::string diskMatch(std::string_view input);
std::string diskSummary(std::string_view input, const DiskThresholds& thresholds);
std::string diskChecks(std::string_view input, const DiskThresholds& thresholds);

}  // namespace ha_plugins::disk
