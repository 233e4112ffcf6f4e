// Tool plugin "sensors": temperatures (hwmon chips and thermal zones) with their limits, fans and
// voltages, read from sysfs under a configurable root.
#include "common/Answers.h"
#include "common/PluginConfig.h"
#include "common/SameAnswer.h"
#include "common/ShortCache.h"
#include "tools/sensors/SensorTree.h"
#include "tools/sensors/SensorsAnswers.h"

#include <homelab_assistant/plugin.hpp>

#include <chrono>
#include <mutex>

namespace ha_plugins::sensors {

using homelab_assistant::Call;
using homelab_assistant::Error;
using homelab_assistant::Host;
using homelab_assistant::ToolSpec;

class SensorsTools {
public:
    SensorsTools(const Host&, const std::string& configJson) : results_(PluginConfig(configJson), 5000, 600000) {
        const PluginConfig config(configJson);
        sysRoot_ = config.string("sys_root", "/sys");
        if (sysRoot_.empty() || sysRoot_.front() != '/') throw Error(HA_ERR_INVALID_ARGUMENT, "'sys_root' must be an absolute path");
        options_.readDrivetemp = config.boolean("read_drivetemp", true);
        options_.ignore = config.strings("ignore", {});
        const double warning = config.number("warning_celsius", 0, 0, 150);
        if (warning > 0) checkSettings_.warningCelsius = warning;
        cacheFor_ = std::chrono::milliseconds(config.integer("cache_ms", 5000, 0, 600000));
    }

    std::vector<ToolSpec> tools() const {
        ToolSpec temps;
        temps.name = "sensors.temperatures";
        temps.description =
            "Temperatures from the hardware sensors (CPU package and cores, NVMe and SATA drives, chipset, board, GPU, "
            "ACPI thermal zones) in degrees Celsius, each with its high and critical limits when the chip reports "
            "plausible ones, alarms, the CPU temperature and the hottest sensor. Empty in most virtual machines.";
        temps.timeoutMs = 5000;
        temps.flags = HA_CAPABILITY_FROM_MEMORY;  // results are kept for cache_ms
        ToolSpec fans;
        fans.name = "sensors.fans";
        fans.description = "Fan speeds in RPM from the hardware sensor chips, with each fan's minimum speed and alarm when set.";
        fans.timeoutMs = 5000;
        fans.flags = HA_CAPABILITY_FROM_MEMORY;
        ToolSpec volts;
        volts.name = "sensors.voltages";
        volts.description = "Voltages (volts) reported by the hardware sensor chips, with their limits as the chip reports them.";
        volts.timeoutMs = 5000;
        volts.flags = HA_CAPABILITY_FROM_MEMORY;
        return {temps, fans, volts};
    }

    std::string invoke(const std::string& name, const Call& call) {
        return results_.get(name, [&] { return read(name); }, call);
    }

    // match, summarize and checks read their input and the plugin's memory only.
    static constexpr uint32_t kAnswersFlags =
        HA_ANSWERS_INSTANT_MATCH | HA_ANSWERS_INSTANT_SUMMARIZE | HA_ANSWERS_INSTANT_CHECKS;
    std::string profile() { return answersProfile(); }
    std::string match(const Call& call) { return answersMatch(answers::Question::parse(call.input)); }
    std::string summarizeAnew(const Call& call) { return answersSummarize(answers::SummaryRequest::parse(call.input)); }
    std::string checksAnew(const Call& call) { return answersChecks(answers::CheckResults::parse(call.input), checkSettings_); }

    // The same input gives the same text (common/SameAnswer.h): kept, not worded again.
    std::string summarize(const Call& call) { return summaries_.get(call.input, 0, [&] { return summarizeAnew(call); }); }
    std::string checks(const Call& call) { return checkAnswers_.get(call.input, 0, [&] { return checksAnew(call); }); }

private:
    SameAnswer summaries_;
    SameAnswer checkAnswers_;
    std::string read(const std::string& name) {
        const SensorReadings r = readings();
        if (name == "sensors.temperatures") return toJson(temperaturesJson(r));
        if (name == "sensors.fans") return toJson(fansJson(r));
        if (name == "sensors.voltages") return toJson(voltagesJson(r));
        throw Error(HA_ERR_NOT_FOUND, "unknown capability " + name);
    }

    // One reading of the tree serves the three capabilities for cacheFor_: some drivers answer
    // slowly (a drive temperature is a command to the disk).
    SensorReadings readings() {
        const auto now = std::chrono::steady_clock::now();
        std::lock_guard<std::mutex> lock(mutex_);
        if (!readAt_ || now - *readAt_ >= cacheFor_) {
            last_ = readSensors(sysRoot_, options_);
            readAt_ = now;
        }
        return last_;
    }

    std::string sysRoot_;
    ReadOptions options_;
    SensorCheckSettings checkSettings_;
    std::chrono::milliseconds cacheFor_{5000};
    ShortCache results_;  // the capabilities' texts, kept as long as the reading
    std::mutex mutex_;
    std::optional<std::chrono::steady_clock::time_point> readAt_;
    SensorReadings last_;
};

constexpr const char* kSettingsSchema =
    R"J({"type":"object","additionalProperties":false,"properties":{)J"
    R"J("sys_root":{"type":"string","minLength":1,"description":"sysfs to read (default /sys; /host/sys in a container)"},)J"
    R"J("read_drivetemp":{"type":"boolean","description":"Read SATA drive temperatures (drivetemp); reading may reset a disk's spin-down timer (default true)"},)J"
    R"J("ignore":{"type":"array","maxItems":256,"items":{"type":"string","minLength":1,"maxLength":128},"description":"Sensors to leave out, as chip or chip/label (e.g. nct6776/CPUTIN)"},)J"
    R"J("warning_celsius":{"type":"number","minimum":0,"maximum":150,"description":"Warn at this temperature for sensors that report no high limit (default: off)"},)J"
    R"J("cache_ms":{"type":"integer","minimum":0,"maximum":600000,"description":"Reuse a reading this long (default 5000)"}}})J";

const ha_plugin_descriptor kDescriptor = {sizeof(ha_plugin_descriptor), HA_KIND_TOOLS, 0, 0, "sensors", "Sensors",
                                          HA_PLUGIN_VERSION, "Temperatures, fans and voltages from the kernel's hwmon and thermal sysfs.",
                                          kSettingsSchema};

}  // namespace ha_plugins::sensors

HA_DEFINE_TOOLS_PLUGIN(ha_plugins::sensors::SensorsTools, ha_plugins::sensors::kDescriptor)
