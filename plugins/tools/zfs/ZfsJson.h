// The JSON output of OpenZFS >= 2.3 (`zpool status -j`, `zpool list -j`, `zfs list -j`,
// `zpool version -j`). Numbers may be JSON integers (--json-int), exact digit strings (-p) or
// abbreviated strings ("62.6G", without -p): all three are read. Vdev trees may be nested (the
// default) or flat (--json-flat-vdevs).
#pragma once

#include "tools/zfs/ZfsModel.h"

#include <string_view>
#include <vector>

namespace ha_plugins::zfs {

// Each throws std::invalid_argument when the text is not the expected JSON document.
std::vector<PoolStatus> parseZpoolStatusJson(std::string_view json);
std::vector<PoolSpace> parseZpoolListJson(std::string_view json);

struct DatasetListing {
    std::vector<Dataset> datasets;
    std::vector<Snapshot> snapshots;
};
DatasetListing parseZfsListJson(std::string_view json);

ZfsVersion parseVersionJson(std::string_view json);

}  // namespace ha_plugins::zfs
