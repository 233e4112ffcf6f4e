// Reads what the root collector wrote into the data directory: index.json and the smartctl
// document of each disk it names. Never touches a disk itself.
#pragma once

#include "tools/smart/SmartData.h"
#include "tools/smart/SmartView.h"

#include <string>
#include <vector>

namespace ha_plugins::smart {

struct SmartSnapshot {
    bool collected = false;
    std::string reason;  // why there is no data, when not collected
    CollectionIndex index;
    std::vector<DiskRecord> disks;
};

// Throws homelab_assistant::Error(HA_ERR_UNAVAILABLE) when the index exists but cannot be read
// as the collector's index; a disk file that is missing or broken becomes that disk's problem.
SmartSnapshot loadSmartData(const std::string& dataDir, size_t maxFileBytes, size_t maxDisks);

// Which collection the index is (its inode, size and modification time, or "none"): a cache
// keyed on it sees a new collection at once instead of after its time-to-live.
std::string indexVersion(const std::string& dataDir);

}  // namespace ha_plugins::smart
