// The smart plugin's side of the answers interface: vocabulary, matching, wording and health
// findings over the smart.disks / smart.disk results (SmartView).
#pragma once

#include "common/Answers.h"
#include "tools/smart/SmartView.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ha_plugins::smart {

// Names a question may use for a disk: device names, serial numbers, model names.
struct KnownDisks {
    std::vector<std::string> devices;  // "sda", "nvme0"
    std::vector<std::string> serials;
    std::vector<std::string> models;
};

std::string smartProfile(const KnownDisks& disks);
std::string smartMatch(const answers::Question& q, const KnownDisks& disks);
std::string smartSummarize(const answers::SummaryRequest& request);
std::string smartChecks(const answers::CheckResults& results, const SmartLimits& limits, int64_t now);

}  // namespace ha_plugins::smart
