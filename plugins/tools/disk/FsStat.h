// statvfs() of a host path, opened the way the host would resolve it.
#pragma once

#include <string>
#include <sys/statvfs.h>
#include <sys/types.h>

namespace ha_plugins::disk {

struct FsStat {
    struct statvfs vfs{};
    std::string majorMinor;  // the device holding the path, "0:45", as mountinfo writes it
    ino_t inode = 0;
};

// Opens hostPath (absolute) with root as "/" and reads its filesystem: with openat2(2)
// RESOLVE_IN_ROOT, a symlink on the host such as /var/run -> /run or ../.. leads to the host's
// file, never out of root into this container's own tree. Where openat2 is missing (Linux < 5.6)
// or filtered, falls back to root + path. Returns false with errno set when it cannot be opened.
bool statUnderRoot(const std::string& root, const std::string& hostPath, FsStat& out);

}  // namespace ha_plugins::disk
