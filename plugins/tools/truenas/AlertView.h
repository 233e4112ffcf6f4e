// alert.list reduced to what a user needs: level, class, the formatted message as plain text,
// dismissed, since when; counts per level. Never args, mail, key or node.
#pragma once

#include "tools/truenas/JsonValue.h"
#include "tools/truenas/ViewContext.h"

#include <string>

namespace ha_plugins::truenas {

// TrueNAS alert levels (api/v25_10_5/alert.py AlertLevel), lowest first; 0 for an unknown one.
int alertLevelRank(const std::string& level);
// "critical" for ERROR and above, "warning" for WARNING, "info" below.
std::string alertSeverity(const std::string& level);

struct AlertQuery {
    bool includeDismissed = false;
    std::string minLevel = "INFO";
};

// result of alert.list -> {"active", "dismissed", "by_level", "alerts": [...], "shown", "truncated"}
ObjectPtr reduceAlerts(const Var& alertList, const AlertQuery& query, const ViewContext& context);

}  // namespace ha_plugins::truenas
