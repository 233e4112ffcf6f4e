// Tool plugin "disk": capability disk.usage (space of mounted filesystems, ZFS datasets
// included, or of the filesystem holding one path). With root_prefix it reports the host from a
// container: the host's mount table, statvfs() under the prefix, the host's names.
#include "common/PluginConfig.h"
#include "common/SameAnswer.h"
#include "common/ShortCache.h"
#include "common/TextFile.h"
#include "tools/disk/DiskAnswers.h"
#include "tools/disk/FsStat.h"
#include "tools/disk/HostRoot.h"
#include "tools/disk/MountTable.h"

#include <homelab_assistant/plugin.hpp>

#include <Poco/JSON/Array.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <stdexcept>
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
    DiskTools(const Host&, const std::string& configJson) : DiskTools(PluginConfig(configJson)) {}

    explicit DiskTools(const PluginConfig& config) : cache_(config) {
        procRoot_ = config.string("proc_root", "/proc");
        try {
            hostRoot_ = HostRoot(config.string("root_prefix", ""));
        } catch (const std::invalid_argument& e) {
            throw Error(HA_ERR_INVALID_ARGUMENT, e.what());
        }
        paths_ = config.strings("paths", {});
        excludes_ = config.strings("exclude", kDefaultExcludes);
        maxFilesystems_ = static_cast<size_t>(config.integer("max_filesystems", 64, 1, 10000));
        thresholds_.warningPercent = config.number("warning_percent", 90.0, 1.0, 100.0);
        thresholds_.criticalPercent = config.number("critical_percent", 95.0, thresholds_.warningPercent, 100.0);
        thresholds_.inodePercent = config.number("inode_percent", 90.0, 1.0, 100.0);
        if (procRoot_.empty() || procRoot_.front() != '/') throw Error(HA_ERR_INVALID_ARGUMENT, "'proc_root' must be an absolute path");
        for (auto& p : paths_) {
            if (p.empty() || p[0] != '/') throw Error(HA_ERR_INVALID_ARGUMENT, "'paths' entries must be absolute paths");
            p = normalizePath(p);
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
        usage.flags = HA_CAPABILITY_FROM_MEMORY;  // statfs can hang on a dead network mount; kept results cannot
        return {usage};
    }

    std::string invoke(const std::string& name, const Call& call) {
        if (name != "disk.usage") throw Error(HA_ERR_NOT_FOUND, "unknown capability " + name);
        return cache_.get(std::string(call.input), [&] { return usage(call); }, call);
    }

    std::string usage(const Call& call) {
        const PluginConfig input = PluginConfig::fromInput(call.input);
        std::string path = input.string("path", "");
        if (!path.empty() && path[0] != '/') throw Error(HA_ERR_INVALID_ARGUMENT, "'path' must be an absolute path");
        if (!path.empty()) path = normalizePath(path);

        const MountView view = readMounts();
        Report report;
        if (!path.empty() || !paths_.empty()) {
            for (const std::string& p : path.empty() ? paths_ : std::vector<std::string>{path}) {
                call.throwIfExpired();
                reportPath(view, p, !path.empty(), report);
            }
        } else {
            for (const Mount& m : realFilesystems(view.all, excludes_)) {
                call.throwIfExpired();
                if (!view.canReach(m.mountPoint)) {
                    report.unreachable->add(m.mountPoint);
                    continue;
                }
                FsStat st;
                if (!statUnderRoot(hostRoot_.prefix(), m.mountPoint, st)) continue;  // vanished or inaccessible
                if (st.vfs.f_blocks == 0) continue;
                add(report, m, m.mountPoint, st);
            }
        }
        auto out = newObject();
        out->set("filesystems", report.filesystems);
        out->set("omitted", jsonInt(report.omitted));
        if (report.unreachable->size() > 0) out->set("not_reachable", report.unreachable);
        return toJson(out);
    }

    // match, summarize and checks read their input and the plugin's memory only.
    static constexpr uint32_t kAnswersFlags =
        HA_ANSWERS_INSTANT_MATCH | HA_ANSWERS_INSTANT_SUMMARIZE | HA_ANSWERS_INSTANT_CHECKS;
    std::string profile() const { return diskProfile(); }
    std::string match(const Call& call) const { return diskMatch(call.input); }
    std::string summarizeAnew(const Call& call) const { return diskSummary(call.input, thresholds_); }
    std::string checksAnew(const Call& call) const { return diskChecks(call.input, thresholds_); }

    // The same input gives the same text (common/SameAnswer.h): kept, not worded again.
    std::string summarize(const Call& call) { return summaries_.get(call.input, 0, [&] { return summarizeAnew(call); }); }
    std::string checks(const Call& call) { return checkAnswers_.get(call.input, 0, [&] { return checksAnew(call); }); }

private:
    SameAnswer summaries_;
    SameAnswer checkAnswers_;
    // The mount table to report (the host's, with a root prefix) and what of it this process can open.
    struct MountView {
        std::vector<Mount> all;
        bool everything = true;
        std::set<std::string> reachable;
        bool canReach(const std::string& mountPoint) const { return everything || reachable.count(mountPoint) > 0; }
    };

    // What one call found: the filesystems (at most max_filesystems) and the host's mount points
    // this process cannot open.
    struct Report {
        Poco::JSON::Array::Ptr filesystems = new Poco::JSON::Array;
        Poco::JSON::Array::Ptr unreachable = new Poco::JSON::Array;
        size_t omitted = 0;
    };

    void add(Report& report, const Mount& m, const std::string& shownPath, const FsStat& st) const {
        if (report.filesystems->size() >= maxFilesystems_) {
            ++report.omitted;
            return;
        }
        report.filesystems->add(describe(m, shownPath, st.vfs));
    }

    // The filesystem holding one path: asked for (an error when it cannot be read), or from
    // 'paths' (skipped then).
    void reportPath(const MountView& view, const std::string& path, bool asked, Report& report) const {
        // A host mount the container cannot see would stat as the directory beneath it.
        const auto reachable = [&](const Mount* m) {
            if (!m || view.canReach(m->mountPoint)) return true;
            if (asked) throw Error(HA_ERR_UNAVAILABLE, notReachable(m->mountPoint));
            report.unreachable->add(m->mountPoint);
            return false;
        };
        const Mount* named = mountOf(view.all, path);
        if (!reachable(named)) return;
        FsStat st;
        if (!statUnderRoot(hostRoot_.prefix(), path, st)) {
            const int error = errno;
            if (!asked) return;  // a configured path that is gone
            throw Error(error == ENOENT || error == ENOTDIR ? HA_ERR_NOT_FOUND : HA_ERR_UNAVAILABLE,
                        "cannot read " + path + ": " + std::strerror(error));
        }
        // A symlink on the way leads to another filesystem than the name says: its device tells which.
        const Mount* m = named && named->majorMinor == st.majorMinor ? named : mountOf(view.all, path, st.majorMinor);
        if (!reachable(m)) return;
        add(report, m ? *m : Mount{path, "", "unknown", "", false}, path, st);
    }

    MountView readMounts() const {
        MountView view;
        if (!hostRoot_.prefixed()) {
            view.all = parseMountInfo(readMountTable(procRoot_ + "/self/mountinfo"));
            return view;
        }
        // PID 1's table is the host's mount namespace (procfs of the host mounted at proc_root);
        // ours ("self" in that procfs is this process) says which of its mounts we can reach.
        view.all = parseMountInfo(readMountTable(procRoot_ + "/1/mountinfo"));
        view.everything = false;
        view.reachable = hostRoot_.reachable(parseMountInfo(readMountTable(procRoot_ + "/self/mountinfo")));
        return view;
    }

    static std::string readMountTable(const std::string& file) {
        const auto text = readTextFile(file);
        if (!text) throw Error(HA_ERR_UNAVAILABLE, "cannot read the mount table " + file + ": " + std::strerror(errno));
        return *text;
    }

    std::string notReachable(const std::string& mountPoint) const {
        return "the host's " + mountPoint + " is not mounted in this container under " + hostRoot_.prefix() +
               " (mount the host's / with recursive bind and rslave propagation)";
    }

    Poco::JSON::Object::Ptr describe(const Mount& m, const std::string& path, const struct statvfs& st) const {
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
        // Under a root prefix statvfs sees the container's read-only bind mount, not the host's
        // filesystem: only the host's mount table says whether the host mounted it read-only.
        fs->set("read_only", m.readOnly || (!hostRoot_.prefixed() && (st.f_flag & ST_RDONLY) != 0));
        return fs;
    }

    std::string procRoot_;
    HostRoot hostRoot_{""};
    std::vector<std::string> paths_;
    std::vector<std::string> excludes_;
    size_t maxFilesystems_ = 64;
    DiskThresholds thresholds_;
    ShortCache cache_;
};

