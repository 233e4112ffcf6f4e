#include "tools/smart/SmartAnswers.h"

#include "common/PluginConfig.h"
#include "common/Wording.h"

#include <homelab_assistant/plugin.hpp>

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

namespace ha_plugins::smart {

using answers::Findings;
using answers::Matches;
using answers::Question;
using Poco::JSON::Array;
using Poco::JSON::Object;
namespace w = ha_plugins::wording;

namespace {

std::string str(const Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || !o->get(key).isString()) return "";
    return o->get(key).extract<std::string>();
}

std::optional<double> num(const Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key)) return std::nullopt;
    const auto v = o->get(key);
    if (v.isEmpty() || !v.isNumeric() || v.isBoolean()) return std::nullopt;
    return v.convert<double>();
}

uint64_t count(const Object::Ptr& o, const std::string& key) {
    auto v = num(o, key);
    return v && *v > 0 ? static_cast<uint64_t>(*v) : 0;
}

bool flag(const Object::Ptr& o, const std::string& key) {
    return o && o->has(key) && o->get(key).isBoolean() && o->get(key).convert<bool>();
}

Object::Ptr obj(const Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || o->get(key).type() != typeid(Object::Ptr)) return nullptr;
    return o->getObject(key);
}

std::vector<Object::Ptr> objects(const Object::Ptr& o, const std::string& key) {
    std::vector<Object::Ptr> out;
    if (!o || !o->has(key) || o->get(key).type() != typeid(Array::Ptr)) return out;
    auto a = o->getArray(key);
    for (size_t i = 0; i < a->size(); ++i) {
        if (a->get(i).type() == typeid(Object::Ptr)) out.push_back(a->getObject(static_cast<unsigned>(i)));
    }
    return out;
}

std::vector<std::string> strings(const Object::Ptr& o, const std::string& key) {
    std::vector<std::string> out;
    if (!o || !o->has(key) || o->get(key).type() != typeid(Array::Ptr)) return out;
    auto a = o->getArray(key);
    for (size_t i = 0; i < a->size(); ++i) {
        if (a->get(i).isString()) out.push_back(a->get(i).extract<std::string>());
    }
    return out;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string kindWord(const std::string& kind) {
    if (kind == "nvme") return "NVMe";
    if (kind == "ssd") return "SSD";
    if (kind == "hdd") return "HDD";
    return "disk";
}

// "sda (WDC WD140EDFZ-11A0VA0)".
std::string label(const Object::Ptr& d) {
    const std::string name = str(d, "name").empty() ? str(d, "device") : str(d, "name");
    return str(d, "model").empty() ? name : name + " (" + str(d, "model") + ")";
}

std::string shortName(const Object::Ptr& d) { return str(d, "name").empty() ? str(d, "device") : str(d, "name"); }

std::string celsius(double t) { return w::number(t, t == static_cast<long long>(t) ? 0 : 1) + " °C"; }

// Reallocated/pending/uncorrectable sectors of an ATA disk, "" when all are zero.
std::string sectorsText(const Object::Ptr& d) {
    std::vector<std::string> parts;
    if (count(d, "reallocated_sectors")) parts.push_back(std::to_string(count(d, "reallocated_sectors")) + " reallocated");
    if (count(d, "pending_sectors")) parts.push_back(std::to_string(count(d, "pending_sectors")) + " pending");
    if (count(d, "offline_uncorrectable_sectors")) {
        parts.push_back(std::to_string(count(d, "offline_uncorrectable_sectors")) + " offline uncorrectable");
    }
    return parts.empty() ? "" : w::list(parts) + " sectors";
}

std::vector<std::string> problemsOf(const Object::Ptr& d) {
    std::vector<std::string> out;
    if (str(d, "health") == "failed") out.push_back("fails its SMART health check");
    auto nvme = obj(d, "nvme");
    if (count(nvme, "critical_warning")) {
        out.push_back("NVMe critical warning: " + w::list(strings(nvme, "critical_warning_meaning")));
    }
    if (!sectorsText(d).empty()) out.push_back(sectorsText(d));
    if (count(nvme, "media_errors")) out.push_back(w::count(count(nvme, "media_errors"), "media error", "media errors"));
    auto t = num(d, "temperature_c"), limit = num(d, "temperature_limit_c");
    if (t && limit && *t > *limit) out.push_back(celsius(*t) + ", over the " + celsius(*limit) + " limit");
    auto failing = strings(d, "failing_attributes");
    if (!failing.empty() && str(d, "health") != "failed") out.push_back("failing attributes: " + w::list(failing));
    if (str(d, "state") == "unreadable") out.push_back("unreadable: " + str(d, "problem"));
    return out;
}

std::string ageText(const Object::Ptr& r) {
    auto age = num(r, "age_seconds");
    return age ? w::duration(static_cast<uint64_t>(*age)) + " ago" : "";
}

std::string dataAge(const Object::Ptr& r) {
    std::string s = "SMART data from " + ageText(r);
    if (flag(r, "stale")) s += ", older than the " + std::to_string(count(r, "max_age_minutes")) + " min the collector should keep";
    return s;
}

// ---- questions -----------------------------------------------------------------------------

bool isNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '/' || c == ','; }

