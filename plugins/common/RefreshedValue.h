// A value a plugin reads from something that can be slow or hang (a daemon's socket, the system
// bus), kept in memory and read again on a thread of its own. get() answers from memory while
// the value is younger than the ttl; an older one is read again, and get() waits for that read
// no longer than `wait`, then answers with what it has. So a function that needs such a value
// (match() recognising container or unit names) is bounded however the daemon behaves and can be
// declared instant (answers.h): the host calls it on its own thread, with no hand-off to a call
// thread, and nearly every call answers from memory. A read that throws leaves an empty value
// (nothing is known), as the old one may be gone. The thread starts with the first get() and
// stops with the object (after a read in progress).
#pragma once

#include <chrono>
#include <cstdint>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace ha_plugins {

template <typename T>
class RefreshedValue {
public:
    using Read = std::function<T()>;

    RefreshedValue(Read read, std::chrono::milliseconds ttl, std::chrono::milliseconds wait)
        : read_(std::move(read)), ttl_(ttl), wait_(wait) {}
    RefreshedValue(const RefreshedValue&) = delete;
    RefreshedValue& operator=(const RefreshedValue&) = delete;

    ~RefreshedValue() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stopping_ = true;
        }
        changed_.notify_all();
        if (thread_.joinable()) thread_.join();
    }

    // The value, read at most ttl ago if the read answers within `wait` (never null; empty
    // while no read has finished).
    std::shared_ptr<const T> get() {
        std::unique_lock<std::mutex> lock(mutex_);
        if (value_ && std::chrono::steady_clock::now() - readAt_ < ttl_) return value_;
        if (!thread_.joinable()) thread_ = std::thread([this] { loop(); });
        wanted_ = true;
        changed_.notify_all();
        const uint64_t before = reads_;
        changed_.wait_for(lock, wait_, [&] { return reads_ != before; });
        return value_ ? value_ : std::make_shared<const T>();
    }

    // A value read elsewhere (a capability that just listed the same things): kept as if read now.
    void put(T value) {
        auto fresh = std::make_shared<const T>(std::move(value));
        std::lock_guard<std::mutex> lock(mutex_);
        value_ = std::move(fresh);
        readAt_ = std::chrono::steady_clock::now();
    }

private:
    void loop() {
        std::unique_lock<std::mutex> lock(mutex_);
        while (true) {
            changed_.wait(lock, [this] { return wanted_ || stopping_; });
            if (stopping_) return;
            wanted_ = false;
            lock.unlock();
            std::shared_ptr<const T> fresh;
            try {
                fresh = std::make_shared<const T>(read_());
            } catch (...) {
                fresh = std::make_shared<const T>();
            }
            lock.lock();
            value_ = std::move(fresh);
            readAt_ = std::chrono::steady_clock::now();
            ++reads_;
            wanted_ = false;  // whoever asked during the read has this one
            changed_.notify_all();
        }
    }

    const Read read_;
    const std::chrono::milliseconds ttl_;
    const std::chrono::milliseconds wait_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::shared_ptr<const T> value_;
    std::chrono::steady_clock::time_point readAt_{};
    uint64_t reads_ = 0;  // reads finished
    bool wanted_ = false;
    bool stopping_ = false;
    std::thread thread_;  // last: started after everything it reads exists
};

}  // namespace ha_plugins
