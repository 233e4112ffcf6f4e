// Tool plugin "memory": capability memory.usage (RAM, swap, ZFS ARC) from /proc.
#include "common/PluginConfig.h"
#include "common/SameAnswer.h"
#include "common/ShortCache.h"
#include "common/TextFile.h"
#include "tools/memory/MemInfo.h"
#include "tools/memory/MemoryAnswers.h"

#include <homelab_assistant/plugin.hpp>

namespace ha_plugins::memory {

using homelab_assistant::Call;
using homelab_assistant::Error;
using homelab_assistant::Host;
using homelab_assistant::ToolSpec;

class MemoryTools {
public:
    MemoryTools(const Host&, const std::string& configJson) : MemoryTools(PluginConfig(configJson)) {}

    explicit MemoryTools(const PluginConfig& config) : cache_(config) {
        procRoot_ = config.string("proc_root", "/proc");
        thresholds_.usedPercent = config.number("used_percent", 90.0, 1.0, 100.0);
        thresholds_.swapUsedPercent = config.number("swap_used_percent", 50.0, 1.0, 100.0);
        if (!readTextFile(procRoot_ + "/meminfo")) throw Error(HA_ERR_UNAVAILABLE, "cannot read " + procRoot_ + "/meminfo");
    }

    std::vector<ToolSpec> tools() const {
        ToolSpec usage;
        usage.name = "memory.usage";
        usage.description =
            "Memory usage: total, used, available and free RAM in bytes, percent used, buffers and page cache, "
            "swap usage, and the size of the ZFS ARC cache when ZFS is in use (ARC memory counts as used but is "
            "released on demand).";
        usage.timeoutMs = 2000;
        usage.flags = HA_CAPABILITY_INSTANT;  // procfs only: never waits
        return {usage};
    }

    std::string invoke(const std::string& name, const Call& call) {
        if (name != "memory.usage") throw Error(HA_ERR_NOT_FOUND, "unknown capability " + name);
        return cache_.get(name, [&] { return usage(); }, call);
    }

    // match, summarize and checks read their input and the plugin's memory only.
    static constexpr uint32_t kAnswersFlags =
        HA_ANSWERS_INSTANT_MATCH | HA_ANSWERS_INSTANT_SUMMARIZE | HA_ANSWERS_INSTANT_CHECKS;
    std::string profile() const { return memoryProfile(); }
    std::string match(const Call& call) const { return memoryMatch(call.input); }
    std::string summarizeAnew(const Call& call) const { return memorySummary(call.input); }
    std::string checksAnew(const Call& call) const { return memoryChecks(call.input, thresholds_); }

    // The same input gives the same text (common/SameAnswer.h): kept, not worded again.
    std::string summarize(const Call& call) { return summaries_.get(call.input, 0, [&] { return summarizeAnew(call); }); }
    std::string checks(const Call& call) { return checkAnswers_.get(call.input, 0, [&] { return checksAnew(call); }); }

private:
    SameAnswer summaries_;
    SameAnswer checkAnswers_;
    std::string usage() const {
        const auto text = readTextFile(procRoot_ + "/meminfo");
        const auto m = text ? parseMemInfo(*text) : std::nullopt;
        if (!m) throw Error(HA_ERR_UNAVAILABLE, "cannot read " + procRoot_ + "/meminfo");
        const uint64_t used = m->total - m->available;
        auto out = newObject();
        out->set("total_bytes", jsonInt(m->total));
        out->set("used_bytes", jsonInt(used));
        out->set("available_bytes", jsonInt(m->available));
        out->set("free_bytes", jsonInt(m->free));
        out->set("buffers_bytes", jsonInt(m->buffers));
        out->set("cached_bytes", jsonInt(m->cached));
        out->set("used_percent", percentOf(used, m->total));
        auto swap = newObject();
        swap->set("total_bytes", jsonInt(m->swapTotal));
        swap->set("used_bytes", jsonInt(m->swapTotal - m->swapFree));
        swap->set("free_bytes", jsonInt(m->swapFree));
        swap->set("used_percent", percentOf(m->swapTotal - m->swapFree, m->swapTotal));
        out->set("swap", swap);
        if (auto arc = readTextFile(procRoot_ + "/spl/kstat/zfs/arcstats")) {
            if (auto size = parseArcSize(*arc)) out->set("zfs_arc_bytes", jsonInt(*size));
        }
        return toJson(out);
    }

    std::string procRoot_;
    MemoryThresholds thresholds_;
    ShortCache cache_;
};

constexpr const char* kSettingsSchema =
    R"J({"type":"object","additionalProperties":false,"properties":{)J"
    R"J("proc_root":{"type":"string","minLength":1,"description":"procfs to read (default /proc; /host/proc in a container)"},)J"
    R"J("cache_ms":{"type":"integer","minimum":0,"maximum":60000,"description":"reuse a result for this many milliseconds (default 250; 0: read /proc for every call)"},)J"
    R"J("used_percent":{"type":"number","minimum":1,"maximum":100,"description":"health check: RAM used (ZFS ARC excluded) at or above this is a warning (default 90)"},)J"
    R"J("swap_used_percent":{"type":"number","minimum":1,"maximum":100,"description":"health check: swap used at or above this is a warning (default 50)"}}})J";

const ha_plugin_descriptor kDescriptor = {sizeof(ha_plugin_descriptor), HA_KIND_TOOLS, 0, 0, "memory", "Memory",
                                          HA_PLUGIN_VERSION, "RAM, swap and ZFS ARC usage from /proc.",
                                          kSettingsSchema};

}  // namespace ha_plugins::memory

HA_DEFINE_TOOLS_PLUGIN(ha_plugins::memory::MemoryTools, ha_plugins::memory::kDescriptor)
