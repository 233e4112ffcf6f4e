// The zfs plugin's side of the answers interface (sdk/include/homelab_assistant/answers.h):
// what it understands, which capability answers a question, the plain-language answer and the
// health findings. Pure: it works on the capability results (the JSON of ZfsView) only.
#pragma once

#include "common/Answers.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ha_plugins::zfs {

struct ZfsThresholds {
    int64_t scrubMaxAgeDays = 35;
    double capacityWarningPercent = 80;
    double capacityCriticalPercent = 90;
};

// Pool and dataset names known when the question comes (from the last listings).
struct KnownNames {
    std::vector<std::string> pools;
    std::vector<std::string> datasets;
};

// Words of the question that make the zfs plugin ask for dataset names too.
bool wantsDatasetNames(const answers::Question& q);

std::string zfsProfile(const KnownNames& names);
std::string zfsMatch(const answers::Question& q, const KnownNames& names);
std::string zfsSummarize(const answers::SummaryRequest& request);
std::string zfsChecks(const answers::CheckResults& results, const ZfsThresholds& thresholds, int64_t now);

}  // namespace ha_plugins::zfs