bool mentions(const std::string& question, const std::string& name) {
    if (name.size() < 3) return false;
    const std::string q = lower(question), n = lower(name);
    for (size_t at = q.find(n); at != std::string::npos; at = q.find(n, at + 1)) {
        const size_t end = at + n.size();
        if ((at == 0 || !isNameChar(q[at - 1])) && (end >= q.size() || !isNameChar(q[end]))) return true;
    }
    return false;
}

std::string mentionedDisk(const Question& q, const KnownDisks& k) {
    for (const auto& list : {&k.devices, &k.serials, &k.models}) {
        for (const auto& n : *list) {
            if (mentions(q.question, n)) return n;
        }
    }
    // "/dev/sda" written out
    for (const auto& n : k.devices) {
        if (mentions(q.question, "/dev/" + n)) return n;
    }
    return "";
}

bool diskWord(const Question& q) {
    return q.hasAny({"disk", "disks", "drive", "drives", "hdd", "hdds", "ssd", "ssds", "nvme", "harddisk", "harddrive"});
}
bool smartWord(const Question& q) {
    return q.hasAny({"smart", "smartctl", "sector", "sectors", "reallocated", "pending", "uncorrectable", "nvme", "hdd",
                     "hdds", "ssd", "ssds", "selftest"});
}
bool temperatureWord(const Question& q) {
    return q.hasAny({"temperature", "temperatures", "temp", "temps", "hot", "hotter", "heat", "warm", "cool", "celsius",
                     "degrees"});
}
bool conditionWord(const Question& q) {
    return q.hasAny({"health", "healthy", "failing", "fail", "failed", "failure", "dying", "dead", "bad", "broken", "errors",
                     "error", "ok", "okay", "fine", "status", "hours", "old", "age", "wear", "worn", "wearout", "lifespan",
                     "standby", "sleeping", "asleep", "spun", "spinning", "serial", "model", "models", "which", "what",
                     "list"}) ||
           temperatureWord(q);
}
bool spaceWord(const Question& q) {
    return q.hasAny({"space", "free", "full", "usage", "used", "capacity", "left", "filesystem", "filesystems", "mounted"});
}

enum class Focus { Health, Temperature, Age };

Focus focusOf(const Question& q) {
    if (temperatureWord(q)) return Focus::Temperature;
    if (q.hasAny({"hours", "old", "age", "wear", "worn", "wearout", "lifespan", "oldest"})) return Focus::Age;
    return Focus::Health;
}

std::optional<size_t> ordinal(const Question& q, size_t size) {
    static const std::vector<std::pair<const char*, size_t>> words = {
        {"first", 0}, {"second", 1}, {"third", 2}, {"fourth", 3}, {"fifth", 4}, {"sixth", 5}};
    for (const auto& [word, index] : words) {
        if (q.has(word) && index < size) return index;
    }
    if (q.has("last") && size > 0) return size - 1;
    return std::nullopt;
}

Object::Ptr args(const std::string& value) {
    auto o = newObject();
    o->set("disk", value);
    return o;
}

void addIfAllowed(Matches& m, const Question& q, const std::string& capability, double score,
                  Object::Ptr arguments = nullptr, const std::vector<std::string>& names = {}) {
    if (q.allows(capability)) m.add(capability, score, std::move(arguments), names);
}

