#include "tools/disk/MountTable.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <sstream>

namespace ha_plugins::disk {

namespace {

std::string unescape(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])) &&
            std::isdigit(static_cast<unsigned char>(s[i + 2])) && std::isdigit(static_cast<unsigned char>(s[i + 3]))) {
            out.push_back(static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0')));
            i += 3;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

bool underPrefix(const std::string& path, const std::string& prefix) {
    if (prefix.empty()) return false;
    if (prefix == "/") return true;
    return path == prefix || (path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0 &&
                              path[prefix.size()] == '/');
}

}  // namespace

bool isPseudoFilesystem(const std::string& type) {
    static const std::set<std::string> pseudo = {
        "proc", "sysfs", "devtmpfs", "devpts", "tmpfs", "securityfs", "cgroup", "cgroup2", "pstore", "bpf",
        "debugfs", "tracefs", "configfs", "fusectl", "mqueue", "hugetlbfs", "autofs", "binfmt_misc",
        "rpc_pipefs", "nsfs", "overlay", "aufs", "squashfs", "efivarfs", "selinuxfs", "ramfs", "nfsd",
        "fuse.lxcfs", "fuse.gvfsd-fuse", "fuse.portal", "fuse.snapfuse", "shm", "none", "iso9660", "udf",
        "zram", "devfs", "rootfs"};
    return pseudo.count(type) > 0;
}

std::vector<Mount> parseMountInfo(const std::string& text) {
    std::vector<Mount> mounts;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream row(line);
        std::vector<std::string> fields;
        std::string f;
        while (row >> f) fields.push_back(f);
        // id parent major:minor root mountpoint options [optional...] - fstype source superoptions
        const auto dash = std::find(fields.begin(), fields.end(), "-");
        if (fields.size() < 6 || dash == fields.end() || std::distance(dash, fields.end()) < 3) continue;
        Mount m;
        m.majorMinor = fields[2];
        m.mountPoint = unescape(fields[4]);
        m.readOnly = fields[5] == "ro" || fields[5].rfind("ro,", 0) == 0;
        m.type = *(dash + 1);
        m.device = unescape(*(dash + 2));
        mounts.push_back(std::move(m));
    }
    return mounts;
}

std::vector<Mount> realFilesystems(const std::vector<Mount>& all, const std::vector<std::string>& excludedPrefixes) {
    std::map<std::string, Mount> byDevice;  // major:minor -> shortest mount point
    for (const Mount& m : all) {
        if (isPseudoFilesystem(m.type)) continue;
        if (std::any_of(excludedPrefixes.begin(), excludedPrefixes.end(),
                        [&](const std::string& p) { return underPrefix(m.mountPoint, p); })) {
            continue;
        }
        auto it = byDevice.find(m.majorMinor);
        if (it == byDevice.end() || m.mountPoint.size() < it->second.mountPoint.size()) byDevice[m.majorMinor] = m;
    }
    std::vector<Mount> out;
    for (auto& [dev, m] : byDevice) out.push_back(m);
    std::sort(out.begin(), out.end(), [](const Mount& a, const Mount& b) {
        if ((a.mountPoint == "/") != (b.mountPoint == "/")) return a.mountPoint == "/";
        return a.mountPoint < b.mountPoint;
    });
    return out;
}

const Mount* mountOf(const std::vector<Mount>& all, const std::string& path) {
    const Mount* best = nullptr;
    for (const Mount& m : all) {
        if (underPrefix(path, m.mountPoint) && (!best || m.mountPoint.size() >= best->mountPoint.size())) best = &m;
    }
    return best;
}

const Mount* mountOf(const std::vector<Mount>& all, const std::string& path, const std::string& majorMinor) {
    const Mount* containing = nullptr;
    const Mount* shortest = nullptr;
    for (const Mount& m : all) {
        if (m.majorMinor != majorMinor) continue;
        if (underPrefix(path, m.mountPoint) && (!containing || m.mountPoint.size() >= containing->mountPoint.size())) {
            containing = &m;
        }
        if (!shortest || m.mountPoint.size() < shortest->mountPoint.size()) shortest = &m;
    }
    if (containing) return containing;
    if (shortest) return shortest;
    return mountOf(all, path);
}

}  // namespace ha_plugins::disk
