// Background sampler of /proc/stat: requests read the latest delta instead of sleeping.
#pragma once

#include "tools/cpu/CpuStat.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace ha_plugins::cpu {

struct UsageSnapshot {
    Usage all;
    std::vector<double> coreBusyPercent;
    std::chrono::milliseconds window{0};
};

class CpuSampler {
public:
    // Takes the first sample now and starts the sampling thread.
    CpuSampler(std::string statPath, std::chrono::milliseconds interval);
    ~CpuSampler();  // stops and joins the thread
    CpuSampler(const CpuSampler&) = delete;
    CpuSampler& operator=(const CpuSampler&) = delete;

    // The latest usage; waits (until `until`) for the first one after start-up.
    std::optional<UsageSnapshot> latest(std::chrono::steady_clock::time_point until);

private:
    void run();
    std::optional<StatSample> read() const;

    std::string statPath_;
    std::chrono::milliseconds interval_;
    std::mutex mutex_;
    std::condition_variable changed_;
    bool stopping_ = false;
    std::optional<UsageSnapshot> latest_;
    std::thread thread_;
};

}  // namespace ha_plugins::cpu
