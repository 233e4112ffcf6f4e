// The tab-separated tables of `zpool list -H`, `zfs list -H` and `zfs get -H`, and the text of
// `zpool version`, as OpenZFS 2.x (with -p: exact numbers) and zfs-fuse (rounded) print them.
#pragma once

#include "tools/zfs/ZfsJson.h"
#include "tools/zfs/ZfsModel.h"

#include <string>
#include <string_view>
#include <vector>

namespace ha_plugins::zfs {

// Columns as requested with -o; recognised: name size allocated free capacity fragmentation health.
// Throws std::invalid_argument on a row with the wrong number of fields.
std::vector<PoolSpace> parseZpoolListTable(std::string_view text, const std::vector<std::string>& columns);

// Columns as requested with -o; recognised: name type used available referenced quota
// compressratio mountpoint creation. Snapshots (type "snapshot" or a name with '@') go apart.
DatasetListing parseZfsListTable(std::string_view text, const std::vector<std::string>& columns);

// `zfs get -H -p -o name,property,value <props>` with no dataset named: every dataset and
// snapshot, one property per line (zfs-fuse has no `zfs list -p`, but its `zfs get` has -p).
DatasetListing parseZfsGetTable(std::string_view text);

// `zpool version` text of OpenZFS 2.x ("zfs-2.1.11-1", "zfs-kmod-2.1.11-1"). Throws
// std::invalid_argument when it does not start with "zfs-".
ZfsVersion parseVersionText(std::string_view text);

}  // namespace ha_plugins::zfs
