#include "plugin/CallRunner.h"

#include "plugin/CallWorkers.h"

#include <array>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <system_error>

namespace ha::plugin {

namespace {

// Grace after the deadline for a plugin that honours it to report HA_ERR_TIMEOUT itself.
constexpr std::chrono::milliseconds kGrace{100};
// How often a waiting caller looks at its cancel token.
constexpr std::chrono::milliseconds kCancelPoll{50};

// A host-owned sink. Locked, because a misbehaving plugin may write from any thread, also after
// the call returned; closed sinks ignore writes.
struct SinkBuffer {
    std::mutex mutex;
    std::string data;
    size_t limit = 0;
    bool truncateOnOverflow = false;
    bool overflowed = false;
    bool closed = false;

    static int32_t write(void* ctx, const char* bytes, size_t len) {
        auto* self = static_cast<SinkBuffer*>(ctx);
        std::lock_guard<std::mutex> lock(self->mutex);
        if (self->closed) return HA_ERR_INVALID_ARGUMENT;
        if (len == 0) return HA_OK;
        if (bytes == nullptr) return HA_ERR_INVALID_ARGUMENT;
        if (self->overflowed) return HA_ERR_TOO_LARGE;
        if (len > self->limit - self->data.size()) {
            self->overflowed = true;
            if (!self->truncateOnOverflow) return HA_ERR_TOO_LARGE;
            self->data.append(bytes, self->limit - self->data.size());
            return HA_OK;
        }
        self->data.append(bytes, len);
        return HA_OK;
    }

    // Takes the content and closes the sink for good.
    std::string close() {
        std::lock_guard<std::mutex> lock(mutex);
        closed = true;
        std::string out = std::move(data);
        data.clear();
        data.shrink_to_fit();
        return out;
    }
};

// Everything the plugin may touch during the call; shared by the caller and the call thread.
struct CallState {
    std::mutex mutex;
    std::condition_variable finished;
    bool done = false;
    bool abandoned = false;
    int32_t status = HA_ERR_INTERNAL;
    bool threw = false;

    std::string input;
    CallContext context;
    SinkBuffer out, err;
    ha_sink outSink{}, errSink{}, streamSink{};
    std::mutex streamMutex;  // held while text is handed to context.onText
    bool streamClosed = false;
    ha_call call{};
    std::shared_ptr<std::atomic<int>> stuck;

    static int32_t isCancelled(void* ctx) {
        auto* self = static_cast<CallState*>(ctx);
        {
            std::lock_guard<std::mutex> lock(self->mutex);
            if (self->abandoned) return 1;
        }
        return self->context.cancelled() ? 1 : 0;
    }

    static int32_t writeStream(void* ctx, const char* bytes, size_t len) {
        auto* self = static_cast<CallState*>(ctx);
        if (len == 0) return HA_OK;
        if (bytes == nullptr) return HA_ERR_INVALID_ARGUMENT;
        std::lock_guard<std::mutex> lock(self->streamMutex);
        if (self->streamClosed) return HA_ERR_INVALID_ARGUMENT;
        self->context.onText(std::string_view(bytes, len));
        return HA_OK;
    }

