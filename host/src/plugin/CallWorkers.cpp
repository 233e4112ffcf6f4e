#include "plugin/CallWorkers.h"

#include <chrono>
#include <pthread.h>
#include <thread>

namespace ha::plugin {

namespace {
constexpr std::chrono::seconds kIdleLifetime{60};
}

CallWorkers& CallWorkers::instance() {
    static CallWorkers* workers = new CallWorkers();  // intentionally never destroyed
    return *workers;
}

void CallWorkers::run(std::function<void()> task) {
    std::unique_lock<std::mutex> lock(mutex_);
    tasks_.push_back(std::move(task));
    if (idle_ >= tasks_.size()) {
        available_.notify_one();
        return;
    }
    try {
        std::thread([this] { workerLoop(); }).detach();
    } catch (...) {
        tasks_.pop_back();
        throw;
    }
}

void CallWorkers::workerLoop() {
    pthread_setname_np(pthread_self(), "ha-plugin-call");
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        if (tasks_.empty()) {
            ++idle_;
            const bool woken = available_.wait_for(lock, kIdleLifetime, [this] { return !tasks_.empty(); });
            --idle_;
            if (!woken) return;
        }
        std::function<void()> task = std::move(tasks_.front());
        tasks_.pop_front();
        lock.unlock();
        task();
        lock.lock();
    }
}

}  // namespace ha::plugin
