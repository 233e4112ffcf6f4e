// Parsing of /proc/stat, /proc/loadavg, /proc/uptime and /proc/cpuinfo.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ha_plugins::cpu {

struct CpuTimes {
    uint64_t total = 0;   // all ticks (guest time is already part of user/nice)
    uint64_t idle = 0;    // idle + iowait
    uint64_t iowait = 0;
};

struct StatSample {
    CpuTimes all;
    std::vector<CpuTimes> cores;
};

struct Usage {
    double busyPercent = 0;
    double iowaitPercent = 0;
};

struct LoadAverage {
    double one = 0, five = 0, fifteen = 0;
};

// nullopt when the text has no aggregate "cpu " line.
std::optional<StatSample> parseStat(const std::string& text);
// Busy share between two samples; 0 when no time passed.
Usage usageBetween(const CpuTimes& before, const CpuTimes& after);
std::optional<LoadAverage> parseLoadAverage(const std::string& text);
std::optional<double> parseUptime(const std::string& text);
// First "model name" (x86) or "Model"/"Hardware" (ARM) value; "" when absent.
std::string parseModelName(const std::string& cpuinfo);

}  // namespace ha_plugins::cpu
