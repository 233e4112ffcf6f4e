// The cpu plugin's answers (answers.h): which questions are about the CPU, its wording of a
// cpu.usage result, and its health checks. Pure: JSON in, JSON out, tested on recorded results.
#pragma once

#include <string>
#include <string_view>

namespace ha_plugins::cpu {

struct CpuThresholds {
    double busyPercent = 90.0;  // usage at or above: warning
    double loadPerCore = 2.0;   // 1-minute load above cores x this: warning
};

std::string cpuProfile();
std::string cpuMatch(std::string_view input);
std::string cpuSummary(std::string_view input);
std::string cpuChecks(std::string_view input, const CpuThresholds& thresholds);

}  // namespace ha_plugins::cpu
