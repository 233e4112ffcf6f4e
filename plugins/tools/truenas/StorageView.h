// pool.query, boot.get_state, disk.query and disk.temperatures reduced to what a user needs:
// per pool status, health, space, the last scrub and a topology summary (top-level vdevs, and
// only the devices that are not ONLINE or have errors); per disk model, serial, size, type,
// pool and temperature.
#pragma once

#include "tools/truenas/JsonValue.h"
#include "tools/truenas/ViewContext.h"

#include <string>

namespace ha_plugins::truenas {

// One pool entry (pool.query item or the boot.get_state object).
ObjectPtr reducePool(const ObjectPtr& pool, const ViewContext& context);
// result of pool.query -> {"pools": [...], "unhealthy": n, "truncated"}; `only` keeps one pool.
ObjectPtr reducePools(const Var& poolList, const std::string& only, const ViewContext& context);
// results of disk.query and disk.temperatures (temperatures may be empty when that call failed)
// -> {"disks": [...], "hottest": {...}, "truncated"}; `only` keeps one disk.
ObjectPtr reduceDisks(const Var& diskList, const Var& temperatures, const std::string& only, const ViewContext& context);

}  // namespace ha_plugins::truenas
