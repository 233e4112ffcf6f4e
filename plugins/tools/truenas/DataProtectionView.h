// pool.snapshottask.query, replication.query and cloudsync.query reduced to what a user needs:
// per task what it protects, whether it is enabled, its schedule, the last run's state, time and
// error, and an "outcome": ok, failed, late (the last success is older than stale_factor times
// the schedule's longest interval, plus 5 minutes), held, running, aborted, not_run_yet,
// disabled, manual. Never credentials, scripts, encryption settings or job arguments.
#pragma once

#include "tools/truenas/JsonValue.h"
#include "tools/truenas/ViewContext.h"

namespace ha_plugins::truenas {

ArrayPtr reduceSnapshotTasks(const Var& taskList, const ViewContext& context);
ArrayPtr reduceReplications(const Var& replicationList, const ViewContext& context);
ArrayPtr reduceCloudSyncs(const Var& cloudSyncList, const ViewContext& context);

// The outcomes that are problems ("failed", "late", "held", "aborted").
bool isProblemOutcome(const std::string& outcome);

}  // namespace ha_plugins::truenas
