// app.query reduced to what a user needs: name, state (RUNNING, STOPPED, CRASHED, DEPLOYING,
// STOPPING), versions, whether an upgrade or newer images are available, container states.
// Never config, notes, portals or metadata.
#pragma once

#include "tools/truenas/JsonValue.h"
#include "tools/truenas/ViewContext.h"

#include <string>

namespace ha_plugins::truenas {

// result of app.query -> {"apps": [...], "counts": {"RUNNING": n, ...}, "upgrades_available",
// "truncated"}; `only` keeps one app (HA_ERR_NOT_FOUND when there is none of that name).
ObjectPtr reduceApps(const Var& appList, const std::string& only, const ViewContext& context);

}  // namespace ha_plugins::truenas
