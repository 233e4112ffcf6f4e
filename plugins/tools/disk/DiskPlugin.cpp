// Tool plugin "disk": capability disk.usage (space of mounted filesystems, ZFS datasets
// included, or of the filesystem holding one path).
#include "common/PluginConfig.h"
#include "common/TextFile.h"
#include "tools/disk/DiskAnswers.h"
#include "tools/disk/MountTable.h"

#include <homelab_assistant/plugin.hpp>

#include <Poco/JSON/Array.h>

#include <cerrno>
#include <cstring>
#include <sys/statvfs.h>

namespace ha_plugins::disk {

using homelab_assistant::Call;
using homelab_assistant::Error;
using homelab_assistant::Host;
using homelab_assistant::ToolSpec;

namespace {

const std::vector<std::string> kDefaultExcludes = {
    "/proc", "/sys", "/dev", "/run", "/var/lib/docker", "/var/lib/containers", "/var/lib/kubelet",
    "/var/snap", "/snap", "/mnt/.ix-apps", "/var/db/system"};

}  // namespace

class DiskTools {
public:
    DiskTools(const Host&, const std::string& configJson) {
        const PluginConfig config(configJson);
        procRoot_ = config.string("proc_root", "/proc");
        paths_ = config.strings("paths", {});
        excludes_ = config.strings("exclude", kDefaultExcludes);
        maxFilesystems_ = static_cast<size_t>(config.integer("max_filesystems", 64, 1, 10000));
        thresholds_.warningPercent = config.number("warning_percent", 90.0, 1.0, 100.0);
        thresholds_.criticalPercent = config.number("critical_percent", 95.0, thresholds_.warningPercent, 100.0);
        thresholds_.inodePercent = config.number("inode_percent", 90.0, 1.0, 100.0);
        for (const auto& p : paths_) {
            if (p.empty() || p[0] != '/') throw Error(HA_ERR_INVALID_ARGUMENT, "'paths' entries must be absolute paths");
        }
    }

    std::vector<ToolSpec> tools() const {
        ToolSpec usage;
        usage.name = "disk.usage";
        usage.description =
            "Disk space of the mounted filesystems (ZFS datasets and pools included, pseudo filesystems skipped): "
            "total, used and available bytes, percent used, inode use and read-only state. With 'path', only the "
            "filesystem that holds that path.";
        usage.inputSchema =
            R"({"type":"object","properties":{"path":{"type":"string","minLength":1,"maxLength":4096,)"
            R"("description":"Absolute path; only the filesystem containing it is reported"}},"additionalProperties":false})";
        usage.timeoutMs = 5000;
        return {usage};
    }

    std::string invoke(const std::string& name, const Call& call) {
        if (name != "disk.usage") throw Error(HA_ERR_NOT_FOUND, "unknown capability " + name);
        const PluginConfig input = PluginConfig::fromInput(call.input);
        const std::string path = input.string("path", "");
        if (!path.empty() && path[0] != '/') throw Error(HA_ERR_INVALID_ARGUMENT, "'path' must be an absolute path");

        const auto text = readTextFile(procRoot_ + "/self/mountinfo");
        if (!text) throw Error(HA_ERR_UNAVAILABLE, "cannot read the mount table");
        const std::vector<Mount> all = parseMountInfo(*text);

        std::vector<Mount> selected;
        std::vector<std::string> statPaths;
        if (!path.empty() || !paths_.empty()) {
            for (const std::string& p : path.empty() ? paths_ : std::vector<std::string>{path}) {
                const Mount* m = mountOf(all, p);
                selected.push_back(m ? *m : Mount{p, "", "unknown", "", false});
                statPaths.push_back(p);
            }
        } else {
            selected = realFilesystems(all, excludes_);
            for (const Mount& m : selected) statPaths.push_back(m.mountPoint);
        }

        Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
        size_t omitted = 0;
        for (size_t i = 0; i < selected.size(); ++i) {
            call.throwIfExpired();
            if (list->size() >= maxFilesystems_) {
                ++omitted;
                continue;
            }
            struct statvfs st{};
            if (::statvfs(statPaths[i].c_str(), &st) != 0) {
                if (!path.empty()) {
                    throw Error(errno == ENOENT ? HA_ERR_NOT_FOUND : HA_ERR_UNAVAILABLE,
                                "cannot read " + path + ": " + std::strerror(errno));
                }
                continue;  // vanished or inaccessible mount: skip it
            }
            if (st.f_blocks == 0 && path.empty()) continue;
            list->add(describe(selected[i], statPaths[i], st));
        }
        auto out = newObject();
        out->set("filesystems", list);
        out->set("omitted", jsonInt(omitted));
        return toJson(out);
    }

