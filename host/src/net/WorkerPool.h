// The bounded pool of worker threads (server.threads) that run request handlers. It only ever
// receives complete requests from the event loops, so a worker's time is spent on handlers, not
// on waiting for clients. Jobs wait in one FIFO queue of at most server.max_queued (a full queue
// makes the loop answer 503); each connection has at most one request in flight, so the queue
// is also bounded by the connection cap.
//
// Waking a sleeping thread costs two context switches, more than a /health request itself, so
// the pool keeps as few workers awake as the work needs: a job wakes a worker only while fewer
// than `eagerWorkers` are awake; an awake worker takes the next job as soon as it finishes its
// current one. Handlers can block for seconds (a language model, a slow plugin), so when a job
// has waited longer than kStallNs and no job finished (and nobody was woken) for as long, the
// awake workers are taken to be stuck and one more is woken (checked on every submit and by the
// event loops through wakeIfStalled()). A merely busy pool keeps finishing jobs and is left alone:
// more threads than cores would only add context switches.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
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

    WorkerPool(size_t threads, size_t maxQueued, size_t eagerWorkers, Run run);
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    void start();
    // False when the queue is full or the pool is stopping.
    bool submit(std::shared_ptr<Exchange> job);
    // Wakes one more worker when the oldest job has waited too long; true while jobs wait.
    bool wakeIfStalled();
    // No new jobs; the queued ones still run; then joins every worker (running handlers finish).
    void stop();

    size_t threads() const { return threadCount_; }

    static constexpr uint64_t kStallNs = 1000000;  // 1 ms

private:
    struct Job {
        std::shared_ptr<Exchange> exchange;
        uint64_t queuedNs;
    };
    void work(size_t index);
    // Under the lock: hands a wake-up to one sleeping worker; true when the caller must notify.
    bool wakeOneLocked();
    bool stalledLocked(uint64_t nowNs) const;

    const size_t threadCount_;
    const size_t maxQueued_;
    const size_t eagerWorkers_;
    const Run run_;
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<Job> queue_;
    size_t awake_ = 0;     // running a job, looking for one, or woken and about to
    size_t sleeping_ = 0;  // waiting for a wake-up
    size_t wakeups_ = 0;   // handed out, not yet taken by a sleeping worker
    uint64_t lastProgressNs_ = 0;  // a job finished or a worker was woken
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace ha::net
