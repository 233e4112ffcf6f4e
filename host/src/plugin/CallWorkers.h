// Threads that run plugin calls. Idle workers are reused (starting a thread per call cost about
// 30 us); a new worker starts whenever none is idle, so a call stuck in a plugin never delays
// the others; idle workers end after a minute. Process-wide and never destroyed, because a
// stuck call may still hold its worker when the process exits.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>

namespace ha::plugin {

class CallWorkers {
public:
    static CallWorkers& instance();

    // Hands task to an idle worker or a new one. Throws std::system_error when no thread can start.
    void run(std::function<void()> task);

private:
    CallWorkers() = default;
    void workerLoop();

    std::mutex mutex_;
    std::condition_variable available_;
    std::deque<std::function<void()>> tasks_;
    size_t idle_ = 0;
};

}  // namespace ha::plugin