    std::string profile() const { return diskProfile(); }
    std::string match(const Call& call) const { return diskMatch(call.input); }
    std::string summarize(const Call& call) const { return diskSummary(call.input, thresholds_); }
    std::string checks(const Call& call) const { return diskChecks(call.input, thresholds_); }

private:
    static Poco::JSON::Object::Ptr describe(const Mount& m, const std::string& path, const struct statvfs& st) {
        const uint64_t unit = st.f_frsize ? st.f_frsize : st.f_bsize;
        const uint64_t total = st.f_blocks * unit, free = st.f_bfree * unit, available = st.f_bavail * unit;
        const uint64_t used = total > free ? total - free : 0;

        auto fs = newObject();
        fs->set("mount_point", m.mountPoint);
        if (path != m.mountPoint) fs->set("path", path);
        fs->set("device", m.device);
        fs->set("type", m.type);
        fs->set("total_bytes", jsonInt(total));
        fs->set("used_bytes", jsonInt(used));
        fs->set("available_bytes", jsonInt(available));
        fs->set("used_percent", percentOf(used, used + available));  // as df: of the space ordinary users can use
        if (st.f_files > 0) {
            fs->set("inodes_used_percent", percentOf(st.f_files - st.f_ffree, st.f_files));
        }
        fs->set("read_only", m.readOnly || (st.f_flag & ST_RDONLY) != 0);
        return fs;
    }

    std::string procRoot_;
    std::vector<std::string> paths_;
    std::vector<std::string> excludes_;
    size_t maxFilesystems_ = 64;
    DiskThresholds thresholds_;
};

constexpr const char* kSettingsSchema =
    R"J({"type":"object","additionalProperties":false,"properties":{)J"
    R"J("proc_root":{"type":"string","minLength":1,"description":"procfs to read the mount table from (default /proc)"},)J"
    R"J("paths":{"type":"array","items":{"type":"string","minLength":1},"maxItems":256,"description":"report only these paths"},)J"
    R"J("exclude":{"type":"array","items":{"type":"string","minLength":1},"maxItems":256,"description":"mount point prefixes to skip"},)J"
    R"J("max_filesystems":{"type":"integer","minimum":1,"maximum":10000},)J"
    R"J("warning_percent":{"type":"number","minimum":1,"maximum":100,"description":"health check: a filesystem used at or above this is a warning (default 90)"},)J"
    R"J("critical_percent":{"type":"number","minimum":1,"maximum":100,"description":"... and critical at or above this (default 95)"},)J"
    R"J("inode_percent":{"type":"number","minimum":1,"maximum":100,"description":"health check: inodes used at or above this is a warning (default 90)"}}})J";

const ha_plugin_descriptor kDescriptor = {sizeof(ha_plugin_descriptor), HA_KIND_TOOLS, 0, 0, "disk", "Disk space",
                                          HA_PLUGIN_VERSION, "Space of mounted filesystems and ZFS datasets.",
                                          kSettingsSchema};

}  // namespace ha_plugins::disk

HA_DEFINE_TOOLS_PLUGIN(ha_plugins::disk::DiskTools, ha_plugins::disk::kDescriptor)
