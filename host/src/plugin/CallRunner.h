// Runs one call into plugin code on a call thread and waits no longer than the call's deadline
// (or until the caller cancels). A call of an instant capability (HA_CAPABILITY_INSTANT) runs on
// the caller's thread instead: no hand-off, but nothing can stop waiting for it; one that returns
// past its deadline (plus the grace) fails as timed out and says it overran. A call that overruns is abandoned: its thread keeps the call's
// buffers alive until the plugin returns, and the plugin's "stuck calls" counter stops new calls
// once too many pile up. Sinks are strict: output beyond the limit fails the call as too large
// whatever the plugin returns, and writes after the call returned are ignored.
#pragma once

#include "util/CallContext.h"
#include "util/Deadline.h"

#include <homelab_assistant/abi.h>

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace ha::plugin {

struct CallLimits {
    size_t maxOutputBytes = 1024 * 1024;
    size_t maxErrorBytes = 4096;  // longer error text is cut, not refused
    int maxStuckCalls = 4;        // abandoned calls still running, per plugin
};

struct CallOutcome {
    int32_t status = HA_ERR_INTERNAL;
    std::string output;
    std::string error;
    bool timedOut = false;   // the host stopped waiting at the deadline
    bool cancelled = false;  // the host stopped waiting because the caller gave up
    bool threw = false;      // an exception escaped the plugin
    bool refused = false;    // not started: too many stuck calls
    bool overflowed = false; // the output sink refused data
    bool overran = false;    // ran on the caller's thread and returned past its deadline
};

// Where a call runs.
enum class CallThread { Call, Caller };

using PluginFunction = std::function<int32_t(const ha_call* call)>;

class CallRunner {
public:
    explicit CallRunner(CallLimits limits = {});

    // callFlags (HA_CALL_*) reach the plugin as ha_call.flags.
    CallOutcome run(PluginFunction fn, std::string input, Deadline deadline, const CallContext& context = {},
                    CallThread thread = CallThread::Call, uint32_t callFlags = 0);

    // Calls abandoned at their deadline that have not returned yet.
    int stuckCalls() const { return stuck_->load(); }

private:
    CallLimits limits_;
    std::shared_ptr<std::atomic<int>> stuck_;
};

}  // namespace ha::plugin
