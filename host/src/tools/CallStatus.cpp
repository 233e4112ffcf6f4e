#include "tools/CallStatus.h"

namespace ha {

const char* toString(CallStatus status) {
    switch (status) {
        case CallStatus::Ok: return "ok";
        case CallStatus::InvalidArgument: return "invalid_argument";
        case CallStatus::NotFound: return "not_found";
        case CallStatus::Unavailable: return "unavailable";
        case CallStatus::Timeout: return "timeout";
        case CallStatus::Internal: return "internal_error";
        case CallStatus::Unsupported: return "unsupported";
        case CallStatus::Denied: return "denied";
        case CallStatus::RateLimited: return "rate_limited";
        case CallStatus::Quota: return "quota_exceeded";
        case CallStatus::TooLarge: return "too_large";
    }
    return "internal_error";
}

int httpStatusOf(CallStatus status) {
    switch (status) {
        case CallStatus::Ok: return 200;
        case CallStatus::InvalidArgument: return 400;
        case CallStatus::NotFound: return 404;
        case CallStatus::Denied: return 403;
        case CallStatus::Unavailable: return 503;
        case CallStatus::Timeout: return 504;
        case CallStatus::RateLimited: return 503;
        case CallStatus::Quota: return 503;
        case CallStatus::Unsupported: return 501;
        case CallStatus::TooLarge: return 502;
        case CallStatus::Internal: return 500;
    }
    return 500;
}

}  // namespace ha
