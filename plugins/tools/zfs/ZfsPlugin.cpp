// Tool plugin "zfs": pools (state, space, vdev errors, scrub and resilver), one pool's vdev tree,
// and datasets with their snapshots, read from the zpool and zfs commands (never changing
// anything). Implements the answers interface: it words its results and reports health findings.
#include "common/Answers.h"
#include "common/PluginConfig.h"
#include "common/SameAnswer.h"
#include "common/RefreshedValue.h"
#include "common/ShortCache.h"
#include "tools/zfs/ZfsAnswers.h"
#include "tools/zfs/ZfsCommands.h"
#include "tools/zfs/ZfsView.h"

#include <homelab_assistant/plugin.hpp>

#include <Poco/JSON/Array.h>

#include <ctime>
#include <mutex>

namespace ha_plugins::zfs {

using homelab_assistant::Call;
using homelab_assistant::Error;
using homelab_assistant::Host;
using homelab_assistant::ToolSpec;

namespace {

int64_t unixNow() { return static_cast<int64_t>(::time(nullptr)); }

std::string absolutePath(const PluginConfig& config, const std::string& key, const std::string& fallback) {
    const std::string path = config.string(key, fallback);
    if (path.empty() || path[0] != '/') throw Error(HA_ERR_INVALID_ARGUMENT, "'" + key + "' must be an absolute path");
    return path;
}

// Answers calls run under the host's short answers deadline; name look-ups for match() get at
// most this much of it, so a slow zpool never holds up questions for other plugins.
constexpr uint64_t kNameLookupNs = 1500ull * 1000000ull;

}  // namespace

class ZfsTools {
public:
    ZfsTools(const Host&, const std::string& configJson) {
        const PluginConfig config(configJson);
        ZfsCommandSettings s;
        s.zpool = absolutePath(config, "zpool_path", "/sbin/zpool");
        s.zfs = absolutePath(config, "zfs_path", "/sbin/zfs");
        s.limits.timeout = std::chrono::milliseconds(config.integer("command_timeout_ms", 10000, 100, 120000));
        s.limits.maxOutputBytes = static_cast<size_t>(config.integer("max_output_bytes", 16 << 20, 4096, 256 << 20));
        s.cacheTtl = std::chrono::seconds(config.integer("cache_seconds", 5, 0, 3600));
        s.versionTtl = std::max<std::chrono::milliseconds>(s.cacheTtl, std::chrono::seconds(60));
        thresholds_.scrubMaxAgeDays = config.integer("scrub_max_age_days", 35, 1, 3650);
        thresholds_.capacityWarningPercent = config.number("capacity_warning_percent", 80, 1, 100);
        thresholds_.capacityCriticalPercent = config.number("capacity_critical_percent", 90, 1, 100);
        if (thresholds_.capacityWarningPercent > thresholds_.capacityCriticalPercent) {
            throw Error(HA_ERR_INVALID_ARGUMENT, "'capacity_warning_percent' must not exceed 'capacity_critical_percent'");
        }
        maxDatasets_ = static_cast<size_t>(config.integer("max_datasets", 1000, 1, 100000));
        commands_ = std::make_unique<ZfsCommands>(s);
        results_ = std::make_unique<ShortCache>(s.cacheTtl);
    }

    std::vector<ToolSpec> tools() const {
        const auto timeout = static_cast<uint32_t>(std::min<int64_t>(
            600000, 2 * commands_->settings().limits.timeout.count() + 2000));
        ToolSpec pools;
        pools.name = "zfs.pools";
        pools.description =
            "Every ZFS pool: state (ONLINE, DEGRADED, FAULTED ...), size, allocated and free bytes, capacity and "
            "fragmentation percent, the vdevs that have read/write/checksum errors or are not online, permanent data "
            "errors, the running or last scrub/resilver (progress, end time, bytes repaired, errors) and when the last "
            "scrub finished. Says so when ZFS is not installed.";
        pools.timeoutMs = timeout;
        pools.flags = HA_CAPABILITY_FROM_MEMORY;  // results are kept for cache_seconds

        ToolSpec pool;
        pool.name = "zfs.pool";
        pool.description =
            "One ZFS pool in detail: everything zfs.pools reports plus the whole vdev tree (mirrors, raidz, disks, "
            "logs, cache, spares) with each vdev's state and read/write/checksum error counts, every scan, and the "
            "explanation and suggested action zpool gives for an unhealthy pool.";
        pool.inputSchema =
            R"J({"type":"object","properties":{"pool":{"type":"string","minLength":1,"maxLength":255,)J"
            R"J("description":"Pool name, e.g. tank"}},"required":["pool"],"additionalProperties":false})J";
        pool.timeoutMs = timeout;
        pool.flags = HA_CAPABILITY_FROM_MEMORY;

        ToolSpec datasets;
        datasets.name = "zfs.datasets";
        datasets.description =
            "ZFS datasets (filesystems and volumes) with used, available and referenced bytes, quota, compression "
            "ratio and mountpoint, and per dataset the number of snapshots and the newest snapshot's name and age. "
            "Optionally only one pool's datasets or one dataset.";
        datasets.inputSchema =
            R"J({"type":"object","properties":{)J"
            R"J("pool":{"type":"string","minLength":1,"maxLength":255,"description":"Only the datasets of this pool"},)J"
            R"J("dataset":{"type":"string","minLength":1,"maxLength":1024,"description":"Only this dataset, e.g. tank/media"}},)J"
            R"J("additionalProperties":false})J";
        datasets.timeoutMs = timeout;
        datasets.flags = HA_CAPABILITY_FROM_MEMORY;
        return {pools, pool, datasets};
    }

