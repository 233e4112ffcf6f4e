#include "tools/cpu/CpuSampler.h"

#include "common/TextFile.h"

#include <pthread.h>

namespace ha_plugins::cpu {

namespace {
// The first figure is available this soon after start-up; then every `interval`.
constexpr std::chrono::milliseconds kFirstWindow{250};
}  // namespace

CpuSampler::CpuSampler(std::string statPath, std::chrono::milliseconds interval)
    : statPath_(std::move(statPath)), interval_(interval), thread_([this] { run(); }) {}

CpuSampler::~CpuSampler() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    thread_.join();
}

std::optional<StatSample> CpuSampler::read() const {
    auto text = readTextFile(statPath_, 1024 * 1024);
    return text ? parseStat(*text) : std::nullopt;
}

void CpuSampler::run() {
    pthread_setname_np(pthread_self(), "ha-cpu-sampler");
    std::optional<StatSample> previous = read();
    auto previousAt = std::chrono::steady_clock::now();
    std::chrono::milliseconds wait = std::min(kFirstWindow, interval_);
    std::unique_lock<std::mutex> lock(mutex_);
    while (!changed_.wait_for(lock, wait, [this] { return stopping_; })) {
        wait = interval_;
        lock.unlock();
        std::optional<StatSample> current = read();
        const auto now = std::chrono::steady_clock::now();
        std::optional<UsageSnapshot> snapshot;
        if (previous && current) {
            UsageSnapshot s;
            s.all = usageBetween(previous->all, current->all);
            for (size_t i = 0; i < current->cores.size() && i < previous->cores.size(); ++i) {
                s.coreBusyPercent.push_back(usageBetween(previous->cores[i], current->cores[i]).busyPercent);
            }
            s.window = std::chrono::duration_cast<std::chrono::milliseconds>(now - previousAt);
            snapshot = s;
        }
        previous = current;
        previousAt = now;
        lock.lock();
        if (snapshot) {
            latest_ = snapshot;
            changed_.notify_all();
        }
    }
}

std::optional<UsageSnapshot> CpuSampler::latest(std::chrono::steady_clock::time_point until) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_until(lock, until, [this] { return latest_.has_value() || stopping_; });
    return latest_;
}

}  // namespace ha_plugins::cpu
