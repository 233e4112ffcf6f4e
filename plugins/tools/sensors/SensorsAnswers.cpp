#include "tools/sensors/SensorsAnswers.h"

#include "common/JsonRead.h"
#include "common/PluginConfig.h"
#include "common/Wording.h"

#include <homelab_assistant/plugin.hpp>

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <map>
#include <set>

namespace ha_plugins::sensors {

namespace wording = ha_plugins::wording;
using answers::Findings;
using answers::Question;

namespace {

using namespace ha_plugins::json_read;

std::string degrees(double c) { return wording::number(c, c == static_cast<int64_t>(c) ? 0 : 1) + " °C"; }

// "coretemp Package id 0", "nvme Composite (CT1000E100SSD8)", "drivetemp" (its only channel)
std::string sensorName(const Poco::JSON::Object::Ptr& t) {
    std::string name = string(t, "chip");
    const std::string label = string(t, "label");
    if (label != name && label != "temp1") name += " " + label;
    if (!string(t, "device").empty()) name += " (" + string(t, "device") + ")";
    return name;
}

// "high 80 °C, critical 100 °C", "" when the chip reports no plausible limit.
std::string limits(const Poco::JSON::Object::Ptr& t) {
    std::string text;
    if (auto m = optionalNumber(t, "max_celsius")) text = "high " + degrees(*m);
    if (auto c = optionalNumber(t, "crit_celsius")) text += (text.empty() ? "" : ", ") + std::string("critical ") + degrees(*c);
    return text;
}

std::string reading(const Poco::JSON::Object::Ptr& t) {
    const std::string l = limits(t);
    return sensorName(t) + " " + degrees(number(t, "celsius")) + (l.empty() ? "" : " (" + l + ")");
}

bool plausible(const Poco::JSON::Object::Ptr& t) { return flag(t, "plausible", true); }

// The hwmon chip a reading belongs to ("hwmon2" of "hwmon2/temp1").
std::string chipOf(const Poco::JSON::Object::Ptr& t) {
    const std::string source = string(t, "source");
    return source.substr(0, source.find('/'));
}

enum class Level { Ok, Warning, Critical };

// How a temperature stands against its own limits (or the configured threshold).
Level levelOf(const Poco::JSON::Object::Ptr& t, const SensorCheckSettings& s, std::string& why) {
    if (!plausible(t)) return Level::Ok;
    const double c = number(t, "celsius");
    const auto crit = optionalNumber(t, "crit_celsius"), max = optionalNumber(t, "max_celsius");
    if (crit && (c >= *crit || flag(t, "crit_alarm"))) {
        why = "at or over its critical limit of " + degrees(*crit);
        return Level::Critical;
    }
    if (max && (c >= *max || flag(t, "alarm"))) {
        why = "at or over its high limit of " + degrees(*max);
        return Level::Warning;
    }
    if (!max && s.warningCelsius && c >= *s.warningCelsius) {
        why = "at or over the configured " + degrees(*s.warningCelsius);
        return Level::Warning;
    }
    return Level::Ok;
}

std::vector<Poco::JSON::Object::Ptr> ofKind(const Poco::JSON::Object::Ptr& r, const std::string& kind) {
    std::vector<Poco::JSON::Object::Ptr> out;
    for (const auto& t : objects(r, "temperatures")) {
        if (string(t, "kind") == kind && plausible(t)) out.push_back(t);
    }
    return out;
}

std::string noSensors(const std::string& what) {
    return "No " + what + " sensors are visible on this machine (the kernel shows no hwmon chips or thermal zones), "
           "as usual in a virtual machine.";
}

std::string temperaturesSummary(const Question& q, const Poco::JSON::Object::Ptr& r, bool& found) {
    const auto all = objects(r, "temperatures");
    if (all.empty()) {
        found = false;
        return noSensors("temperature");
    }
    std::string text;
    const bool askCpu = q.hasAny({"cpu", "cpus", "processor", "processors", "core", "cores", "package"});
    const bool askDrives = q.hasAny({"drive", "drives", "disk", "disks", "nvme", "ssd", "ssds", "hdd", "hdds"});
    if (askCpu) {
        auto cpu = object(r, "cpu");
        if (!cpu) {
            found = false;
            text = "No CPU temperature sensor is visible on this machine.";
        } else {
            const std::string l = limits(cpu);
            text = "The CPU is at " + degrees(number(cpu, "celsius")) + " (" + sensorName(cpu) + (l.empty() ? "" : "; " + l) + ").";
            const auto cores = ofKind(r, "cpu");
            double lo = 1e9, hi = -1e9;
            int n = 0;
            for (const auto& c : cores) {
                if (string(c, "label").rfind("Core", 0) != 0) continue;
                lo = std::min(lo, number(c, "celsius"));
                hi = std::max(hi, number(c, "celsius"));
                ++n;
            }
            if (n > 1) text += " Its " + std::to_string(n) + " cores are at " + degrees(lo) + " to " + degrees(hi) + ".";
            if (n == 1) text += " Its core is at " + degrees(lo) + ".";
        }
    }
    if (askDrives) {
        // An NVMe drive's Composite is its temperature; its Sensor N are parts of it.
        const auto drives = ofKind(r, "drive");
        std::set<std::string> withComposite;
        for (const auto& d : drives) {
            if (string(d, "label") == "Composite") withComposite.insert(chipOf(d));
        }
        std::vector<std::string> parts;
        for (const auto& d : drives) {
            if (withComposite.count(chipOf(d)) && string(d, "label") != "Composite") continue;
            parts.push_back(reading(d));
        }
        if (!text.empty()) text += " ";
        if (parts.empty()) {
            found = false;
            text += "No drive temperature sensors are visible (the nvme and drivetemp drivers report them).";
        } else {
            text += "Drive temperatures: " + wording::list(parts) + ".";
        }
    }
    if (!askCpu && !askDrives) {
        std::vector<Poco::JSON::Object::Ptr> sorted;
        for (const auto& t : all) {
            if (plausible(t)) sorted.push_back(t);
        }
        std::stable_sort(sorted.begin(), sorted.end(),
                         [](const auto& a, const auto& b) { return number(a, "celsius") > number(b, "celsius"); });
        std::vector<std::string> parts;
        for (size_t i = 0; i < sorted.size() && i < 6; ++i) parts.push_back(reading(sorted[i]));
        text = wording::count(all.size(), "temperature sensor", "temperature sensors") + "; ";
        if (auto cpu = object(r, "cpu")) text += "the CPU is at " + degrees(number(cpu, "celsius")) + "; ";
        text += parts.empty() ? "none gives a plausible reading." : "the hottest: " + wording::list(parts) + ".";
        if (sorted.size() > parts.size()) text += " " + std::to_string(sorted.size() - parts.size()) + " more are cooler.";
    }
    // Problems are worth saying whatever was asked.
    std::vector<std::string> hot;
    for (const auto& t : all) {
        std::string why;
        if (levelOf(t, SensorCheckSettings{}, why) != Level::Ok) hot.push_back(sensorName(t) + " is " + degrees(number(t, "celsius")) + ", " + why);
    }
    for (const auto& h : hot) text += " Too hot: " + h + ".";
    return text;
}

std::string fanState(const Poco::JSON::Object::Ptr& f) {
    const int64_t rpm = static_cast<int64_t>(number(f, "rpm"));
    const auto min = optionalNumber(f, "min_rpm");
    std::string text = string(f, "label") + " " + std::to_string(rpm) + " RPM";
    if (rpm == 0 && min) return text + " (not spinning, although its minimum is " + wording::number(*min, 0) + " RPM)";
    if (min && rpm < *min) return text + " (under its minimum of " + wording::number(*min, 0) + " RPM)";
    if (rpm == 0) return text + " (stopped or not connected)";
    return text;
}

bool fanProblem(const Poco::JSON::Object::Ptr& f) {
    const auto min = optionalNumber(f, "min_rpm");
    return min && number(f, "rpm") < *min;
}

std::string fansSummary(const Poco::JSON::Object::Ptr& r, bool& found) {
    const auto fans = objects(r, "fans");
    if (fans.empty()) {
        found = false;
        return flag(r, "sensors_visible") ? "No fan speeds are reported by this machine's sensor chips." : noSensors("fan");
    }
    std::vector<std::string> parts, problems;
    for (const auto& f : fans) {
        parts.push_back(fanState(f));
        if (fanProblem(f)) problems.push_back(string(f, "label") + " (" + string(f, "chip") + ")");
    }
    std::string text = wording::count(fans.size(), "fan", "fans") + ": " + wording::list(parts) + ".";
    text += problems.empty() ? " No fan is under its minimum speed."
                             : " Check " + wording::list(problems) + ": " +
                                   (problems.size() == 1 ? "it turns" : "they turn") + " slower than the chip's minimum.";
    return text;
}

std::string voltagesSummary(const Poco::JSON::Object::Ptr& r, bool& found) {
    const auto volts = objects(r, "voltages");
    if (volts.empty()) {
        found = false;
        return flag(r, "sensors_visible") ? "No voltages are reported by this machine's sensor chips." : noSensors("voltage");
    }
    std::vector<std::string> parts;
    for (const auto& v : volts) parts.push_back(string(v, "label") + " " + wording::number(number(v, "volts"), 2) + " V");
    return wording::count(volts.size(), "voltage", "voltages") + ": " + wording::list(parts) +
           ". (Many boards report meaningless voltage limits, so they are not judged.)";
}

}  // namespace

std::string answersProfile() {
    answers::Profile p;
    p.words({"temperature", "temperatures", "temp", "temps", "hot", "hotter", "hottest", "heat", "overheat",
             "overheating", "overheated", "warm", "cool", "cooling", "cold", "thermal", "celsius", "degrees",
             "fahrenheit", "sensor", "sensors", "fan", "fans", "rpm", "voltage", "voltages", "volt", "volts", "hwmon",
             "cpu", "processor", "drive", "drives", "nvme", "ssd", "hdd"});
    p.topic("sensors.temperatures", "Temperatures", "How hot is the CPU?")
        .topic("sensors.fans", "Fans", "Are the fans ok?")
        .topic("sensors.voltages", "Voltages", "What are the voltages?")
        .check("sensors.temperatures")
        .check("sensors.fans");
    return p.json();
}

std::string answersMatch(const Question& q) {
    answers::Matches m;
    const auto add = [&](const std::string& capability, double score) {
        if (q.allows(capability)) m.add(capability, score);
    };
    const bool tempWord = q.hasAny({"temperature", "temperatures", "temp", "temps", "thermal", "celsius", "degrees",
                                    "fahrenheit", "overheat", "overheating", "overheated"});
    const bool heatWord = q.hasAny({"hot", "hotter", "hottest", "heat", "warm", "cold", "cool"});
    const bool fanWord = q.hasAny({"fan", "fans", "rpm", "cooling"});
    const bool voltWord = q.hasAny({"voltage", "voltages", "volt", "volts"});
    const bool sensorWord = q.hasAny({"sensor", "sensors", "hwmon"});
    if (tempWord) add("sensors.temperatures", 0.95);
    else if (heatWord) add("sensors.temperatures", 0.9);
    if (fanWord) add("sensors.fans", 0.95);
    if (voltWord) add("sensors.voltages", 0.95);
    if (sensorWord && !tempWord && !heatWord && !fanWord && !voltWord) {
        add("sensors.temperatures", 0.9);
        add("sensors.fans", 0.85);
    }
    return m.json();
}

std::string answersSummarize(const answers::SummaryRequest& request) {
    const auto& o = request.outcome;
    if (!o.ok()) return answers::summary("I could not read the sensors: " + o.error);
    bool found = true;
    std::string text;
    if (o.capability == "sensors.temperatures") {
        text = temperaturesSummary(request.question, o.result, found);
    } else if (o.capability == "sensors.fans") {
        text = fansSummary(o.result, found);
    } else if (o.capability == "sensors.voltages") {
        text = voltagesSummary(o.result, found);
    } else {
        throw homelab_assistant::Error(HA_ERR_UNSUPPORTED, "nothing to say about " + o.capability);
    }
    auto subject = newObject();
    subject->set("capability", o.capability);
    return answers::summary(text, found, subject);
}

std::string answersChecks(const answers::CheckResults& results, const SensorCheckSettings& settings) {
    Findings f;
    const answers::Outcome* temps = results.find("sensors.temperatures");
    const answers::Outcome* fans = results.find("sensors.fans");
    bool visible = false;
    if (temps == nullptr || !temps->ok()) {
        f.add(Findings::Severity::Warning, "sensors.readable", "sensors",
              "Temperatures could not be read: " + (temps ? temps->error : std::string("the check did not run")));
    } else {
        visible = flag(temps->result, "sensors_visible");
        int problems = 0;
        for (const auto& t : objects(temps->result, "temperatures")) {
            std::string why;
            const Level level = levelOf(t, settings, why);
            if (level == Level::Ok) continue;
            ++problems;
            auto evidence = newObject();
            evidence->set("celsius", number(t, "celsius"));
            if (auto m = optionalNumber(t, "max_celsius")) evidence->set("max_celsius", *m);
            if (auto c = optionalNumber(t, "crit_celsius")) evidence->set("crit_celsius", *c);
            evidence->set("source", string(t, "source"));
            f.add(level == Level::Critical ? Findings::Severity::Critical : Findings::Severity::Warning,
                  "sensors.temperature", sensorName(t),
                  "Temperature " + sensorName(t) + " is " + degrees(number(t, "celsius")) + ", " + why + ".", evidence);
        }
        if (problems == 0 && visible) {
            std::string message = "Temperatures normal";
            if (auto cpu = object(temps->result, "cpu")) message += ": CPU " + degrees(number(cpu, "celsius"));
            if (auto hot = object(temps->result, "hottest")) {
                message += std::string(object(temps->result, "cpu") ? ", " : ": ") + "hottest " + sensorName(hot) + " " +
                           degrees(number(hot, "celsius"));
            }
            f.ok("sensors.temperature", "temperatures", message + ".");
        }
    }
    if (fans != nullptr && fans->ok()) {
        visible = visible || flag(fans->result, "sensors_visible");
        const auto list = objects(fans->result, "fans");
        int problems = 0;
        for (const auto& fan : list) {
            if (!fanProblem(fan)) continue;
            ++problems;
            auto evidence = newObject();
            evidence->set("rpm", number(fan, "rpm"));
            evidence->set("min_rpm", number(fan, "min_rpm"));
            evidence->set("source", string(fan, "source"));
            f.add(Findings::Severity::Warning, "sensors.fan", string(fan, "chip") + " " + string(fan, "label"),
                  "Fan " + string(fan, "label") + " (" + string(fan, "chip") + ") " +
                      (number(fan, "rpm") == 0 ? "is not spinning" : "turns at " + wording::number(number(fan, "rpm"), 0) + " RPM") +
                      ", under its minimum of " + wording::number(number(fan, "min_rpm"), 0) + " RPM.",
                  evidence);
        }
        if (problems == 0 && !list.empty()) {
            f.ok("sensors.fan", "fans", std::to_string(static_cast<int64_t>(number(fans->result, "spinning"))) + " of " +
                                            wording::count(list.size(), "fan", "fans") + " spinning, none under its minimum.");
        }
    }
    if (!visible && temps != nullptr && temps->ok()) {
        f.ok("sensors.visible", "sensors", noSensors("temperature or fan"));
    }
    return f.json();
}

}  // namespace ha_plugins::sensors
