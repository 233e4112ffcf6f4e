// Tool plugin "cpu": capability cpu.usage (usage from a background sample, per core, load
// average, uptime, core count and model).
#include "common/PluginConfig.h"
#include "common/SameAnswer.h"
#include "common/ShortCache.h"
#include "common/TextFile.h"
#include "tools/cpu/CpuAnswers.h"
#include "tools/cpu/CpuSampler.h"

#include <homelab_assistant/plugin.hpp>

#include <Poco/JSON/Array.h>

#include <memory>

namespace ha_plugins::cpu {

using homelab_assistant::Call;
using homelab_assistant::Error;
using homelab_assistant::Host;
using homelab_assistant::ToolSpec;

class CpuTools {
public:
    CpuTools(const Host&, const std::string& configJson) : CpuTools(PluginConfig(configJson)) {}

    explicit CpuTools(const PluginConfig& config) : cache_(config) {
        procRoot_ = config.string("proc_root", "/proc");
        const auto interval = std::chrono::milliseconds(config.integer("sample_interval_ms", 1000, 100, 60000));
        thresholds_.busyPercent = config.number("busy_percent", 90.0, 1.0, 100.0);
        thresholds_.loadPerCore = config.number("load_per_core", 2.0, 0.1, 100.0);
        if (!readTextFile(procRoot_ + "/stat")) throw Error(HA_ERR_UNAVAILABLE, "cannot read " + procRoot_ + "/stat");
        model_ = parseModelName(readTextFile(procRoot_ + "/cpuinfo").value_or(""));
        sampler_ = std::make_unique<CpuSampler>(procRoot_ + "/stat", interval);
    }

    std::vector<ToolSpec> tools() const {
        ToolSpec usage;
        usage.name = "cpu.usage";
        usage.description =
            "Current CPU usage in percent (overall and per core, measured over the last sampling interval), "
            "I/O wait, load average over 1, 5 and 15 minutes, number of cores, CPU model and system uptime.";
        usage.timeoutMs = 2000;
        usage.flags = HA_CAPABILITY_INSTANT;  // an in-memory sample and procfs, nothing that can hang
        return {usage};
    }

    std::string invoke(const std::string& name, const Call& call) {
        if (name != "cpu.usage") throw Error(HA_ERR_NOT_FOUND, "unknown capability " + name);
        return cache_.get(name, [&] { return usage(call); }, call);
    }

    // match, summarize and checks read their input and the plugin's memory only.
    static constexpr uint32_t kAnswersFlags =
        HA_ANSWERS_INSTANT_MATCH | HA_ANSWERS_INSTANT_SUMMARIZE | HA_ANSWERS_INSTANT_CHECKS;
    std::string profile() const { return cpuProfile(); }
    std::string match(const Call& call) const { return cpuMatch(call.input); }
    std::string summarizeAnew(const Call& call) const { return cpuSummary(call.input); }
    std::string checksAnew(const Call& call) const { return cpuChecks(call.input, thresholds_); }

    // The same input gives the same text (common/SameAnswer.h): kept, not worded again.
    std::string summarize(const Call& call) { return summaries_.get(call.input, 0, [&] { return summarizeAnew(call); }); }
    std::string checks(const Call& call) { return checkAnswers_.get(call.input, 0, [&] { return checksAnew(call); }); }

private:
    SameAnswer summaries_;
    SameAnswer checkAnswers_;
    std::string usage(const Call& call) {
        const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(call.remainingMs());
        const std::optional<UsageSnapshot> usage = sampler_->latest(until);
        if (!usage) {
            throw Error(call.expired() ? HA_ERR_TIMEOUT : HA_ERR_UNAVAILABLE, "no CPU sample is available yet");
        }
        auto out = newObject();
        out->set("usage_percent", rounded(usage->all.busyPercent, 1));
        out->set("iowait_percent", rounded(usage->all.iowaitPercent, 1));
        out->set("cores", static_cast<Poco::Int64>(usage->coreBusyPercent.size()));
        Poco::JSON::Array::Ptr perCore = new Poco::JSON::Array;
        for (double c : usage->coreBusyPercent) perCore->add(rounded(c, 1));
        out->set("per_core_percent", perCore);
        if (auto load = parseLoadAverage(readTextFile(procRoot_ + "/loadavg").value_or(""))) {
            auto l = newObject();
            l->set("1m", load->one);
            l->set("5m", load->five);
            l->set("15m", load->fifteen);
            out->set("load_average", l);
        }
        if (auto up = parseUptime(readTextFile(procRoot_ + "/uptime").value_or(""))) {
            out->set("uptime_seconds", static_cast<Poco::Int64>(*up));
        }
        out->set("sample_window_ms", static_cast<Poco::Int64>(usage->window.count()));
        if (!model_.empty()) out->set("model", model_);
        return toJson(out);
    }

    std::string procRoot_;
    CpuThresholds thresholds_;
    std::string model_;
    std::unique_ptr<CpuSampler> sampler_;
    ShortCache cache_;
};

constexpr const char* kSettingsSchema =
    R"J({"type":"object","additionalProperties":false,"properties":{)J"
    R"J("proc_root":{"type":"string","minLength":1,"description":"procfs to read (default /proc; /host/proc in a container)"},)J"
    R"J("cache_ms":{"type":"integer","minimum":0,"maximum":60000,"description":"reuse a result for this many milliseconds (default 250; 0: read /proc for every call)"},)J"
    R"J("sample_interval_ms":{"type":"integer","minimum":100,"maximum":60000,"description":"CPU sampling interval (default 1000)"},)J"
    R"J("busy_percent":{"type":"number","minimum":1,"maximum":100,"description":"health check: usage at or above this is a warning (default 90)"},)J"
    R"J("load_per_core":{"type":"number","minimum":0.1,"maximum":100,"description":"health check: 1-minute load above cores x this is a warning (default 2)"}}})J";

const ha_plugin_descriptor kDescriptor = {sizeof(ha_plugin_descriptor), HA_KIND_TOOLS, 0, 0, "cpu", "CPU",
                                          HA_PLUGIN_VERSION, "CPU usage, load average and uptime from /proc.",
                                          kSettingsSchema};

}  // namespace ha_plugins::cpu

HA_DEFINE_TOOLS_PLUGIN(ha_plugins::cpu::CpuTools, ha_plugins::cpu::kDescriptor)