    // Results are kept as long as the commands' output: a burst of questions neither runs nor
    // parses anything twice.
    std::string invoke(const std::string& name, const Call& call) {
        return results_->get(name + '\n' + std::string(call.input), [&] { return compute(name, call); }, call);
    }

    std::string compute(const std::string& name, const Call& call) {
        const PluginConfig input = PluginConfig::fromInput(call.input);
        if (name == "zfs.pools") return toJson(poolsResult(call.deadlineNs));
        if (name == "zfs.pool") return toJson(poolResult(input.string("pool", ""), call.deadlineNs));
        if (name == "zfs.datasets") {
            return toJson(datasetsResult(input.string("pool", ""), input.string("dataset", ""), call.deadlineNs));
        }
        throw Error(HA_ERR_NOT_FOUND, "unknown capability " + name);
    }

    // ---- answers interface ----
    // summarize and checks read their input only; match() the pool and dataset names in memory,
    // which are listed on threads of their own.
    static constexpr uint32_t kAnswersFlags =
        HA_ANSWERS_INSTANT_MATCH | HA_ANSWERS_INSTANT_SUMMARIZE | HA_ANSWERS_INSTANT_CHECKS;
    std::string profile() {
        // Knowing the pool and dataset names up front keeps typo correction away from them.
        return zfsProfile(names(true));
    }

    std::string match(const Call& call) {
        const auto q = answers::Question::parse(call.input);
        return zfsMatch(q, names(wantsDatasetNames(q)));
    }

    std::string summarizeAnew(const Call& call) { return zfsSummarize(answers::SummaryRequest::parse(call.input)); }

    std::string checks(const Call& call) {
        const int64_t now = unixNow();  // the findings word ages in seconds: part of the key
        return checkAnswers_.get(call.input, now, [&] { return zfsChecks(answers::CheckResults::parse(call.input), thresholds_, now); });
    }

    // The same input gives the same text (common/SameAnswer.h): kept, not worded again.
    std::string summarize(const Call& call) { return summaries_.get(call.input, 0, [&] { return summarizeAnew(call); }); }

private:
    SameAnswer summaries_;
    SameAnswer checkAnswers_;
    ZfsVersion installed(uint64_t deadline) {
        auto v = commands_->version(deadline);
        if (!v) throw Error(HA_ERR_UNAVAILABLE, "ZFS is not installed (no zpool command at " + commands_->settings().zpool + ")");
        return *v;
    }

    Poco::JSON::Object::Ptr poolsResult(uint64_t deadline) {
        auto v = commands_->version(deadline);
        if (!v) {
            auto out = newObject();
            out->set("installed", false);
            out->set("reason", "no zpool command at " + commands_->settings().zpool);
            out->set("pools", Poco::JSON::Array::Ptr(new Poco::JSON::Array));
            out->set("count", 0);
            return out;
        }
        const auto spaces = commands_->pools(*v, deadline);
        const auto statuses = commands_->status(*v, deadline);
        remember(spaces);
        return poolsView(spaces, statuses, *v, unixNow());
    }

    Poco::JSON::Object::Ptr poolResult(const std::string& pool, uint64_t deadline) {
        const ZfsVersion v = installed(deadline);
        const auto spaces = commands_->pools(v, deadline);
        const auto statuses = commands_->status(v, deadline);
        remember(spaces);
        for (const auto& s : statuses) {
            if (s.name != pool) continue;
            const PoolSpace* space = nullptr;
            for (const auto& sp : spaces) {
                if (sp.name == pool) space = &sp;
            }
            auto out = poolDetail(space, s, unixNow());
            out->set("zfs", sourceInfo(v));
            return out;
        }
        std::vector<std::string> names;
        for (const auto& s : statuses) names.push_back(s.name);
        throw Error(HA_ERR_NOT_FOUND, "there is no ZFS pool named '" + pool + "'" +
                                          (names.empty() ? std::string(" (there are no pools)")
                                                         : " (pools: " + wordingList(names) + ")"));
    }

    Poco::JSON::Object::Ptr datasetsResult(const std::string& pool, const std::string& dataset, uint64_t deadline) {
        const ZfsVersion v = installed(deadline);
        const DatasetListing listing = commands_->datasets(v, deadline);
        rememberDatasets(listing);
        auto out = datasetsView(listing, pool, dataset, maxDatasets_, unixNow());
        if (!out) {
            throw Error(HA_ERR_NOT_FOUND, !dataset.empty() ? "there is no ZFS dataset named '" + dataset + "'"
                                                           : "there is no ZFS pool named '" + pool + "'");
        }
        return out;
    }

