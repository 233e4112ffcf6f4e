#include "plugin/PluginCall.h"

#include "plugin/CallWorkers.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <system_error>

namespace ha::plugin {

namespace {

// Grace after the deadline for a plugin that honours it to report HA_ERR_TIMEOUT itself.
constexpr std::chrono::milliseconds kGrace{100};

struct SinkBuffer {
    std::string data;
    size_t limit = 0;
    bool truncateOnOverflow = false;

    static int32_t write(void* ctx, const char* bytes, size_t len) {
        auto* self = static_cast<SinkBuffer*>(ctx);
        if (len == 0) return HA_OK;
        if (bytes == nullptr) return HA_ERR_INVALID_ARGUMENT;
        if (self->data.size() + len > self->limit) {
            if (!self->truncateOnOverflow) return HA_ERR_TOO_LARGE;
            self->data.append(bytes, self->limit - self->data.size());
            return HA_OK;
        }
        self->data.append(bytes, len);
        return HA_OK;
    }
};

int32_t neverCancelled(void*) { return 0; }

// Everything the plugin may touch during the call; shared by the caller and the call thread.
struct CallState {
    std::mutex mutex;
    std::condition_variable finished;
    bool done = false;
    bool abandoned = false;
    int32_t status = HA_ERR_INTERNAL;
    bool threw = false;

    std::string input;
    SinkBuffer out, err;
    ha_sink outSink{}, errSink{};
    ha_call call{};
    std::shared_ptr<std::atomic<int>> stuck;
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
    if (state->abandoned) state->stuck->fetch_sub(1);
    state->finished.notify_all();
}

}  // namespace

CallRunner::CallRunner(CallLimits limits) : limits_(limits), stuck_(std::make_shared<std::atomic<int>>(0)) {}

CallOutcome CallRunner::run(PluginFunction fn, std::string input, Deadline deadline) {
    CallOutcome outcome;
    const int stuck = stuck_->load();
    if (stuck >= limits_.maxStuckCalls) {
        outcome.status = HA_ERR_UNAVAILABLE;
        outcome.refused = true;
        outcome.error = "the plugin is unresponsive: " + std::to_string(stuck) +
                        " earlier calls are still running past their deadline";
        return outcome;
    }

    auto state = std::make_shared<CallState>();
    state->stuck = stuck_;
    state->input = std::move(input);
    state->out.limit = limits_.maxOutputBytes;
    state->err.limit = limits_.maxErrorBytes;
    state->err.truncateOnOverflow = true;
    state->outSink = ha_sink{sizeof(ha_sink), 0, &state->out, &SinkBuffer::write};
    state->errSink = ha_sink{sizeof(ha_sink), 0, &state->err, &SinkBuffer::write};
    state->call = ha_call{sizeof(ha_call), 0,       deadline.ns(), state->input.c_str(), state->input.size(),
                          &state->outSink,  &state->errSink, "",     nullptr,    &neverCancelled, nullptr};

    try {
        CallWorkers::instance().run([state, fn = std::move(fn)] { runCall(state, fn); });
    } catch (const std::system_error& e) {
        outcome.status = HA_ERR_UNAVAILABLE;
        outcome.refused = true;
        outcome.error = std::string("cannot start a call thread: ") + e.what();
        return outcome;
    }

    std::unique_lock<std::mutex> lock(state->mutex);
    const bool done = state->finished.wait_for(lock, deadline.remaining() + kGrace, [&] { return state->done; });
    if (!done) {
        state->abandoned = true;
        stuck_->fetch_add(1);
        outcome.status = HA_ERR_TIMEOUT;
        outcome.timedOut = true;
        outcome.error = "the plugin did not return before the deadline";
        return outcome;
    }
    outcome.status = state->status;
    outcome.threw = state->threw;
    outcome.output = std::move(state->out.data);
    outcome.error = std::move(state->err.data);
    if (outcome.threw) {
        outcome.status = HA_ERR_INTERNAL;
        outcome.error = "the plugin let an exception escape through the C ABI";
    } else if (outcome.status > 0) {
        outcome.status = HA_ERR_INTERNAL;  // the ABI has no positive codes
        outcome.error = "the plugin returned an invalid status code";
    }
    return outcome;
}

}  // namespace ha::plugin
