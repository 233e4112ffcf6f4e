// Outcome of a tool or provider call, independent of the plugin ABI's integer codes.
#pragma once

#include <string>

namespace ha {

enum class CallStatus {
    Ok,
    InvalidArgument,
    NotFound,
    Unavailable,
    Timeout,
    Internal,
    Unsupported,
    Denied,
    RateLimited,
    Quota,
    TooLarge,
};

// "ok", "invalid_argument", ... (stable names used in the API and the audit log).
const char* toString(CallStatus status);
// The HTTP status a direct tool call answers with.
int httpStatusOf(CallStatus status);

}  // namespace ha
