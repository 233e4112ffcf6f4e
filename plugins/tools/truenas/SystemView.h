// system.info and boot.get_state reduced to what a user needs: TrueNAS version, host name,
// uptime, load, CPU, memory and whether it is ECC, time zone; the boot pool's state. Never the
// serial number or the license.
#pragma once

#include "tools/truenas/JsonValue.h"
#include "tools/truenas/ViewContext.h"

#include <string>

namespace ha_plugins::truenas {

// "25.10.1" from "25.10.1", "TrueNAS-25.10.1" or "TrueNAS-SCALE-24.10.2" (system.version_short
// since 25.04, the full name before).
std::string shortVersion(const std::string& version);

// bootState may be empty (then bootError says why).
ObjectPtr reduceSystem(const Var& info, const Var& bootState, const std::string& bootError, const ViewContext& context);

}  // namespace ha_plugins::truenas
