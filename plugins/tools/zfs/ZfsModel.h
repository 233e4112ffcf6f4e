// What the zfs plugin knows about pools and datasets, independent of the output format it was
// read from (OpenZFS 2.3 JSON, OpenZFS 2.x text, zfs-fuse's old text).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ha_plugins::zfs {

// Which zpool/zfs is installed, hence which commands and formats to use.
enum class Flavour {
    Json,    // OpenZFS >= 2.3: -j JSON output (TrueNAS SCALE 24.10+)
    Text,    // OpenZFS 2.x before JSON: "scan:" lines, -p exact numbers
    Legacy,  // zfs-fuse 0.7 and other pre-OpenZFS tools: "scrub:" line, no -p, no `zpool version`
};
const char* flavourName(Flavour f);

struct ZfsVersion {
    Flavour flavour = Flavour::Text;
    std::string userland;  // "zfs-2.3.0-1", "" when unknown (zfs-fuse)
    std::string kernel;    // "zfs-kmod-2.3.0-1"
};

// One node of a pool's vdev tree, or a section of it ("logs", "cache", "spares", "special",
// "dedup") holding its own vdevs.
struct Vdev {
    std::string name;
    std::string state;  // ONLINE, DEGRADED, OFFLINE, UNAVAIL, FAULTED, REMOVED, AVAIL, INUSE, ...
    std::string type;   // mirror, raidz, disk, file, spare, replacing ... ("" when the text hides it)
    std::string section;  // "" for the data vdevs, else the section it belongs to
    bool isSection = false;
    std::optional<uint64_t> readErrors, writeErrors, checksumErrors;  // absent for spares/sections
    bool countsExact = true;  // false when read from abbreviated counts such as "1.88K"
    std::string note;         // "too many errors", "was /dev/sdb1", "24.8M repaired", "(resilvering)"
    std::vector<Vdev> children;

    uint64_t errorTotal() const { return readErrors.value_or(0) + writeErrors.value_or(0) + checksumErrors.value_or(0); }
};

// A scrub or resilver, running or the last one that ran.
struct Scan {
    std::string function;  // "scrub", "resilver", "none"
    std::string state;     // "none", "scanning", "paused", "finished", "canceled"
    std::optional<int64_t> startTime, endTime;  // unix seconds
    std::optional<uint64_t> processedBytes;     // repaired (scrub) or resilvered bytes
    std::optional<uint64_t> errors;
    std::optional<double> percentDone;           // while scanning
    std::optional<uint64_t> examinedBytes, issuedBytes, totalBytes;
    std::string timeToGo;  // "00:00:04", "no estimated completion time"
    std::string vdev;      // sequential resilver (rebuild) of this top-level vdev
    bool bytesExact = false;
    std::string text;      // as zpool printed it (text formats)
};

struct PoolStatus {
    std::string name;
    std::string state;
    std::string status, action, see;  // explanation lines zpool prints for unhealthy pools
    std::vector<Scan> scans;          // usually one; a rebuild adds its own
    std::vector<Vdev> vdevs;          // the root (named like the pool), then sections
    std::optional<uint64_t> dataErrors;  // permanent errors in files ("errors:" line)
    std::string errorsText;
};

struct PoolSpace {
    std::string name;
    std::optional<uint64_t> size, allocated, free;
    std::optional<double> capacityPercent, fragmentationPercent;
    std::string health;
    bool exact = true;  // false when sizes came rounded ("91.5M")
};

struct Dataset {
    std::string name, type;  // type: filesystem, volume
    std::optional<uint64_t> used, available, referenced, quota;  // quota absent = none
    std::optional<double> compressRatio;
    std::string mountpoint;
    bool exact = true;
};

struct Snapshot {
    std::string dataset, name;  // "tank/media", "auto-2026-12-01"
    std::optional<int64_t> creation;
};

}  // namespace ha_plugins::zfs
