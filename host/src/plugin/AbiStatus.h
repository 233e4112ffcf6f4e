// Conversion of the ABI's int32 status codes into the host's CallStatus.
#pragma once

#include "tools/CallStatus.h"

#include <cstdint>

namespace ha::plugin {

CallStatus fromAbiStatus(int32_t status);

}  // namespace ha::plugin
