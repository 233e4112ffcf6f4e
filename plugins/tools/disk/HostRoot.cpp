#include "tools/disk/HostRoot.h"

#include <stdexcept>

namespace ha_plugins::disk {

std::string normalizePath(const std::string& absolute) {
    std::vector<std::string> parts;
    size_t i = 0;
    while (i < absolute.size()) {
        const size_t end = absolute.find('/', i);
        const std::string part = absolute.substr(i, end == std::string::npos ? std::string::npos : end - i);
        if (part == "..") {
            if (!parts.empty()) parts.pop_back();
        } else if (!part.empty() && part != ".") {
            parts.push_back(part);
        }
        if (end == std::string::npos) break;
        i = end + 1;
    }
    std::string out;
    for (const std::string& p : parts) out += "/" + p;
    return out.empty() ? "/" : out;
}

HostRoot::HostRoot(const std::string& prefix) {
    if (prefix.empty()) return;
    if (prefix.front() != '/') throw std::invalid_argument("'root_prefix' must be an absolute path, not " + prefix);
    prefix_ = normalizePath(prefix);
    if (prefix_ == "/") prefix_.clear();
}

std::string HostRoot::local(const std::string& hostPath) const {
    const std::string path = normalizePath(hostPath);
    if (prefix_.empty()) return path;
    return path == "/" ? prefix_ : prefix_ + path;
}

std::optional<std::string> HostRoot::hostName(const std::string& localPath) const {
    if (prefix_.empty()) return localPath;
    if (localPath == prefix_) return std::string("/");
    if (localPath.size() > prefix_.size() && localPath.compare(0, prefix_.size(), prefix_) == 0 &&
        localPath[prefix_.size()] == '/') {
        return localPath.substr(prefix_.size());
    }
    return std::nullopt;
}

std::set<std::string> HostRoot::reachable(const std::vector<Mount>& ownMounts) const {
    std::set<std::string> out;
    for (const Mount& m : ownMounts) {
        if (auto name = hostName(m.mountPoint)) out.insert(*name);
    }
    return out;
}

}  // namespace ha_plugins::disk
