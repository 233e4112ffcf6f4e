#include "net/WorkerPool.h"

#include "net/Exchange.h"

#include <pthread.h>

#include <string>

namespace ha::net {

WorkerPool::WorkerPool(size_t threads, size_t maxQueued, Run run)
    : threadCount_(threads), maxQueued_(maxQueued), run_(std::move(run)) {}

WorkerPool::~WorkerPool() { stop(); }

void WorkerPool::start() {
    threads_.reserve(threadCount_);
    for (size_t i = 0; i < threadCount_; ++i) threads_.emplace_back([this, i] { work(i); });
}

bool WorkerPool::submit(std::shared_ptr<Exchange> job) {
    bool wake;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_ || queue_.size() >= maxQueued_) return false;
        queue_.push_back(std::move(job));
        wake = idle_ > 0;
    }
    if (wake) ready_.notify_one();
    return true;
}

void WorkerPool::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    ready_.notify_all();
    for (auto& t : threads_) {
        if (t.joinable()) t.join();
    }
    threads_.clear();
}

void WorkerPool::work(size_t index) {
    const std::string name = "ha-worker-" + std::to_string(index);
    pthread_setname_np(pthread_self(), name.c_str());
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        if (queue_.empty()) {
            if (stopping_) return;
            ++idle_;
            ready_.wait(lock, [this] { return !queue_.empty() || stopping_; });
            --idle_;
            continue;
        }
        std::shared_ptr<Exchange> job = std::move(queue_.front());
        queue_.pop_front();
        lock.unlock();
        run_(job);
        job.reset();
        lock.lock();
    }
}

}  // namespace ha::net
