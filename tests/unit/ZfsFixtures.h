// The zfs plugin's recorded outputs (tests/fixtures/zfs/).
#pragma once

#include "RecordedFixture.h"

namespace ha {

inline std::string zfsFixture(const std::string& name) { return test::recordedFixture("zfs", name); }

}  // namespace ha
