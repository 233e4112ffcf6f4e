// The bounded pool of worker threads (server.threads) that run request handlers. It only ever
// receives complete requests from the event loops, so a worker's time is spent on handlers, not
// on waiting for clients. Jobs wait in one FIFO queue of at most server.max_queued (a full queue
// makes the loop answer 503); each connection has at most one request in flight, so the queue
// is also bounded by the connection cap.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace ha::net {

class Exchange;

class WorkerPool {
public:
    using Run = std::function<void(const std::shared_ptr<Exchange>&)>;

    WorkerPool(size_t threads, size_t maxQueued, Run run);
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    void start();
    // False when the queue is full or the pool is stopping.
    bool submit(std::shared_ptr<Exchange> job);
    // No new jobs; the queued ones still run; then joins every worker (running handlers finish).
    void stop();

    size_t threads() const { return threadCount_; }

private:
    void work(size_t index);

    const size_t threadCount_;
    const size_t maxQueued_;
    const Run run_;
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::shared_ptr<Exchange>> queue_;
    size_t idle_ = 0;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace ha::net