constexpr const char* kSettingsSchema =
    R"J({"type":"object","additionalProperties":false,"properties":{)J"
    R"J("proc_root":{"type":"string","minLength":1,"description":"procfs to read the mount table from (default /proc; the host's, e.g. /host/proc, in a container)"},)J"
    R"J("root_prefix":{"type":"string","minLength":1,"description":"where the host's root filesystem is mounted, e.g. /host/root in a container: the host's mount table is read from <proc_root>/1/mountinfo, its mount points are opened under this prefix and named as on the host (default: none)"},)J"
    R"J("paths":{"type":"array","items":{"type":"string","minLength":1},"maxItems":256,"description":"report only these paths"},)J"
    R"J("exclude":{"type":"array","items":{"type":"string","minLength":1},"maxItems":256,"description":"mount point prefixes to skip"},)J"
    R"J("cache_ms":{"type":"integer","minimum":0,"maximum":60000,"description":"reuse a result for this many milliseconds (default 250; 0: read /proc for every call)"},)J"
    R"J("max_filesystems":{"type":"integer","minimum":1,"maximum":10000},)J"
    R"J("warning_percent":{"type":"number","minimum":1,"maximum":100,"description":"health check: a filesystem used at or above this is a warning (default 90)"},)J"
    R"J("critical_percent":{"type":"number","minimum":1,"maximum":100,"description":"... and critical at or above this (default 95)"},)J"
    R"J("inode_percent":{"type":"number","minimum":1,"maximum":100,"description":"health check: inodes used at or above this is a warning (default 90)"}}})J";

const ha_plugin_descriptor kDescriptor = {sizeof(ha_plugin_descriptor), HA_KIND_TOOLS, 0, 0, "disk", "Disk space",
                                          HA_PLUGIN_VERSION, "Space of mounted filesystems and ZFS datasets.",
                                          kSettingsSchema};

}  // namespace ha_plugins::disk

HA_DEFINE_TOOLS_PLUGIN(ha_plugins::disk::DiskTools, ha_plugins::disk::kDescriptor)
