#include "tools/memory/MemoryAnswers.h"

#include "common/Answers.h"
#include "common/JsonRead.h"
#include "common/PluginConfig.h"
#include "common/Wording.h"

namespace ha_plugins::memory {

using namespace ha_plugins::answers;
namespace jr = ha_plugins::json_read;
namespace w = ha_plugins::wording;

namespace {

// RAM in use by applications: the ZFS ARC counts as used but is given back on demand.
double applicationPercent(const Poco::JSON::Object::Ptr& r) {
    const double total = jr::number(r, "total_bytes");
    if (total <= 0) return 0;
    const double used = jr::number(r, "used_bytes") - jr::number(r, "zfs_arc_bytes");
    return used > 0 ? used * 100.0 / total : 0.0;
}

}  // namespace

std::string memoryProfile() {
    return Profile()
        .words({"memory", "ram", "swap", "mem", "arc", "cache", "available", "free", "used", "usage", "overloaded",
                "resources", "resource", "utilization", "utilisation"})
        .topic("memory.usage", "Memory and swap", "How much memory is used?")
        .check("memory.usage")
        .json();
}

std::string memoryMatch(std::string_view input) {
    const Question q = Question::parse(input);
    Matches m;
    if (!q.allows("memory.usage")) return m.json();
    if (q.hasAny({"memory", "ram", "mem", "swap", "arc"})) {
        m.add("memory.usage", q.aboutAWorkload() ? 0.6 : 1.0);
    } else if (q.hasAny({"overloaded", "usage", "utilization", "utilisation", "resources", "resource"})) {
        m.add("memory.usage", 0.6);
    }
    return m.json();
}

std::string memorySummary(std::string_view input) {
    const SummaryRequest req = SummaryRequest::parse(input);
    if (!req.outcome.ok()) return summary("I could not read the memory figures: " + req.outcome.error);
    const auto& r = req.outcome.result;
    std::string s = "Memory: " + w::bytes(jr::count(r, "used_bytes")) + " of " + w::bytes(jr::count(r, "total_bytes")) +
                    " used (" + w::percent(jr::number(r, "used_percent")) + "), " +
                    w::bytes(jr::count(r, "available_bytes")) + " available.";
    if (jr::count(r, "zfs_arc_bytes") > 0) {
        s += " The ZFS ARC cache holds " + w::bytes(jr::count(r, "zfs_arc_bytes")) +
             " of the used memory and gives it back when applications need it.";
    }
    auto swap = jr::object(r, "swap");
    if (!swap || jr::count(swap, "total_bytes") == 0) {
        s += " Swap: none configured.";
    } else {
        s += " Swap: " + w::bytes(jr::count(swap, "used_bytes")) + " of " + w::bytes(jr::count(swap, "total_bytes")) +
             " used (" + w::percent(jr::number(swap, "used_percent")) + ").";
    }
    return summary(s);
}

std::string memoryChecks(std::string_view input, const MemoryThresholds& t) {
    const CheckResults results = CheckResults::parse(input);
    Findings f;
    const Outcome* usage = results.find("memory.usage");
    if (usage == nullptr) return f.json();
    if (!usage->ok()) {
        f.add(Findings::Severity::Warning, "memory.unreadable", "memory", "The memory figures could not be read: " + usage->error);
        return f.json();
    }
    const auto& r = usage->result;
    const double used = applicationPercent(r);
    auto evidence = newObject();
    evidence->set("used_percent_without_arc", rounded(used, 1));
    evidence->set("available_bytes", jsonInt(jr::count(r, "available_bytes")));
    bool problem = false;
    if (used >= t.usedPercent) {
        f.add(Findings::Severity::Warning, "memory.pressure", "memory",
              "Memory is " + w::percent(used) + " used (" + w::bytes(jr::count(r, "available_bytes")) + " available).",
              evidence);
        problem = true;
    }
    auto swap = jr::object(r, "swap");
    if (swap && jr::count(swap, "total_bytes") > 0 && jr::number(swap, "used_percent") >= t.swapUsedPercent) {
        f.add(Findings::Severity::Warning, "memory.swap", "swap",
              "Swap is " + w::percent(jr::number(swap, "used_percent")) + " used.", evidence);
        problem = true;
    }
    if (!problem) {
        std::string ok = "memory " + w::percent(jr::number(r, "used_percent")) + " used";
        if (jr::count(r, "zfs_arc_bytes") > 0) ok += " (" + w::percent(used) + " without the ZFS ARC cache)";
        f.add(Findings::Severity::Ok, "memory.pressure", "memory", ok, evidence);
    }
    return f.json();
}

}  // namespace ha_plugins::memory
