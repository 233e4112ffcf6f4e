#include "plugin/AbiStatus.h"

#include <homelab_assistant/abi.h>

namespace ha::plugin {

CallStatus fromAbiStatus(int32_t status) {
    switch (status) {
        case HA_OK: return CallStatus::Ok;
        case HA_ERR_INVALID_ARGUMENT: return CallStatus::InvalidArgument;
        case HA_ERR_NOT_FOUND: return CallStatus::NotFound;
        case HA_ERR_UNAVAILABLE: return CallStatus::Unavailable;
        case HA_ERR_TIMEOUT: return CallStatus::Timeout;
        case HA_ERR_UNSUPPORTED: return CallStatus::Unsupported;
        case HA_ERR_DENIED: return CallStatus::Denied;
        case HA_ERR_RATE_LIMITED: return CallStatus::RateLimited;
        case HA_ERR_QUOTA: return CallStatus::Quota;
        case HA_ERR_TOO_LARGE: return CallStatus::TooLarge;
        default: return CallStatus::Internal;
    }
}

}  // namespace ha::plugin
