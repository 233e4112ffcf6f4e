// `zpool status` in its text forms: OpenZFS 2.x ("scan:" lines, counts exact with -p) and the
// old Solaris form zfs-fuse 0.7 prints ("scrub:" line, "24.8M repaired" beside the vdev). Also
// reads outputs pasted with spaces instead of tabs.
#pragma once

#include "tools/zfs/ZfsModel.h"

#include <string>
#include <string_view>
#include <vector>

namespace ha_plugins::zfs {

// Every pool in the output (none for "no pools available"). Throws std::invalid_argument when
// the text is not zpool status output.
std::vector<PoolStatus> parseZpoolStatusText(std::string_view text);

// One "scan:" value of OpenZFS 2.x, continuation lines joined with '\n'.
Scan parseScanText(const std::string& value);

// The "scrub:" value of the old format; repaired bytes come from the vdev notes (see above).
Scan parseLegacyScrubText(const std::string& value);

}  // namespace ha_plugins::zfs
