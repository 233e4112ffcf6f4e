// What the smart plugin reads: the collector's index and one `smartctl --json -a -n standby`
// document per disk (smartmontools 7.x JSON: ATA, SCSI and NVMe devices).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ha_plugins::smart {

struct SmartAttribute {
    int id = 0;
    std::string name;
    std::optional<int> value, worst, threshold;
    uint64_t raw = 0;        // the counter; for packed raw values the leading number of raw.string
    std::string rawText;     // raw.string as smartctl prints it, "25 (Min/Max 19/39)"
    std::string whenFailed;  // "", "now", "past"
    bool prefailure = false;
};

struct Disk {
    std::string device, type, protocol;  // "/dev/sda", "sat", "ATA"
    std::string model, family, serial, firmware;
    std::optional<uint64_t> capacityBytes;
    std::optional<int> rotationRpm;  // 0 for solid state
    std::string kind;                // "hdd", "ssd", "nvme", "unknown"
    std::optional<bool> healthPassed;
    std::optional<double> temperatureC;
    std::optional<uint64_t> powerOnHours, powerCycles;
    // ATA: attributes 5, 197, 198.
    std::optional<uint64_t> reallocatedSectors, pendingSectors, offlineUncorrectable;
    std::vector<SmartAttribute> attributes;
    // NVMe health information log.
    std::optional<uint64_t> criticalWarning, mediaErrors, percentageUsed, availableSpare, availableSpareThreshold,
        unsafeShutdowns, errorLogEntries;
    std::string selfTest;       // the last self-test's result as smartctl words it, when known
    std::string powerMode;      // "STANDBY", "SLEEP" ... when smartctl did not read the disk to keep it asleep
    bool standby = false;
    int exitStatus = 0;         // smartctl's exit status bitmask
    std::vector<std::string> errors;  // smartctl's error messages (device open failed, ...)
    bool readable = false;      // identity and SMART data were read

    std::string name() const;  // "sda", "nvme0", "bus/0 megaraid,2"
};

// One smartctl JSON document. Throws std::invalid_argument when it is not smartctl JSON.
Disk parseSmartctlJson(std::string_view json);

struct IndexEntry {
    std::string name, type, file;
    std::optional<int> exitStatus;
    std::string error;  // the collector's note, e.g. a smartctl that did not finish
};

// index.json of the collector (packaging/homelab-assistant-smart-collect).
struct CollectionIndex {
    int64_t collectedAt = 0;
    std::string smartctl;  // "smartctl 7.3 2022-02-28 r5338 ..."
    std::string error;     // the collector could not run smartctl at all
    std::vector<IndexEntry> devices;
};

// Throws std::invalid_argument when it is not the collector's index.
CollectionIndex parseCollectionIndex(std::string_view json);

// Meaning of an NVMe critical warning bitmask: "available spare below threshold", ...
std::vector<std::string> criticalWarningBits(uint64_t value);

}  // namespace ha_plugins::smart
