#include "net/WorkerPool.h"

#include "net/Exchange.h"
#include "util/Deadline.h"

#include <pthread.h>

#include <algorithm>

#include <string>

namespace ha::net {

WorkerPool::WorkerPool(size_t threads, size_t maxQueued, size_t eagerWorkers, Run run)
    : threadCount_(threads), maxQueued_(maxQueued), eagerWorkers_(std::max<size_t>(1, eagerWorkers)),
      run_(std::move(run)) {}

WorkerPool::~WorkerPool() { stop(); }

void WorkerPool::start() {
    std::lock_guard<std::mutex> lock(mutex_);
    awake_ = threadCount_;  // each one goes to sleep when it finds no work
    threads_.reserve(threadCount_);
    for (size_t i = 0; i < threadCount_; ++i) threads_.emplace_back([this, i] { work(i); });
}

bool WorkerPool::wakeOneLocked() {
    if (sleeping_ == 0) return false;
    --sleeping_;
    ++awake_;
    ++wakeups_;
    lastProgressNs_ = Deadline::nowNs();
    return true;
}

bool WorkerPool::stalledLocked(uint64_t nowNs) const {
    return !queue_.empty() && nowNs - queue_.front().queuedNs > kStallNs && nowNs - lastProgressNs_ > kStallNs;
}

bool WorkerPool::submit(std::shared_ptr<Exchange> job) {
    bool notify = false;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_ || queue_.size() >= maxQueued_) return false;
        const uint64_t now = Deadline::nowNs();
        queue_.push_back({std::move(job), now});
        if (awake_ < eagerWorkers_ || stalledLocked(now)) notify = wakeOneLocked();
    }
    if (notify) ready_.notify_one();
    return true;
}

bool WorkerPool::wakeIfStalled() {
    bool notify = false, waiting;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        waiting = !queue_.empty();
        if (waiting && stalledLocked(Deadline::nowNs())) notify = wakeOneLocked();
    }
    if (notify) ready_.notify_one();
    return waiting;
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
        if (!queue_.empty()) {
            Job job = std::move(queue_.front());
            queue_.pop_front();
            lock.unlock();
            run_(job.exchange);
            job.exchange.reset();
            lock.lock();
            lastProgressNs_ = Deadline::nowNs();
            continue;
        }
        if (stopping_) return;
        --awake_;
        ++sleeping_;
        ready_.wait(lock, [this] { return wakeups_ > 0 || stopping_; });
        if (wakeups_ > 0) {
            --wakeups_;  // the waker already counted us awake
        } else {
            --sleeping_;  // stopping
            ++awake_;
        }
    }
}

}  // namespace ha::net
