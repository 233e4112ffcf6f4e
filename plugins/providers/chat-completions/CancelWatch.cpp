#include "providers/chat-completions/CancelWatch.h"

#include <homelab_assistant/plugin.hpp>

#include <sys/socket.h>

namespace ha_plugins::providers {

CancelWatch::CancelWatch(int fd, std::function<bool()> cancelled, uint64_t deadlineNs, std::chrono::milliseconds slice)
    : fd_(fd), cancelled_(std::move(cancelled)), deadlineNs_(deadlineNs), slice_(slice), thread_([this] { watch(); }) {}

CancelWatch::~CancelWatch() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    stop_.notify_all();
    thread_.join();
}

CancelWatch::Reason CancelWatch::fired() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return fired_;
}

void CancelWatch::watch() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
        Reason reason = Reason::None;
        if (homelab_assistant::monotonicNowNs() >= deadlineNs_) {
            reason = Reason::Deadline;
        } else {
            lock.unlock();
            const bool gaveUp = cancelled_ && cancelled_();
            lock.lock();
            if (stopping_) return;
            if (gaveUp) reason = Reason::Cancelled;
        }
        if (reason != Reason::None) {
            fired_ = reason;
            // The owner still holds the socket open, so fd_ is this exchange's socket.
            ::shutdown(fd_, SHUT_RDWR);
            return;
        }
        stop_.wait_for(lock, slice_);
    }
}

}  // namespace ha_plugins::providers
