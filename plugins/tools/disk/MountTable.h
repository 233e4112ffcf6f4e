// The mount table (/proc/self/mountinfo) reduced to the filesystems a person cares about:
// pseudo and container-internal filesystems are skipped, bind mounts and btrfs subvolumes of
// the same device are reported once.
#pragma once

#include <string>
#include <vector>

namespace ha_plugins::disk {

struct Mount {
    std::string mountPoint;
    std::string device;  // mount source, e.g. /dev/sda1 or tank/media
    std::string type;    // ext4, zfs, xfs, ...
    std::string majorMinor;
    bool readOnly = false;
};

// Every row of a mountinfo text, escapes (\040 ...) decoded. Malformed rows are skipped.
std::vector<Mount> parseMountInfo(const std::string& text);

// Filesystems worth reporting: real filesystem types, not under excluded prefixes, one per
// device (the shortest mount point wins). "/" first, then by mount point.
std::vector<Mount> realFilesystems(const std::vector<Mount>& all, const std::vector<std::string>& excludedPrefixes);

// The mount that holds path (longest matching mount point), or nullptr.
const Mount* mountOf(const std::vector<Mount>& all, const std::string& path);

// The mount that holds path, which statvfs() found on device majorMinor: a symlink on the way
// (/data -> /mnt/tank/data) leads to another mount than the path's text says. Of the mounts of
// that device the longest one containing path, else the shortest; without any, mountOf(path).
const Mount* mountOf(const std::vector<Mount>& all, const std::string& path, const std::string& majorMinor);

bool isPseudoFilesystem(const std::string& type);

}  // namespace ha_plugins::disk