    static std::string wordingList(const std::vector<std::string>& items) {
        std::string s;
        for (size_t i = 0; i < items.size(); ++i) s += (i ? ", " : "") + items[i];
        return s;
    }

    // Names for match(): the last listing when it is recent, else a fresh (cached) one. Dataset
    // names are listed only for questions that may name one (there can be thousands).
    KnownNames names(bool withDatasets) {
        KnownNames known;
        known.pools = *pools_->get();
        if (withDatasets) known.datasets = *datasets_->get();
        return known;
    }

    // No zpool command, or it fails: no names (the question is then matched by its words alone).
    std::vector<std::string> readPools() {
        const uint64_t deadline = homelab_assistant::monotonicNowNs() + kNameLookupNs;
        const auto v = commands_->version(deadline);
        return v ? poolNames(commands_->pools(*v, deadline)) : std::vector<std::string>{};
    }

    std::vector<std::string> readDatasets() {
        const uint64_t deadline = homelab_assistant::monotonicNowNs() + kNameLookupNs;
        const auto v = commands_->version(deadline);
        return v ? datasetNames(commands_->datasets(*v, deadline)) : std::vector<std::string>{};
    }

    static std::vector<std::string> poolNames(const std::vector<PoolSpace>& spaces) {
        std::vector<std::string> names;
        for (const auto& s : spaces) names.push_back(s.name);
        return names;
    }

    static std::vector<std::string> datasetNames(const DatasetListing& listing) {
        std::vector<std::string> names;
        for (const auto& d : listing.datasets) {
            if (names.size() >= 4096) break;
            names.push_back(d.name);
        }
        return names;
    }

    // A capability that listed pools or datasets keeps the names as fresh as its result.
    void remember(const std::vector<PoolSpace>& spaces) { pools_->put(poolNames(spaces)); }
    void rememberDatasets(const DatasetListing& listing) { datasets_->put(datasetNames(listing)); }

    static constexpr std::chrono::milliseconds kNamesTtl{60000};
    // How long a question waits for names listed again: the commands' deadline, and some.
    static constexpr std::chrono::milliseconds kNamesWait{1600};
    std::unique_ptr<ZfsCommands> commands_;
    std::unique_ptr<ShortCache> results_;
    ZfsThresholds thresholds_;
    size_t maxDatasets_ = 1000;
    // Last: their threads run commands_, so they stop before it goes.
    std::unique_ptr<RefreshedValue<std::vector<std::string>>> pools_ =
        std::make_unique<RefreshedValue<std::vector<std::string>>>([this] { return readPools(); }, kNamesTtl, kNamesWait);
    std::unique_ptr<RefreshedValue<std::vector<std::string>>> datasets_ =
        std::make_unique<RefreshedValue<std::vector<std::string>>>([this] { return readDatasets(); }, kNamesTtl,
                                                                   kNamesWait);
};

constexpr const char* kSettingsSchema =
    R"J({"type":"object","additionalProperties":false,"properties":{)J"
    R"J("zpool_path":{"type":"string","minLength":1,"description":"zpool command (default /sbin/zpool)"},)J"
    R"J("zfs_path":{"type":"string","minLength":1,"description":"zfs command (default /sbin/zfs)"},)J"
    R"J("command_timeout_ms":{"type":"integer","minimum":100,"maximum":120000,"description":"each command is killed after this (default 10000)"},)J"
    R"J("max_output_bytes":{"type":"integer","minimum":4096,"maximum":268435456,"description":"bound on one command's output (default 16 MiB)"},)J"
    R"J("cache_seconds":{"type":"integer","minimum":0,"maximum":3600,"description":"reuse a command's output this long (default 5; 0 = never)"},)J"
    R"J("scrub_max_age_days":{"type":"integer","minimum":1,"maximum":3650,"description":"warn when the last scrub is older (default 35)"},)J"
    R"J("capacity_warning_percent":{"type":"number","minimum":1,"maximum":100,"description":"warn at this pool capacity (default 80)"},)J"
    R"J("capacity_critical_percent":{"type":"number","minimum":1,"maximum":100,"description":"critical at this pool capacity (default 90)"},)J"
    R"J("max_datasets":{"type":"integer","minimum":1,"maximum":100000,"description":"datasets listed at most (default 1000)"}}})J";

const ha_plugin_descriptor kDescriptor = {sizeof(ha_plugin_descriptor), HA_KIND_TOOLS, 0, 0, "zfs", "ZFS",
                                          HA_PLUGIN_VERSION,
                                          "ZFS pools, vdev errors, scrubs and resilvers, datasets and snapshots from zpool and zfs.",
                                          kSettingsSchema};

}  // namespace ha_plugins::zfs

HA_DEFINE_TOOLS_PLUGIN(ha_plugins::zfs::ZfsTools, ha_plugins::zfs::kDescriptor)
