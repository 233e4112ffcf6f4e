// Whether the caller of a request has given up. The server cancels it when the client goes away
// or the server stops; plugins see it through ha_call.is_cancelled; the host stops waiting on a
// plugin call once it is cancelled. [thread-safe]
#pragma once

#include <atomic>
#include <functional>
#include <memory>

namespace ha {

class CancelToken {
public:
    void cancel() noexcept { cancelled_.store(true, std::memory_order_release); }

    // An optional check run by cancelled() (for example "has the client closed its socket?");
    // it must be thread-safe and cheap. Set before the token is shared.
    void setProbe(std::function<bool()> probe) { probe_ = std::move(probe); }

    bool cancelled() const {
        if (cancelled_.load(std::memory_order_acquire)) return true;
        if (probe_ && probe_()) {
            cancelled_.store(true, std::memory_order_release);
            return true;
        }
        return false;
    }

private:
    mutable std::atomic<bool> cancelled_{false};
    std::function<bool()> probe_;
};

}  // namespace ha
