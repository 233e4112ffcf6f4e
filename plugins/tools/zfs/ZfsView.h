// The JSON results of the zfs capabilities, built from the parsed model. Field names here are
// what a language model reads and what the plugin's answers (ZfsAnswers) word.
#pragma once

#include "tools/zfs/ZfsJson.h"
#include "tools/zfs/ZfsModel.h"

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ha_plugins::zfs {

// "2026-12-01T21:02:51Z".
std::string isoUtc(int64_t unixSeconds);

Poco::JSON::Object::Ptr sourceInfo(const ZfsVersion& version);

// One pool for zfs.pools: state, space, vdevs with errors or not online, scan and last scrub.
// Either argument may be null (a pool that appeared between the two commands).
Poco::JSON::Object::Ptr poolSummary(const PoolSpace* space, const PoolStatus* status, int64_t now);

// zfs.pool: the summary plus the whole vdev tree, every scan and zpool's explanation.
Poco::JSON::Object::Ptr poolDetail(const PoolSpace* space, const PoolStatus& status, int64_t now);

// zfs.pools: every pool, in `zpool list` order.
Poco::JSON::Object::Ptr poolsView(const std::vector<PoolSpace>& spaces, const std::vector<PoolStatus>& statuses,
                                  const ZfsVersion& version, int64_t now);

// zfs.datasets, optionally only the datasets of one pool or one dataset; nullptr when that
// pool or dataset does not exist. At most maxDatasets are listed (the rest counted as omitted).
Poco::JSON::Object::Ptr datasetsView(const DatasetListing& listing, const std::string& pool, const std::string& dataset,
                                     size_t maxDatasets, int64_t now);

}  // namespace ha_plugins::zfs
