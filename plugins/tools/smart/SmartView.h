// The JSON results of the smart capabilities, from the collector's files.
#pragma once

#include "tools/smart/SmartData.h"

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ha_plugins::smart {

struct SmartLimits {
    int64_t maxAgeMinutes = 90;  // older data is stale (the timer runs every 30 minutes)
    double hddTemperatureC = 50, ssdTemperatureC = 60, nvmeTemperatureC = 70;
    double temperatureLimit(const Disk& d) const;
};

// One disk as the collector listed it: its parsed document, or why there is none.
struct DiskRecord {
    IndexEntry entry;
    std::optional<Disk> disk;
    std::string problem;  // "the file is missing", "not smartctl JSON: ..."
};

std::string isoUtc(int64_t unixSeconds);

// "sda", "nvme0": the disk's name, also when its data could not be read.
std::string recordName(const DiskRecord& record);

Poco::JSON::Object::Ptr diskSummary(const DiskRecord& record, const SmartLimits& limits);
Poco::JSON::Object::Ptr diskDetail(const DiskRecord& record, const SmartLimits& limits);

// smart.disks: the collection's time and age, then every disk.
Poco::JSON::Object::Ptr disksView(const CollectionIndex& index, const std::vector<DiskRecord>& disks, int64_t now,
                                  const SmartLimits& limits, const std::string& dataDir);

// smart.disks when nothing has been collected yet (no index in the data directory).
Poco::JSON::Object::Ptr notCollectedView(const std::string& dataDir, const std::string& reason);

// The disk a user means by "sda", "/dev/sda", a serial number or (a unique part of) a model
// name; nullptr when none or several match.
const DiskRecord* findDisk(const std::vector<DiskRecord>& disks, const std::string& what);

}  // namespace ha_plugins::smart
