#include "tools/network/NetSampler.h"

#include "common/TextFile.h"

#include <pthread.h>

namespace ha_plugins::network {

namespace {
// The first rates are available this soon after start-up; then every `interval`.
constexpr std::chrono::milliseconds kFirstWindow{250};
}  // namespace

NetSampler::NetSampler(std::string netDevPath, std::chrono::milliseconds interval)
    : path_(std::move(netDevPath)), interval_(interval), thread_([this] { run(); }) {}

NetSampler::~NetSampler() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    thread_.join();
}

std::optional<std::map<std::string, Counters>> NetSampler::read() const {
    auto text = readTextFile(path_, 4 * 1024 * 1024);
    if (!text) return std::nullopt;
    return parseNetDev(*text);
}

void NetSampler::run() {
    pthread_setname_np(pthread_self(), "ha-net-sampler");
    auto previous = read();
    auto previousAt = std::chrono::steady_clock::now();
    std::chrono::milliseconds wait = std::min(kFirstWindow, interval_);
    uint64_t sequence = 0;
    std::unique_lock<std::mutex> lock(mutex_);
    while (!changed_.wait_for(lock, wait, [this] { return stopping_; })) {
        wait = interval_;
        lock.unlock();
        auto current = read();
        const auto now = std::chrono::steady_clock::now();
        std::optional<NetSample> sample;
        if (previous && current) {
            sample = NetSample{*previous, *current, std::chrono::duration_cast<std::chrono::milliseconds>(now - previousAt),
                               ++sequence};
        }
        previous = std::move(current);
        previousAt = now;
        lock.lock();
        if (sample) {
            latest_ = std::move(sample);
            changed_.notify_all();
        }
    }
}

std::optional<NetSample> NetSampler::latest(std::chrono::steady_clock::time_point until) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_until(lock, until, [this] { return latest_.has_value() || stopping_; });
    return latest_;
}

}  // namespace ha_plugins::network