std::string diskLine(const Object::Ptr& d, Focus focus) {
    const std::string state = str(d, "state");
    if (state == "standby") return label(d) + ": in standby, not read so as not to wake it";
    if (state == "unreadable") return label(d) + ": unreadable (" + str(d, "problem") + ")";
    std::string s = label(d) + ", " + kindWord(str(d, "kind"));
    auto t = num(d, "temperature_c");
    auto hours = num(d, "power_on_hours");
    const auto problems = problemsOf(d);
    switch (focus) {
        case Focus::Temperature:
            s = label(d) + ": " + (t ? celsius(*t) : std::string("no temperature reported"));
            if (t && num(d, "temperature_limit_c") && *t > *num(d, "temperature_limit_c")) {
                s += " (over the " + celsius(*num(d, "temperature_limit_c")) + " limit)";
            }
            return s;
        case Focus::Age:
            s = label(d) + ": " + (hours ? w::count(static_cast<uint64_t>(*hours), "power-on hour", "power-on hours") + " (" +
                                               w::duration(static_cast<uint64_t>(*hours) * 3600) + ")"
                                         : std::string("no power-on hours reported"));
            if (auto used = num(obj(d, "nvme"), "percentage_used")) s += ", " + w::number(*used, 0) + "% of its rated endurance used";
            return s;
        default:
            s += problems.empty() ? ": healthy" : ": " + w::list(problems);
            if (t) s += ", " + celsius(*t);
            if (hours) s += ", " + w::count(static_cast<uint64_t>(*hours), "hour", "hours") + " on";
            return s;
    }
}

Object::Ptr evidenceOf(std::initializer_list<std::pair<const char*, Poco::Dynamic::Var>> items) {
    auto o = newObject();
    for (const auto& [k, v] : items) o->set(k, v);
    return o;
}

}  // namespace

std::string smartProfile(const KnownDisks& disks) {
    answers::Profile profile;
    profile.words({"smart",    "smartctl",  "disk",     "disks",     "drive",      "drives",      "hdd",        "hdds",
                   "ssd",      "ssds",      "nvme",     "harddisk",  "harddrive",  "sector",      "sectors",    "reallocated",
                   "pending",  "uncorrectable", "selftest", "temperature", "temperatures", "temp", "temps", "hot",
                   "hotter",   "heat",      "warm",     "cool",      "celsius",    "degrees",     "health",     "healthy",
                   "failing",  "fail",      "failed",   "failure",   "dying",      "dead",        "bad",        "broken",
                   "errors",   "error",     "hours",    "old",       "age",        "wear",        "worn",       "wearout",
                   "lifespan", "standby",   "sleeping", "asleep",    "spun",       "spinning",    "serial",     "model",
                   "models"});
    std::set<std::string> seen;
    for (const auto* list : {&disks.devices, &disks.serials}) {
        for (const auto& n : *list) {
            std::string piece;
            for (char c : n + " ") {
                if (std::isalnum(static_cast<unsigned char>(c))) {
                    piece += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                } else {
                    if (piece.size() >= 3 && seen.insert(piece).second && seen.size() < 256) profile.words({piece.c_str()});
                    piece.clear();
                }
            }
        }
    }
    profile.topic("smart.disks", "Disk health (SMART)", "Any failing disks?")
        .topic("smart.disks", "Disk temperatures", "How hot are my drives?")
        .topic("smart.disk", "One disk's SMART details", "Show the SMART data of sda")
        .check("smart.disks");
    return profile.json();
}