    // After this, no text reaches the caller's onText any more.
    void closeStream() {
        std::lock_guard<std::mutex> lock(streamMutex);
        streamClosed = true;
    }
};

// Calls abandoned at their deadline that returned late stay here for a while with their sinks
// closed, so that a plugin that writes to a sink after its call returned hits a closed sink
// instead of freed memory.
class Quarantine {
public:
    static Quarantine& instance() {
        static Quarantine* q = new Quarantine();  // never destroyed: late writers may come at exit
        return *q;
    }
    void keep(std::shared_ptr<CallState> state) {
        const auto now = std::chrono::steady_clock::now();
        std::lock_guard<std::mutex> lock(mutex_);
        retired_.push_back({now, std::move(state)});
        while (!retired_.empty() &&
               (retired_.size() > kMaxKept || now - retired_.front().at > kRetention)) {
            retired_.pop_front();
        }
    }

private:
    static constexpr size_t kMaxKept = 1024;
    static constexpr std::chrono::seconds kRetention{30};
    struct Entry {
        std::chrono::steady_clock::time_point at;
        std::shared_ptr<CallState> state;
    };
    std::mutex mutex_;
    std::deque<Entry> retired_;
};

// The same protection for the calls that returned in time, kept by the thread that made them:
// its last kKept calls (with 32 workers about as many as one shared deque kept; 128 each cost
// 2 MiB), with their sinks closed and their input released. No lock shared by every plugin call
// (thirteen per offline answer), and each state is freed by the thread that allocated it, so no
// other thread's malloc arena is locked for it.
class RecentCalls {
public:
    static void keep(std::shared_ptr<CallState> state) {
        static const char kNoInput[] = "";
        // The input is the plugin's only during the call; a late reader finds it empty.
        state->call.input = kNoInput;
        state->call.input_len = 0;
        std::string().swap(state->input);
        thread_local RecentCalls recent;
        recent.calls_[recent.next_] = std::move(state);
        recent.next_ = (recent.next_ + 1) % kKept;
    }

private:
    static constexpr size_t kKept = 32;
    std::array<std::shared_ptr<CallState>, kKept> calls_;
    size_t next_ = 0;
};

void runCall(const std::shared_ptr<CallState>& state, const PluginFunction& fn) {
    int32_t status = HA_ERR_INTERNAL;
    bool threw = false;
    try {
        status = fn(&state->call);
    } catch (...) {
        threw = true;
    }
    std::lock_guard<std::mutex> lock(state->mutex);
    state->status = status;
    state->threw = threw;
    state->done = true;
    if (state->abandoned) {
        state->stuck->fetch_sub(1);
        state->out.close();
        state->err.close();
        Quarantine::instance().keep(state);
    }
    state->finished.notify_all();
}

std::shared_ptr<CallState> prepare(std::string input, Deadline deadline, const CallContext& context,
                                   const CallLimits& limits, uint32_t callFlags) {
    auto state = std::make_shared<CallState>();
    state->input = std::move(input);
    state->context = context;
    state->out.limit = limits.maxOutputBytes;
    state->err.limit = limits.maxErrorBytes;
    state->err.truncateOnOverflow = true;
    state->outSink = ha_sink{sizeof(ha_sink), 0, &state->out, &SinkBuffer::write};
    state->errSink = ha_sink{sizeof(ha_sink), 0, &state->err, &SinkBuffer::write};
    state->streamSink = ha_sink{sizeof(ha_sink), 0, state.get(), &CallState::writeStream};
    state->call = ha_call{sizeof(ha_call),
                          0,
                          deadline.ns(),
                          state->input.c_str(),
                          state->input.size(),
                          &state->outSink,
                          &state->errSink,
                          state->context.requestId.c_str(),
                          state.get(),
                          &CallState::isCancelled,
                          state->context.onText ? &state->streamSink : nullptr,
                          callFlags,
                          0};
    return state;
}

// Waits until the call is done, the deadline (plus grace) passed or the caller cancelled.
// Returns with the state's mutex held in `lock`.
bool waitForCall(CallState& state, std::unique_lock<std::mutex>& lock, Deadline deadline, bool& cancelled) {
    const auto until = std::chrono::steady_clock::now() + deadline.remaining() + kGrace;
    for (;;) {
        if (state.done) return true;
        if (state.context.cancel) {
            lock.unlock();
            cancelled = state.context.cancelled();
            lock.lock();
            if (state.done) return true;
            if (cancelled) return false;
        }
        const auto now = std::chrono::steady_clock::now();
        if (now >= until) return false;
        const auto step = state.context.cancel ? std::min<std::chrono::steady_clock::duration>(until - now, kCancelPoll)
                                               : until - now;
        state.finished.wait_for(lock, step, [&] { return state.done; });
    }
}

// The call's outcome from its closed sinks, checked against the ABI's rules.
void collect(CallState& state, CallOutcome& outcome, const CallLimits& limits) {
    outcome.status = state.status;
    outcome.threw = state.threw;
    {
        std::lock_guard<std::mutex> sinkLock(state.out.mutex);
        outcome.overflowed = state.out.overflowed;
    }
    outcome.output = state.out.close();
    bool errorCut = false;
    {
        std::lock_guard<std::mutex> sinkLock(state.err.mutex);
        errorCut = state.err.overflowed;
    }
    outcome.error = state.err.close();
    // Marks the cut: the Redactor masks the head of a secret the cut may have left there.
    if (errorCut) outcome.error += "...";
    if (outcome.threw) {
        outcome.status = HA_ERR_INTERNAL;
        outcome.error = "the plugin let an exception escape through the C ABI";
    } else if (outcome.overflowed) {
        outcome.status = HA_ERR_TOO_LARGE;  // whatever the plugin returned: its output is incomplete
        outcome.output.clear();
        outcome.error = "the plugin's output exceeded " + std::to_string(limits.maxOutputBytes) + " bytes";
    } else if (outcome.status > 0) {
        outcome.status = HA_ERR_INTERNAL;  // the ABI has no positive codes
        outcome.error = "the plugin returned an invalid status code";
    }
}

}  // namespace

CallRunner::CallRunner(CallLimits limits) : limits_(limits), stuck_(std::make_shared<std::atomic<int>>(0)) {}

CallOutcome CallRunner::run(PluginFunction fn, std::string input, Deadline deadline, const CallContext& context,
                            CallThread thread, uint32_t callFlags) {
    CallOutcome outcome;
    const int stuck = stuck_->load();
    if (stuck >= limits_.maxStuckCalls) {
        outcome.status = HA_ERR_UNAVAILABLE;
        outcome.refused = true;
        outcome.error = "the plugin is unresponsive: " + std::to_string(stuck) +
                        " earlier calls are still running past their deadline";
        return outcome;
    }
    if (context.cancelled()) {
        outcome.status = HA_ERR_TIMEOUT;
        outcome.cancelled = true;
        outcome.error = "the caller gave up before the call started";
        return outcome;
    }

    std::shared_ptr<CallState> state = prepare(std::move(input), deadline, context, limits_, callFlags);
    state->stuck = stuck_;
    if (thread == CallThread::Caller) {
        runCall(state, fn);
        state->closeStream();
        collect(*state, outcome, limits_);
        RecentCalls::keep(std::move(state));
        if (Deadline::nowNs() > deadline.ns() + static_cast<uint64_t>(std::chrono::nanoseconds(kGrace).count())) {
            outcome = CallOutcome{};
            outcome.status = HA_ERR_TIMEOUT;
            outcome.timedOut = true;
            outcome.overran = true;
            outcome.error = "the plugin returned after the deadline";
        }
        return outcome;
    }
    try {
        CallWorkers::instance().run([state, fn = std::move(fn)] { runCall(state, fn); });
    } catch (const std::system_error& e) {
        outcome.status = HA_ERR_UNAVAILABLE;
        outcome.refused = true;
        outcome.error = std::string("cannot start a call thread: ") + e.what();
        return outcome;
    }

    std::unique_lock<std::mutex> lock(state->mutex);
    bool cancelled = false;
    const bool done = waitForCall(*state, lock, deadline, cancelled);
    if (!done) {
        state->abandoned = true;
        stuck_->fetch_add(1);
        lock.unlock();
        state->closeStream();
        outcome.status = HA_ERR_TIMEOUT;
        outcome.timedOut = !cancelled;
        outcome.cancelled = cancelled;
        outcome.error = cancelled ? "the caller gave up" : "the plugin did not return before the deadline";
        return outcome;
    }
    lock.unlock();
    state->closeStream();
    collect(*state, outcome, limits_);
    RecentCalls::keep(std::move(state));
    return outcome;
}


}  // namespace ha::plugin
