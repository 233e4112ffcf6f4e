#include "tools/cpu/CpuAnswers.h"

#include "common/Answers.h"
#include "common/JsonRead.h"
#include "common/PluginConfig.h"
#include "common/Wording.h"

namespace ha_plugins::cpu {

using namespace ha_plugins::answers;
namespace jr = ha_plugins::json_read;
namespace w = ha_plugins::wording;

namespace {

bool asksUptime(const Question& q) {
    return q.hasAny({"uptime", "reboot", "rebooted", "boot", "booted"}) ||
           (q.has("long") && q.hasAny({"up", "running", "been", "online"}));
}

std::string loadText(const Poco::JSON::Object::Ptr& r) {
    auto load = jr::object(r, "load_average");
    if (!load) return "";
    return "load average " + w::number(jr::number(load, "1m"), 2) + ", " + w::number(jr::number(load, "5m"), 2) + ", " +
           w::number(jr::number(load, "15m"), 2) + " over 1, 5 and 15 minutes";
}

std::string busiestCore(const Poco::JSON::Object::Ptr& r) {
    auto perCore = jr::array(r, "per_core_percent");
    if (perCore->size() < 2) return "";
    size_t busiest = 0;
    double max = -1;
    for (size_t i = 0; i < perCore->size(); ++i) {
        const auto v = perCore->get(static_cast<unsigned>(i));
        const double d = v.isNumeric() ? v.convert<double>() : 0.0;
        if (d > max) {
            max = d;
            busiest = i;
        }
    }
    return " Busiest core: cpu" + std::to_string(busiest) + " at " + w::percent(max) + ".";
}

std::string usageText(const Poco::JSON::Object::Ptr& r) {
    const double cores = jr::number(r, "cores");
    std::string s = "CPU: " + w::percent(jr::number(r, "usage_percent")) + " busy across " +
                    w::count(static_cast<uint64_t>(cores), "core", "cores");
    if (const std::string load = loadText(r); !load.empty()) s += " (" + load + ")";
    s += "." + busiestCore(r);
    if (jr::number(r, "iowait_percent") >= 10) {
        s += " " + w::percent(jr::number(r, "iowait_percent")) + " of CPU time is waiting for I/O.";
    }
    if (!jr::string(r, "model").empty()) s += " Model: " + jr::string(r, "model") + ".";
    return s;
}

}  // namespace

std::string cpuProfile() {
    return Profile()
        .words({"cpu", "cpus", "processor", "processors", "load", "busy", "core", "cores", "uptime", "overloaded",
                "overload", "utilization", "utilisation", "usage", "iowait", "slow", "sluggish", "idle", "performance",
                "average", "averages", "long", "reboot", "rebooted", "boot", "booted", "online", "resource", "resources", "compute"})
        .topic("cpu.usage", "CPU usage and load", "What is the CPU usage?")
        .topic("cpu.usage", "Uptime", "How long has the server been up?")
        .check("cpu.usage")
        .json();
}

std::string cpuMatch(std::string_view input) {
    const Question q = Question::parse(input);
    Matches m;
    if (!q.allows("cpu.usage")) return m.json();
    if (q.hasAny({"cpu", "cpus", "processor", "processors", "iowait"})) {
        m.add("cpu.usage", q.aboutAWorkload() ? 0.6 : 1.0);
    } else if (q.hasAny({"load", "busy", "overloaded", "overload", "cores", "core"}) || asksUptime(q)) {
        m.add("cpu.usage", 0.9);
    } else if (q.hasAny({"usage", "utilization", "utilisation", "resources", "resource", "performance", "slow",
                         "sluggish", "idle"})) {
        m.add("cpu.usage", 0.6);
    }
    return m.json();
}

std::string cpuSummary(std::string_view input) {
    const SummaryRequest req = SummaryRequest::parse(input);
    if (!req.outcome.ok()) return summary("I could not read the CPU figures: " + req.outcome.error);
    const auto& r = req.outcome.result;
    const uint64_t up = jr::count(r, "uptime_seconds");
    if (asksUptime(req.question) && up > 0) {
        return summary("The server has been up for " + w::duration(up) + ". " + usageText(r));
    }
    std::string s = usageText(r);
    if (up > 0) s += " Uptime: " + w::duration(up) + ".";
    return summary(s);
}

std::string cpuChecks(std::string_view input, const CpuThresholds& t) {
    const CheckResults results = CheckResults::parse(input);
    Findings f;
    const Outcome* usage = results.find("cpu.usage");
    if (usage == nullptr) return f.json();
    if (!usage->ok()) {
        f.add(Findings::Severity::Warning, "cpu.unreadable", "cpu", "The CPU figures could not be read: " + usage->error);
        return f.json();
    }
    const auto& r = usage->result;
    const double busy = jr::number(r, "usage_percent");
    const double cores = jr::number(r, "cores");
    double load1 = 0;
    if (auto load = jr::object(r, "load_average")) load1 = jr::number(load, "1m");
    auto evidence = newObject();
    evidence->set("usage_percent", busy);
    evidence->set("load_1m", load1);
    evidence->set("cores", cores);
    bool problem = false;
    if (busy >= t.busyPercent) {
        f.add(Findings::Severity::Warning, "cpu.busy", "cpu", "The CPU is " + w::percent(busy) + " busy.", evidence);
        problem = true;
    }
    if (cores > 0 && load1 > t.loadPerCore * cores) {
        f.add(Findings::Severity::Warning, "cpu.load", "cpu",
              "The load average " + w::number(load1, 2) + " is high for " + w::count(static_cast<uint64_t>(cores), "core", "cores") + ".",
              evidence);
        problem = true;
    }
    if (!problem) {
        std::string ok = "CPU " + w::percent(busy) + " busy (load " + w::number(load1, 2) + ")";
        if (const uint64_t up = jr::count(r, "uptime_seconds"); up > 0) ok += ", up " + w::duration(up);
        f.add(Findings::Severity::Ok, "cpu.busy", "cpu", ok, evidence);
    }
    return f.json();
}

}  // namespace ha_plugins::cpu
