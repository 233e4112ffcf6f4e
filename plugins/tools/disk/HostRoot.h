// Where the host's root filesystem is mounted for this process, like node_exporter's
// --path.rootfs: in a container with the host's / at /host/root, the host's /mnt/tank is opened as
// /host/root/mnt/tank and still named /mnt/tank. Pure: reads no file.
#pragma once

#include "tools/disk/MountTable.h"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ha_plugins::disk {

// A lexically normalized absolute path: "//a/./b/../c/" is "/a/c"; ".." never climbs above "/".
std::string normalizePath(const std::string& absolute);

class HostRoot {
public:
    // "" or "/" means the host is this process's own root; otherwise an absolute path. Throws
    // std::invalid_argument for a relative one.
    explicit HostRoot(const std::string& prefix);

    bool prefixed() const { return !prefix_.empty(); }
    const std::string& prefix() const { return prefix_; }

    // The path this process opens for a host path: "/mnt/tank" -> "/host/root/mnt/tank".
    std::string local(const std::string& hostPath) const;
    // The host's name of a path of this process: "/host/root/mnt/tank" -> "/mnt/tank", "/host/root"
    // -> "/"; nullopt when it is not under the prefix.
    std::optional<std::string> hostName(const std::string& localPath) const;
    // Host mount points this process can reach under the prefix, by its own mount table (mounts
    // made on the host after the container started are missing unless propagation is rslave).
    std::set<std::string> reachable(const std::vector<Mount>& ownMounts) const;

private:
    std::string prefix_;  // normalized, "" for none
};

}  // namespace ha_plugins::disk
