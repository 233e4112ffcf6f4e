// Background sampler of /proc/net/dev: requests read the rates between the last two samples
// instead of sleeping (like the cpu plugin's CpuSampler).
#pragma once

#include "tools/network/ProcNet.h"

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace ha_plugins::network {

struct NetSample {
    std::map<std::string, Counters> before, after;
    std::chrono::milliseconds window{0};
    uint64_t sequence = 0;  // 1 for the first pair, then one more per sample: the same pair, the same rates
};

class NetSampler {
public:
    // Takes the first sample now and starts the sampling thread.
    NetSampler(std::string netDevPath, std::chrono::milliseconds interval);
    ~NetSampler();  // stops and joins the thread
    NetSampler(const NetSampler&) = delete;
    NetSampler& operator=(const NetSampler&) = delete;

    // The latest pair of samples; waits (until `until`) for the first one after start-up.
    std::optional<NetSample> latest(std::chrono::steady_clock::time_point until);

private:
    void run();
    std::optional<std::map<std::string, Counters>> read() const;

    std::string path_;
    std::chrono::milliseconds interval_;
    std::mutex mutex_;
    std::condition_variable changed_;
    bool stopping_ = false;
    std::optional<NetSample> latest_;
    std::thread thread_;
};

}  // namespace ha_plugins::network