std::string smartMatch(const Question& q, const KnownDisks& disks) {
    Matches m;
    const std::string named = mentionedDisk(q, disks);
    if (!named.empty()) {
        addIfAllowed(m, q, "smart.disk", 0.95, args(named), {named});
        return m.json();
    }
    if (q.subjectIs("smart")) {
        const auto list = strings(q.subjectData, "disks");
        if (auto i = ordinal(q, list.size())) {
            addIfAllowed(m, q, "smart.disk", 0.9, args(list[*i]));
            return m.json();
        }
        if (list.size() == 1 && q.hasAny({"it", "its", "that", "this", "one"})) {
            addIfAllowed(m, q, "smart.disk", 0.85, args(list[0]));
            return m.json();
        }
    }
    const bool disk = diskWord(q), smart = smartWord(q);
    if (smart || (disk && conditionWord(q) && !spaceWord(q))) {
        addIfAllowed(m, q, "smart.disks", 0.95);
    } else if (disk && !spaceWord(q)) {
        addIfAllowed(m, q, "smart.disks", 0.7);  // "what disks do I have?"
    } else if (temperatureWord(q) && !q.hasAny({"cpu", "cpus", "processor", "core", "cores", "gpu", "room", "outside"})) {
        addIfAllowed(m, q, "smart.disks", 0.55);  // a sensors plugin knows temperatures better
    }
    return m.json();
}

std::string smartSummarize(const answers::SummaryRequest& request) {
    const Question& q = request.question;
    const auto& outcome = request.outcome;
    if (!outcome.ok()) {
        if (outcome.status == "not_found") return answers::summary(w::sentence(outcome.error) + ".", false);
        return answers::summary("I could not read the SMART data: " + outcome.error + ".");
    }
    const auto& r = outcome.result;
    const Focus focus = focusOf(q);
    if (outcome.capability == "smart.disks") {
        if (!flag(r, "collected")) return answers::summary(str(r, "reason") + ".", false);
        auto disks = objects(r, "disks");
        if (disks.empty()) {
            std::string text = "The SMART collector found no disks (" + dataAge(r) + ").";
            if (!str(r, "collector_error").empty()) text = "The SMART collector could not read the disks: " + str(r, "collector_error") + ".";
            return answers::summary(text, false);
        }
        std::stable_sort(disks.begin(), disks.end(), [](const Object::Ptr& a, const Object::Ptr& b) {
            return !problemsOf(a).empty() && problemsOf(b).empty();
        });
        Array::Ptr names = new Array;
        size_t bad = 0;
        for (auto& d : disks) {
            names->add(shortName(d));
            bad += problemsOf(d).empty() ? 0 : 1;
        }
        std::string text;
        if (focus == Focus::Temperature) {
            text = "Disk temperatures (" + dataAge(r) + "):";
        } else if (focus == Focus::Age) {
            text = "Disk ages (" + dataAge(r) + "):";
        } else {
            text = bad == 0 ? (disks.size() == 1 ? "Your disk is healthy" : "All " + std::to_string(disks.size()) + " disks are healthy")
                            : std::to_string(bad) + " of " + w::count(disks.size(), "disk", "disks") + (bad == 1 ? " has" : " have") +
                                  " a problem";
            text += " (" + dataAge(r) + "):";
        }
        for (auto& d : disks) text += "\n- " + diskLine(d, focus);
        auto subject = newObject();
        subject->set("disks", names);
        return answers::summary(text, true, subject);
    }
    if (outcome.capability == "smart.disk") {
        std::string text = diskLine(r, focus) + ".";
        if (!str(r, "last_self_test").empty()) text += " Last self-test: " + str(r, "last_self_test") + ".";
        if (!str(r, "serial").empty()) text += " Serial number " + str(r, "serial") + ".";
        auto subject = newObject();
        Array::Ptr names = new Array;
        names->add(shortName(r));
        subject->set("disks", names);
        return answers::summary(text, true, subject);
    }
    throw homelab_assistant::Error(HA_ERR_UNSUPPORTED, "no wording for " + outcome.capability);
}

