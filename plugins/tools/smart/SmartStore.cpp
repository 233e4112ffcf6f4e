#include "tools/smart/SmartStore.h"

#include "common/TextFile.h"

#include <homelab_assistant/plugin.hpp>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace ha_plugins::smart {

using homelab_assistant::Error;

namespace {

// The collector names files after devices; anything else (a path, "..") is not followed.
bool plainFileName(const std::string& name) {
    if (name.empty() || name[0] == '.' || name.size() > 255) return false;
    for (char c : name) {
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == ',')) return false;
    }
    return true;
}

// Whole file, or the reason it cannot be had.
std::optional<std::string> readBounded(const std::string& path, size_t maxBytes, std::string& why) {
    errno = 0;
    auto text = readTextFile(path, maxBytes + 1);
    if (!text) {
        why = std::string(std::strerror(errno ? errno : EIO));
        return std::nullopt;
    }
    if (text->size() > maxBytes) {
        why = "larger than " + std::to_string(maxBytes) + " bytes (max_file_bytes)";
        return std::nullopt;
    }
    return text;
}

}  // namespace

std::string indexVersion(const std::string& dataDir) {
    struct stat st {};
    if (::stat((dataDir + "/index.json").c_str(), &st) != 0) return "none";
    return std::to_string(st.st_ino) + ":" + std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
           std::to_string(st.st_mtim.tv_nsec);
}

SmartSnapshot loadSmartData(const std::string& dataDir, size_t maxFileBytes, size_t maxDisks) {
    SmartSnapshot s;
    const std::string indexPath = dataDir + "/index.json";
    if (::access(indexPath.c_str(), F_OK) != 0) {
        s.reason = "No SMART data has been collected yet: " + indexPath +
                   " does not exist. The root collector homelab-assistant-smart.timer writes it every 30 minutes "
                   "(systemctl enable --now homelab-assistant-smart.timer)";
        return s;
    }
    std::string why;
    auto text = readBounded(indexPath, maxFileBytes, why);
    if (!text) {
        s.reason = "The SMART data in " + dataDir + " cannot be read (" + indexPath + ": " + why +
                   "); the service reads it as a member of the group homelab-assistant";
        return s;
    }
    try {
        s.index = parseCollectionIndex(*text);
    } catch (const std::invalid_argument& e) {
        throw Error(HA_ERR_UNAVAILABLE, indexPath + " is not the SMART collector's index: " + e.what());
    }
    s.collected = true;
    for (const IndexEntry& entry : s.index.devices) {
        if (s.disks.size() >= maxDisks) break;
        DiskRecord r;
        r.entry = entry;
        if (!entry.error.empty() && entry.file.empty()) {
            r.problem = entry.error;
        } else if (!plainFileName(entry.file)) {
            r.problem = "the index names no valid file for it ('" + entry.file + "')";
        } else if (auto doc = readBounded(dataDir + "/" + entry.file, maxFileBytes, why)) {
            try {
                r.disk = parseSmartctlJson(*doc);
                // Some outputs lack the device object: the collector knows what it asked.
                if (r.disk->device.empty()) r.disk->device = entry.name;
                if (r.disk->type.empty()) r.disk->type = entry.type;
            } catch (const std::invalid_argument& e) {
                r.problem = entry.file + " is " + e.what();
            }
        } else {
            r.problem = "cannot read " + entry.file + ": " + why;
        }
        s.disks.push_back(std::move(r));
    }
    return s;
}

}  // namespace ha_plugins::smart