std::string smartChecks(const answers::CheckResults& results, const SmartLimits& limits, int64_t now) {
    Findings f;
    const answers::Outcome* disks = results.find("smart.disks");
    if (disks == nullptr) return f.json();
    if (!disks->ok()) {
        f.add(Findings::Severity::Warning, "smart.unavailable", "smart", "SMART data could not be read: " + disks->error + ".");
        return f.json();
    }
    const auto& r = disks->result;
    if (!flag(r, "collected")) {
        f.add(Findings::Severity::Warning, "smart.collector", "smart", str(r, "reason") + ".",
              evidenceOf({{"data_dir", str(r, "data_dir")}}));
        return f.json();
    }
    if (!str(r, "collector_error").empty()) {
        f.add(Findings::Severity::Warning, "smart.collector", "smart",
              "The SMART collector could not read the disks: " + str(r, "collector_error") + ".");
    }
    const auto collected = num(r, "collected_at_unix");
    const int64_t age = collected ? std::max<int64_t>(0, now - static_cast<int64_t>(*collected)) : 0;
    if (age > limits.maxAgeMinutes * 60) {
        f.add(Findings::Severity::Warning, "smart.stale", "smart",
              "The SMART data is " + w::duration(static_cast<uint64_t>(age)) + " old (more than " +
                  std::to_string(limits.maxAgeMinutes) + " min): is homelab-assistant-smart.timer running?",
              evidenceOf({{"collected_at", str(r, "collected_at")}, {"age_seconds", static_cast<Poco::Int64>(age)}}));
    }
    const auto list = objects(r, "disks");
    if (list.empty() && str(r, "collector_error").empty()) {
        f.ok("smart.disks", "smart", "The SMART collector found no disks.");
    }
    for (const auto& d : list) {
        const std::string name = shortName(d);
        const std::string state = str(d, "state");
        if (state == "standby") {
            f.ok("smart.disk", name, label(d) + " is in standby; it was not woken to read SMART data.");
            continue;
        }
        if (state == "unreadable") {
            f.add(Findings::Severity::Warning, "smart.unreadable", name,
                  "The SMART data of " + label(d) + " could not be read: " + str(d, "problem") + ".");
            continue;
        }
        bool problem = false;
        if (str(d, "health") == "failed") {
            problem = true;
            f.add(Findings::Severity::Critical, "smart.health", name,
                  "Disk " + label(d) + " fails its SMART health check: back it up and replace it.",
                  evidenceOf({{"failing_attributes", d->has("failing_attributes") ? d->get("failing_attributes") : Poco::Dynamic::Var()}}));
        }
        auto nvme = obj(d, "nvme");
        if (count(nvme, "critical_warning")) {
            problem = true;
            f.add(Findings::Severity::Critical, "smart.nvme_warning", name,
                  "NVMe disk " + label(d) + " raises a critical warning: " + w::list(strings(nvme, "critical_warning_meaning")) + ".",
                  evidenceOf({{"critical_warning", jsonInt(count(nvme, "critical_warning"))}}));
        }
        if (!sectorsText(d).empty()) {
            problem = true;
            f.add(Findings::Severity::Warning, "smart.sectors", name, "Disk " + label(d) + " has " + sectorsText(d) + ".",
                  evidenceOf({{"reallocated_sectors", jsonInt(count(d, "reallocated_sectors"))},
                              {"pending_sectors", jsonInt(count(d, "pending_sectors"))},
                              {"offline_uncorrectable_sectors", jsonInt(count(d, "offline_uncorrectable_sectors"))}}));
        }
        if (count(nvme, "media_errors")) {
            problem = true;
            f.add(Findings::Severity::Warning, "smart.media_errors", name,
                  "NVMe disk " + label(d) + " has " + w::count(count(nvme, "media_errors"), "media error", "media errors") + ".",
                  evidenceOf({{"media_errors", jsonInt(count(nvme, "media_errors"))}}));
        }
        auto t = num(d, "temperature_c");
        const std::string kind = str(d, "kind");
        const double limit = kind == "nvme" ? limits.nvmeTemperatureC : kind == "ssd" ? limits.ssdTemperatureC : limits.hddTemperatureC;
        if (t && *t > limit) {
            problem = true;
            f.add(Findings::Severity::Warning, "smart.temperature", name,
                  "Disk " + label(d) + " is at " + celsius(*t) + ", over the " + celsius(limit) + " limit for " +
                      (kind == "unknown" || kind.empty() ? std::string("a disk") : "an " + kindWord(kind)) + ".",
                  evidenceOf({{"temperature_c", *t}, {"limit_c", limit}}));
        }
        if (!problem) {
            std::string msg = "Disk " + label(d) + " is healthy";
            if (t) msg += ", " + celsius(*t);
            if (auto hours = num(d, "power_on_hours")) msg += ", " + w::count(static_cast<uint64_t>(*hours), "hour", "hours") + " on";
            f.ok("smart.disk", name, msg + ".");
        }
    }
    return f.json();
}

}  // namespace ha_plugins::smart
