#include "tools/truenas/TruenasAnswers.h"

#include "common/Answers.h"
#include "common/PluginConfig.h"
#include "common/Wording.h"
#include "tools/truenas/DataProtectionView.h"
#include "tools/truenas/JsonValue.h"

#include <homelab_assistant/plugin.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace ha_plugins::truenas {

using answers::CheckResults;
using answers::Findings;
using answers::Matches;
using answers::Outcome;
using answers::Question;
using answers::SummaryRequest;
using Severity = Findings::Severity;
namespace w = wording;

// ---- known names ---------------------------------------------------------------------------

void KnownNames::setApps(std::vector<std::string> names) {
    std::lock_guard<std::mutex> lock(mutex_);
    apps_ = std::move(names);
}

void KnownNames::setPools(std::vector<std::string> names) {
    std::lock_guard<std::mutex> lock(mutex_);
    pools_ = std::move(names);
}

std::vector<std::string> KnownNames::apps() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return apps_;
}

std::vector<std::string> KnownNames::pools() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return pools_;
}

namespace {

// ---- small helpers ---------------------------------------------------------------------------

// "home-assistant" -> "home assistant": how the name appears in a question's text.
std::string asWords(const std::string& name) {
    std::string out;
    bool space = false;
    for (const unsigned char c : name) {
        if (std::isalnum(c)) {
            if (space && !out.empty()) out += ' ';
            space = false;
            out += static_cast<char>(std::tolower(c));
        } else {
            space = true;
        }
    }
    return out;
}

// Coarse age: "12 s", "40 min", "5 h", "5 h 12 min", "3 days", "3 days 12 h".
std::string age(int64_t seconds) {
    if (seconds < 0) seconds = 0;
    if (seconds < 60) return std::to_string(seconds) + " s";
    if (seconds < 3600) return std::to_string(seconds / 60) + " min";
    if (seconds < 86400) {
        const int64_t minutes = (seconds % 3600) / 60;
        return std::to_string(seconds / 3600) + " h" + (minutes ? " " + std::to_string(minutes) + " min" : "");
    }
    const int64_t hours = (seconds % 86400) / 3600;
    return w::count(static_cast<uint64_t>(seconds / 86400), "day", "days") + (hours ? " " + std::to_string(hours) + " h" : "");
}

std::string str(const ObjectPtr& o, const std::string& key, const std::string& fallback = "") { return text(o, key, fallback); }

std::string withoutStop(std::string s) {
    while (!s.empty() && (s.back() == '.' || s.back() == ' ')) s.pop_back();
    return s;
}

int64_t num(const ObjectPtr& o, const std::string& key, int64_t fallback = 0) { return integer(o, key).value_or(fallback); }

std::vector<ObjectPtr> objects(const ArrayPtr& a) {
    std::vector<ObjectPtr> out;
    for (size_t i = 0; a && i < a->size(); ++i) {
        if (auto o = objectOf(a->get(static_cast<unsigned>(i)))) out.push_back(o);
    }
    return out;
}

std::string lowerState(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// "First", "second" ... in a follow-up question: 0-based index, -1 for "last", nullopt for none.
std::optional<int> ordinalOf(const Question& q) {
    static const std::pair<const char*, int> words[] = {{"first", 0}, {"1st", 0}, {"second", 1}, {"2nd", 1},
                                                         {"third", 2}, {"3rd", 2}, {"fourth", 3}, {"4th", 3},
                                                         {"fifth", 4}, {"5th", 4}, {"last", -1}};
    for (const auto& [word, index] : words) {
        if (q.has(word)) return index;
    }
    return std::nullopt;
}

ObjectPtr args1(const std::string& key, const std::string& value) {
    auto a = newObject();
    a->set(key, value);
    return a;
}

ObjectPtr args2(const std::string& k1, const std::string& v1, const std::string& k2, const std::string& v2) {
    auto a = args1(k1, v1);
    a->set(k2, v2);
    return a;
}

// ---- match -------------------------------------------------------------------------------------

class Candidates {
public:
    explicit Candidates(const Question& q) : q_(q) {}
    void add(const std::string& capability, double score, ObjectPtr arguments = nullptr, std::vector<std::string> names = {}) {
        if (!q_.allows(capability)) return;
        const std::string key = capability + (arguments ? toJson(arguments) : "{}");
        auto& c = byKey_[key];
        if (c.capability.empty()) order_.push_back(key);
        if (score > c.score) {
            c = {capability, score, arguments, std::move(names)};
        }
    }
    // limit: at most this many matches, the best first.
    std::string json(size_t limit = 8) const {
        Matches m;
        std::vector<const Candidate*> list;
        for (const auto& key : order_) list.push_back(&byKey_.at(key));
        std::stable_sort(list.begin(), list.end(), [](const Candidate* a, const Candidate* b) { return a->score > b->score; });
        for (size_t i = 0; i < list.size() && i < limit; ++i) m.add(list[i]->capability, list[i]->score, list[i]->arguments, list[i]->names);
        return m.json();
    }
    bool empty() const { return order_.empty(); }

private:
    struct Candidate {
        std::string capability;
        double score = 0;
        ObjectPtr arguments;
        std::vector<std::string> names;
    };
    const Question& q_;
    std::map<std::string, Candidate> byKey_;
    std::vector<std::string> order_;
};

}  // namespace

std::string answersProfile(bool configured) {
    answers::Profile p;
    p.words({"truenas", "nas", "true", "scale", "middleware", "alert", "alerts", "alarm", "alarms", "notification",
             "notifications", "app", "apps", "application", "applications", "crashed", "stopped", "deploying",
             "replication", "replications", "replicate", "replicated", "replicating", "snapshot", "snapshots", "task",
             "tasks", "periodic", "schedule", "scheduled", "cloud", "sync", "cloudsync", "backup", "backups",
             "protection", "protected", "boot", "bootpool", "version", "release", "build", "update", "updates",
             "upgrade", "upgrades", "outdated", "uptime", "hostname", "ecc", "system", "pool", "pools", "vdev", "vdevs",
             "zpool", "degraded", "disk", "disks", "drive", "drives", "hdd", "ssd", "nvme", "temperature",
             "temperatures", "hot", "hottest", "temp", "succeed", "succeeded", "success", "successful", "failed", "fail",
             "late", "last", "latest", "recent", "running", "run", "ran", "status", "healthy", "health", "ok",
             "working", "work", "worked"});
    p.topic(kAlerts, "TrueNAS alerts", "Any TrueNAS alerts?")
        .topic(kApps, "TrueNAS apps", "Are my apps running?")
        .topic(kDataProtection, "Snapshots, replication and cloud sync", "Did the last replication succeed?")
        .topic(kSystem, "TrueNAS version, uptime and boot pool", "Is my boot pool ok?")
        .topic(kPools, "TrueNAS pools", "Are my TrueNAS pools healthy?")
        .topic(kDisks, "TrueNAS disks and temperatures", "How hot are the TrueNAS disks?");
    if (configured) p.check(kAlerts).check(kApps).check(kDataProtection).check(kSystem);
    return p.json();
}

std::string answersMatch(std::string_view input, bool configured, const KnownNames& known) {
    const Question q = Question::parse(input);
    Candidates c(q);
    const bool named = q.hasAny({"truenas", "nas", "middleware"}) || q.hasPhrase("true nas");
    // Without an API key only a question about TrueNAS by name is taken (to say how to set it up).
    if (!configured && !named) return c.json();
    const auto s = [named](double base) { return named ? 0.95 : base; };

    const bool alerts = q.hasAny({"alert", "alerts", "alarm", "alarms", "notification", "notifications"});
    const bool updates = q.hasAny({"update", "updates", "upgrade", "upgrades", "outdated"});
    const bool apps = q.hasAny({"app", "apps", "application", "applications"});
    const bool replication = q.hasAny({"replication", "replications", "replicate", "replicated", "replicating"});
    const bool snapshot = q.hasAny({"snapshot", "snapshots"});
    const bool task = q.hasAny({"task", "tasks", "periodic", "schedule", "scheduled"});
    const bool cloud = q.hasAny({"cloudsync", "cloud"});
    const bool backup = q.hasAny({"backup", "backups", "protection", "protected"});
    const bool boot = q.hasAny({"boot", "bootpool"});
    const bool version = q.hasAny({"version", "release", "build"});
    const bool ecc = q.has("ecc");
    const bool system = q.hasAny({"uptime", "hostname", "system"});
    const bool pools = q.hasAny({"pool", "pools", "vdev", "vdevs", "zpool", "degraded"}) && !boot;
    const bool disks = q.hasAny({"disk", "disks", "drive", "drives", "hdd", "ssd", "nvme", "temperature", "temperatures", "hot",
                                    "hottest", "temp"});

    if (alerts) c.add(kAlerts, s(0.8));
    if (updates) {
        if (apps) {
            c.add(kApps, 0.9);  // "upgrade available" is TrueNAS's word for app updates
        } else {
            c.add(kAlerts, named ? 0.9 : 0.6);  // the "Update Available" alert
            c.add(kApps, named ? 0.8 : 0.55);
        }
    } else if (apps) {
        c.add(kApps, s(0.75));  // "apps" is shared with docker's containers
    }
    for (const std::string& app : known.apps()) {
        const std::string words = asWords(app);
        if (!words.empty() && q.hasPhrase(words)) c.add(kApps, 0.9, args1("app", app), {words});
    }
    if (replication) c.add(kDataProtection, s(0.9), args1("kind", "replication"));
    if (snapshot) c.add(kDataProtection, task || named ? 0.9 : 0.6, args1("kind", "snapshot"));  // snapshots alone: zfs's
    if (cloud) c.add(kDataProtection, s(0.9), args1("kind", "cloud_sync"));
    if ((backup || (task && !snapshot)) && !replication && !cloud && !snapshot) c.add(kDataProtection, s(0.8));
    if (boot) c.add(kSystem, s(0.9));
    if (version) c.add(kSystem, s(0.65));
    if (ecc) c.add(kSystem, s(0.8));
    if (system) c.add(kSystem, s(0.55));
    if (pools) {
        c.add(kPools, s(0.6));  // pools are the zfs plugin's subject too
        for (const std::string& pool : known.pools()) {
            if (q.has(asWords(pool))) c.add(kPools, s(0.85), args1("pool", pool), {asWords(pool)});
        }
    }
    // Disks and temperatures are the smart and sensors plugins' subject; disk space the disk plugin's.
    if (disks && !q.hasAny({"space", "free", "full", "left", "usage", "used", "capacity"})) c.add(kDisks, s(0.55));
    if (named && c.empty()) {
        c.add(kAlerts, 0.9);  // "is my TrueNAS ok?"
        c.add(kSystem, 0.85);
    }
    // Follow-ups to a TrueNAS answer: "and the second one?", "why?".
    if (c.empty() && q.subjectIs("truenas") && !q.subjectCapability.empty()) {
        std::vector<std::string> names;
        std::vector<std::string> kinds;
        if (auto list = childArray(q.subjectData, "names")) {
            for (size_t i = 0; i < list->size(); ++i) {
                if (list->get(static_cast<unsigned>(i)).isString()) names.push_back(list->get(static_cast<unsigned>(i)).extract<std::string>());
            }
        }
        if (auto list = childArray(q.subjectData, "kinds")) {
            for (size_t i = 0; i < list->size(); ++i) {
                if (list->get(static_cast<unsigned>(i)).isString()) kinds.push_back(list->get(static_cast<unsigned>(i)).extract<std::string>());
            }
        }
        // "and the second one?", "what about the last?": an ordinal in a question shaped like a
        // follow-up (not "when did the last scrub run?", which is another plugin's question).
        const size_t wordCount = static_cast<size_t>(std::count(q.text.begin(), q.text.end(), ' ')) - (q.text.empty() ? 0 : 1);
        const bool followUpShape = q.hasAny({"one", "ones", "and", "about"}) || wordCount <= 3;
        const auto ordinal = followUpShape ? ordinalOf(q) : std::nullopt;
        const std::string& cap = q.subjectCapability;
        if (ordinal && !names.empty()) {
            const size_t i = *ordinal < 0 ? names.size() - 1 : static_cast<size_t>(*ordinal);
            if (i < names.size()) {
                if (cap == kApps) c.add(kApps, 0.85, args1("app", names[i]));
                if (cap == kPools) c.add(kPools, 0.85, args1("pool", names[i]));
                if (cap == kDisks) c.add(kDisks, 0.85, args1("disk", names[i]));
                if (cap == kDataProtection && i < kinds.size()) c.add(kDataProtection, 0.85, args2("kind", kinds[i], "task", names[i]));
            }
        } else if (q.hasAny({"it", "its", "that", "this", "those", "them", "they", "which", "why", "details", "detail",
                             "more", "one", "ones", "failed", "late", "last"})) {
            // Below what another plugin's own subject scores, so that a new question wins.
            c.add(cap, 0.6, q.subjectArguments);
        }
    }
    // Not set up: one answer saying how is enough, whatever was asked.
    return c.json(configured ? 8 : 1);
}

// ---- summarize ---------------------------------------------------------------------------------

namespace {

std::string failureText(const Outcome& o) {
    const std::string& e = o.error.empty() ? std::string("no details") : o.error;
    if (o.status == "denied") return "TrueNAS refused the request: " + e;
    if (o.status == "unavailable") return "TrueNAS could not be reached: " + e;
    if (o.status == "timeout") return "TrueNAS did not answer in time: " + e;
    if (o.status == "unsupported") return "This TrueNAS cannot answer that: " + e;
    return "The TrueNAS request failed (" + o.status + "): " + e;
}

std::string alertLine(const ObjectPtr& a) {
    std::string m = plainText(str(a, "message"), 220);
    // Several alert classes append "." to a reason that already ends with one.
    if (m.size() >= 2 && m.compare(m.size() - 2, 2, "..") == 0 && (m.size() < 3 || m[m.size() - 3] != '.')) m.pop_back();
    return m;
}

std::string summarizeAlerts(const Question& q, const ObjectPtr& r) {
    const auto list = objects(childArray(r, "alerts"));
    if (q.hasAny({"update", "updates", "upgrade", "upgrades"})) {
        for (const auto& a : list) {
            if (str(a, "klass") == "HasUpdate") {
                return "TrueNAS reports a system update is available" +
                       (integer(a, "age_seconds") ? " (alert raised " + age(num(a, "age_seconds")) + " ago)" : std::string()) +
                       ": " + alertLine(a);
            }
        }
        return "TrueNAS has not raised an \"Update Available\" alert (it does when its automatic update check finds one).";
    }
    const int64_t active = num(r, "active"), dismissed = num(r, "dismissed");
    if (active == 0) {
        return "No active TrueNAS alerts" + (dismissed > 0 ? " (" + w::count(static_cast<uint64_t>(dismissed), "dismissed alert", "dismissed alerts") + ")" : std::string()) + ".";
    }
    std::map<std::string, std::vector<ObjectPtr>> bySeverity;
    for (const auto& a : list) {
        if (!flag(a, "dismissed")) bySeverity[str(a, "severity")].push_back(a);
    }
    std::vector<std::string> counts;
    for (const char* sev : {"critical", "warning", "info"}) {
        if (!bySeverity[sev].empty()) counts.push_back(std::to_string(bySeverity[sev].size()) + " " + sev);
    }
    std::string out = "TrueNAS has " + w::count(static_cast<uint64_t>(active), "active alert", "active alerts") +
                      (counts.empty() ? "" : " (" + w::list(counts) + ")") + ".";
    size_t shown = 0;
    for (const char* sev : {"critical", "warning", "info"}) {
        const auto& items = bySeverity[sev];
        if (items.empty() || shown >= 5) continue;
        std::vector<std::string> lines;
        for (const auto& a : items) {
            if (shown >= 5) break;
            lines.push_back(alertLine(a));
            ++shown;
        }
        std::string label = w::sentence(sev);
        out += " " + label + ": " + lines.front();
        for (size_t i = 1; i < lines.size(); ++i) out += "; " + lines[i];
        if (out.back() != '.') out += '.';
    }
    if (dismissed > 0) out += " " + w::count(static_cast<uint64_t>(dismissed), "alert is", "alerts are") + " dismissed.";
    return out;
}

std::string appState(const std::string& state) {
    if (state == "DEPLOYING") return "deploying (starting up)";
    return lowerState(state);
}

std::string summarizeApps(const Question&, const Outcome& o, ObjectPtr& subject) {
    const auto apps = objects(childArray(o.result, "apps"));
    Poco::JSON::Array::Ptr names = new Poco::JSON::Array;
    for (const auto& a : apps) names->add(str(a, "name"));
    subject = newObject();
    subject->set("names", names);
    if (o.arguments->has("app") && apps.size() == 1) {
        const auto& a = apps.front();
        std::string out = str(a, "name") + " is " + appState(str(a, "state"));
        if (auto v = optionalText(a, "app_version")) out += " (version " + *v + ")";
        if (auto c = childObject(a, "containers"); c && num(c, "total") > 0 && num(c, "running") < num(c, "total")) {
            out += ", " + std::to_string(num(c, "running")) + " of " + w::count(static_cast<uint64_t>(num(c, "total")), "container", "containers") + " running";
        }
        out += ".";
        if (flag(a, "upgrade_available")) out += " An upgrade" + (optionalText(a, "latest_version") ? " to " + str(a, "latest_version") : std::string()) + " is available.";
        if (flag(a, "image_updates_available")) out += " Newer container images are available.";
        return out;
    }
    if (apps.empty()) return "No apps are installed on this TrueNAS (or Apps has no pool configured).";
    std::map<std::string, std::vector<std::string>> byState;
    std::vector<std::string> upgrades;
    for (const auto& a : apps) {
        byState[str(a, "state")].push_back(str(a, "name"));
        if (flag(a, "upgrade_available")) upgrades.push_back(str(a, "name"));
    }
    std::vector<std::string> parts;
    if (!byState["RUNNING"].empty()) parts.push_back(std::to_string(byState["RUNNING"].size()) + " running");
    for (const char* state : {"CRASHED", "STOPPED", "DEPLOYING", "STOPPING"}) {
        const auto& list = byState[state];
        if (!list.empty()) parts.push_back(std::to_string(list.size()) + " " + lowerState(state) + " (" + w::list(list) + ")");
    }
    for (const auto& [state, list] : byState) {
        if (state != "RUNNING" && state != "CRASHED" && state != "STOPPED" && state != "DEPLOYING" && state != "STOPPING") {
            parts.push_back(std::to_string(list.size()) + " " + lowerState(state) + " (" + w::list(list) + ")");
        }
    }
    std::string out = w::sentence(w::count(apps.size(), "TrueNAS app", "TrueNAS apps")) + ": " + w::list(parts) + ".";
    if (byState["RUNNING"].size() == apps.size()) out = "All " + w::count(apps.size(), "TrueNAS app is", "TrueNAS apps are") + " running.";
    if (!upgrades.empty()) out += " Upgrade available for " + w::list(upgrades) + ".";
    return out;
}

std::string taskName(const std::string& kind, const ObjectPtr& t) {
    if (kind == "snapshot") return "snapshot task " + str(t, "dataset");
    if (kind == "replication") return "replication '" + str(t, "name") + "'";
    return "cloud sync '" + str(t, "description") + "'";
}

std::string taskSentence(const std::string& kind, const ObjectPtr& t) {
    const std::string name = taskName(kind, t);
    const std::string outcome = str(t, "outcome");
    const std::string when = integer(t, "last_run_age_seconds") ? age(num(t, "last_run_age_seconds")) + " ago" : "";
    std::string out;
    if (outcome == "ok") {
        out = w::sentence(name) + " succeeded " + (when.empty() ? "" : when);
    } else if (outcome == "failed") {
        out = w::sentence(name) + " FAILED" + (when.empty() ? "" : " " + when) + (optionalText(t, "error") ? ": " + str(t, "error") : "");
    } else if (outcome == "late") {
        out = w::sentence(name) + " is late: its last success was " + when + (optionalText(t, "schedule") ? ", it should run " + str(t, "schedule") : "");
    } else if (outcome == "held") {
        out = w::sentence(name) + " is on hold" + (optionalText(t, "reason") ? ": " + str(t, "reason") : "");
    } else if (outcome == "running") {
        out = w::sentence(name) + " is running now";
    } else if (outcome == "aborted") {
        out = w::sentence(name) + " was aborted" + (when.empty() ? "" : " " + when);
    } else if (outcome == "disabled") {
        out = w::sentence(name) + " is disabled";
    } else if (outcome == "manual") {
        out = w::sentence(name) + " runs only by hand and has not run since TrueNAS started";
    } else if (outcome == "not_run_yet") {
        out = w::sentence(name) + " has not run yet";
    } else {
        out = w::sentence(name) + " is " + outcome;
    }
    while (!out.empty() && (out.back() == ' ' || out.back() == '.')) out.pop_back();
    return out + ".";
}

std::string summarizeDataProtection(const Question& q, const Outcome& o, ObjectPtr& subject) {
    struct Item {
        std::string kind;
        ObjectPtr task;
    };
    std::vector<Item> items;
    const std::pair<const char*, const char*> lists[] = {
        {"replication", "replications"}, {"snapshot", "snapshot_tasks"}, {"cloud_sync", "cloud_syncs"}};
    for (const auto& [kind, key] : lists) {
        for (const auto& t : objects(childArray(o.result, key))) items.push_back({kind, t});
    }
    Poco::JSON::Array::Ptr names = new Poco::JSON::Array, kinds = new Poco::JSON::Array;
    for (const auto& i : items) {
        names->add(i.kind == "snapshot" ? str(i.task, "dataset") : str(i.task, i.kind == "replication" ? "name" : "description"));
        kinds->add(i.kind);
    }
    subject = newObject();
    subject->set("names", names);
    subject->set("kinds", kinds);
    std::string errors;
    if (auto e = childObject(o.result, "errors")) {
        for (const auto& key : e->getNames()) {
            const std::string what = key == "snapshot" ? "snapshot task" : key == "cloud_sync" ? "cloud sync" : key;
            errors += " The " + what + " tasks could not be read: " + withoutStop(text(e, key)) + ".";
        }
    }
    const std::string kindArg = text(o.arguments, "kind");
    if (items.empty()) {
        if (!text(o.arguments, "task").empty()) return "There is no such task on this TrueNAS." + errors;
        const std::string what = kindArg == "replication" ? "replication tasks" : kindArg == "snapshot" ? "periodic snapshot tasks"
                                 : kindArg == "cloud_sync" ? "cloud sync tasks" : "snapshot, replication or cloud sync tasks";
        return "This TrueNAS has no " + what + "." + errors;
    }
    if (items.size() == 1) return taskSentence(items[0].kind, items[0].task) + errors;
    // "Did the last replication succeed?": the most recent run first, then any other problem.
    std::string out;
    std::set<const Item*> said;
    if (q.hasAny({"last", "latest", "recent", "succeed", "succeeded", "success", "successful", "work", "worked"})) {
        const Item* latest = nullptr;
        for (const auto& i : items) {
            if (!integer(i.task, "last_run_age_seconds")) continue;
            if (!latest || num(i.task, "last_run_age_seconds") < num(latest->task, "last_run_age_seconds")) latest = &i;
        }
        if (latest) {
            out = "The most recent run: " + taskSentence(latest->kind, latest->task);
            said.insert(latest);
        }
    }
    std::vector<std::string> problems, fine;
    size_t ok = 0;
    for (const auto& i : items) {
        if (said.count(&i)) continue;
        const std::string outcome = str(i.task, "outcome");
        if (isProblemOutcome(outcome)) {
            problems.push_back(taskSentence(i.kind, i.task));
        } else if (outcome == "ok") {
            ++ok;
            fine.push_back(taskName(i.kind, i.task));
        }
    }
    if (!problems.empty()) {
        out += (out.empty() ? "" : " ") + std::string(problems.size() == 1 ? "Problem: " : "Problems: ");
        for (size_t i = 0; i < problems.size() && i < 6; ++i) out += (i ? " " : "") + problems[i];
    }
    if (ok > 0) {
        out += (out.empty() ? "" : " ") + std::string(problems.empty() && said.empty() ? "All fine: " : "Fine: ") +
               w::list(std::vector<std::string>(fine.begin(), fine.begin() + static_cast<long>(std::min<size_t>(fine.size(), 6)))) +
               (fine.size() > 6 ? " and " + std::to_string(fine.size() - 6) + " more" : "") + ".";
    }
    if (out.empty()) out = "No task has a result to report yet.";
    return out + errors;
}

// brief: status and problem devices only (for a health finding).
std::string poolSentence(const ObjectPtr& p, bool boot, bool brief = false) {
    const std::string name = str(p, "name");
    std::string out = (boot ? "Boot pool " : "Pool ") + name + " is " + str(p, "status");
    if (str(p, "status") == "ONLINE" && flag(p, "healthy")) out += " and healthy";
    if (auto used = number(p, "used_percent"); used && !brief) {
        out += ", " + w::percent(*used) + " used";
        if (auto free = integer(p, "free_bytes")) out += " (" + w::bytes(static_cast<uint64_t>(*free)) + " free)";
    }
    if (!flag(p, "healthy") && optionalText(p, "status_detail") && !brief) out += ": " + withoutStop(str(p, "status_detail"));
    out += ".";
    std::vector<std::string> bad;
    for (const auto& d : objects(childArray(p, "problem_devices"))) {
        std::string line = str(d, "device") + " " + str(d, "status");
        const int64_t r = num(d, "read_errors"), wr = num(d, "write_errors"), c = num(d, "checksum_errors");
        if (r + wr + c > 0) {
            std::vector<std::string> counts;
            if (r) counts.push_back(std::to_string(r) + " read");
            if (wr) counts.push_back(std::to_string(wr) + " write");
            if (c) counts.push_back(std::to_string(c) + " checksum");
            line += " with " + w::list(counts) + (r + wr + c == 1 ? " error" : " errors");
        }
        if (optionalText(d, "model")) line += " (" + str(d, "model") + " " + str(d, "serial") + ")";
        bad.push_back(line);
    }
    if (!bad.empty()) out += " " + std::string(bad.size() == 1 ? "Device " : "Devices ") + w::list(bad) + ".";
    if (auto scan = childObject(p, "last_scan"); scan && !brief) {
        const std::string what = lowerState(str(scan, "function"));
        if (str(scan, "state") == "SCANNING") {
            out += " A " + what + " is running (" + w::number(number(scan, "percent").value_or(0), 0) + "% done).";
        } else if (integer(scan, "ended_age_seconds")) {
            out += " Last " + what + " " + age(num(scan, "ended_age_seconds")) + " ago, " +
                   w::count(static_cast<uint64_t>(num(scan, "errors")), "error", "errors") + ".";
        }
    }
    return out;
}

std::string summarizeSystem(const Question& q, const ObjectPtr& r) {
    const std::string version = "TrueNAS " + str(r, "version");
    const std::string host = str(r, "hostname");
    const auto boot = childObject(r, "boot_pool");
    const std::string bootText = boot ? poolSentence(boot, true)
                                      : (optionalText(r, "boot_pool_error") ? "The boot pool could not be read: " + str(r, "boot_pool_error") + "." : "");
    if (q.hasAny({"boot", "bootpool"}) && !q.hasAny({"version", "uptime"})) return bootText.empty() ? "No boot pool information." : bootText;
    if (q.hasAny({"version", "release", "build"})) return "This is " + version + (host.empty() ? "" : " (host " + host + ")") + ".";
    const std::string up = integer(r, "uptime_seconds") ? "up " + w::duration(static_cast<uint64_t>(num(r, "uptime_seconds"))) : "";
    if (q.has("uptime")) return version + " on " + host + " has been " + up + ".";
    std::string out = version + (host.empty() ? "" : " on " + host);
    if (!up.empty()) out += ", " + up;
    if (auto load = childArray(r, "load_average"); load && load->size() == 3) {
        out += ", load " + w::number(load->get(0).convert<double>(), 2) + " / " + w::number(load->get(1).convert<double>(), 2) + " / " +
               w::number(load->get(2).convert<double>(), 2);
        if (integer(r, "cores")) out += " on " + w::count(static_cast<uint64_t>(num(r, "cores")), "core", "cores");
    }
    if (auto mem = integer(r, "memory_bytes")) {
        out += ", " + w::bytes(static_cast<uint64_t>(*mem)) + " memory";
        if (r->has("ecc_memory")) out += flag(r, "ecc_memory") ? " (ECC)" : " (not ECC)";
    }
    out += ".";
    if (q.has("ecc") && r->has("ecc_memory")) return flag(r, "ecc_memory") ? "Yes, this TrueNAS has ECC memory." : "No, this TrueNAS's memory is not ECC.";
    if (!bootText.empty()) out += " " + bootText;
    return out;
}

std::string summarizePools(const Outcome& o, ObjectPtr& subject) {
    const auto pools = objects(childArray(o.result, "pools"));
    Poco::JSON::Array::Ptr names = new Poco::JSON::Array;
    for (const auto& p : pools) names->add(str(p, "name"));
    subject = newObject();
    subject->set("names", names);
    if (pools.empty()) return "This TrueNAS has no data pools.";
    std::string out = pools.size() == 1 ? "" : w::sentence(w::count(pools.size(), "TrueNAS pool", "TrueNAS pools")) + ". ";
    for (size_t i = 0; i < pools.size(); ++i) out += (i ? " " : "") + poolSentence(pools[i], false);
    return out;
}

std::string summarizeDisks(const Question& q, const Outcome& o, ObjectPtr& subject) {
    const auto disks = objects(childArray(o.result, "disks"));
    Poco::JSON::Array::Ptr names = new Poco::JSON::Array;
    for (const auto& d : disks) names->add(str(d, "name"));
    subject = newObject();
    subject->set("names", names);
    if (disks.empty()) return "TrueNAS lists no disks.";
    const auto line = [](const ObjectPtr& d) {
        std::string s = str(d, "name");
        std::vector<std::string> parts;
        if (optionalText(d, "model")) parts.push_back(str(d, "model"));
        if (integer(d, "size_bytes")) parts.push_back(w::bytes(static_cast<uint64_t>(num(d, "size_bytes"))));
        if (optionalText(d, "type")) parts.push_back(str(d, "type"));
        if (optionalText(d, "pool")) parts.push_back("in " + str(d, "pool"));
        if (auto t = number(d, "temperature_c")) parts.push_back(w::number(*t, 0) + " °C");
        std::string joined;
        for (size_t i = 0; i < parts.size(); ++i) joined += (i ? ", " : "") + parts[i];
        return joined.empty() ? s : s + " (" + joined + ")";
    };
    if (disks.size() == 1) return w::sentence(line(disks.front())) + ".";
    if (q.hasAny({"temperature", "temperatures", "hot", "hottest", "temp"})) {
        std::vector<std::pair<double, std::string>> temps;
        std::vector<std::string> unknown;
        for (const auto& d : disks) {
            if (auto t = number(d, "temperature_c")) temps.emplace_back(*t, str(d, "name"));
            else unknown.push_back(str(d, "name"));
        }
        if (temps.empty()) return "TrueNAS reports no disk temperatures.";
        std::sort(temps.begin(), temps.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
        std::vector<std::string> parts;
        for (const auto& [t, n] : temps) parts.push_back(n + " " + w::number(t, 0) + " °C");
        return "Disk temperatures: " + w::list(parts) + " (hottest " + temps.front().second + ")." +
               (unknown.empty() ? "" : " No reading for " + w::list(unknown) + ".");
    }
    std::vector<std::string> parts;
    for (size_t i = 0; i < disks.size() && i < 12; ++i) parts.push_back(line(disks[i]));
    return w::sentence(w::count(disks.size(), "disk", "disks")) + ": " + w::list(parts) + ".";
}

}  // namespace

std::string answersSummarize(std::string_view input) {
    const SummaryRequest r = SummaryRequest::parse(input);
    const Outcome& o = r.outcome;
    if (!o.ok()) {
        if (o.status == "not_found") return answers::summary(o.error.empty() ? "TrueNAS does not have that." : w::sentence(o.error) + ".", false);
        return answers::summary(failureText(o));
    }
    ObjectPtr subject;
    std::string answer;
    if (o.capability == kAlerts) answer = summarizeAlerts(r.question, o.result);
    else if (o.capability == kApps) answer = summarizeApps(r.question, o, subject);
    else if (o.capability == kDataProtection) answer = summarizeDataProtection(r.question, o, subject);
    else if (o.capability == kSystem) answer = summarizeSystem(r.question, o.result);
    else if (o.capability == kPools) answer = summarizePools(o, subject);
    else if (o.capability == kDisks) answer = summarizeDisks(r.question, o, subject);
    else throw homelab_assistant::Error(HA_ERR_UNSUPPORTED, "no wording for " + o.capability);
    return answers::summary(answer, true, subject);
}

// ---- checks ------------------------------------------------------------------------------------

std::string answersChecks(std::string_view input) {
    const CheckResults results = CheckResults::parse(input);
    Findings f;
    // One finding per distinct failure: when TrueNAS is down every check fails the same way,
    // and an outage must read as one problem, not as health.
    std::map<std::string, std::pair<std::string, std::vector<std::string>>> failures;  // error -> status, capabilities
    std::vector<std::string> failureOrder;
    for (const auto& o : results.results) {
        if (o.ok()) continue;
        const std::string key = o.status + ": " + o.error;
        if (!failures.count(key)) failureOrder.push_back(key);
        failures[key].first = o.status;
        failures[key].second.push_back(o.capability);
    }
    for (const auto& key : failureOrder) {
        const auto& [status, caps] = failures[key];
        auto evidence = newObject();
        Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
        for (const auto& c : caps) list->add(c);
        evidence->set("capabilities", list);
        evidence->set("status", status);
        const std::string error = key.substr(status.size() + 2);
        const std::string message = status == "denied" ? "TrueNAS refused the assistant's request, so its health is unknown: " + error
                                                       : "TrueNAS could not be checked (" + status + "): " + error;
        f.add(Severity::Warning, "truenas.reachable", "TrueNAS", message, evidence);
    }
    const Outcome* alerts = results.find(kAlerts);
    const Outcome* apps = results.find(kApps);
    const Outcome* protection = results.find(kDataProtection);
    const Outcome* system = results.find(kSystem);

    // Alerts that the checks below state in more detail are not repeated.
    std::set<std::string> covered;
    if (system && system->ok()) covered.insert("BootPoolStatus");
    if (protection && protection->ok()) covered.insert({"ReplicationFailed", "SnapshotFailed", "CloudSyncTaskFailed"});

    if (alerts && alerts->ok()) {
        int64_t problems = 0, info = 0;
        for (const auto& a : objects(childArray(alerts->result, "alerts"))) {
            if (flag(a, "dismissed")) continue;
            const std::string severity = str(a, "severity");
            if (severity != "critical" && severity != "warning") {
                ++info;
                continue;
            }
            ++problems;
            if (covered.count(str(a, "klass"))) continue;
            auto evidence = newObject();
            evidence->set("level", str(a, "level"));
            evidence->set("klass", str(a, "klass"));
            if (optionalText(a, "since")) evidence->set("since", str(a, "since"));
            f.add(severity == "critical" ? Severity::Critical : Severity::Warning, "truenas.alert", "TrueNAS alert " + str(a, "klass"),
                  "TrueNAS alert (" + str(a, "level") + "): " + alertLine(a), evidence);
        }
        if (problems == 0) {
            f.ok("truenas.alerts", "TrueNAS alerts",
                 "No TrueNAS warnings or critical alerts" + (info > 0 ? " (" + w::count(static_cast<uint64_t>(info), "informational alert", "informational alerts") + ")" : std::string()));
        }
    }
    if (apps && apps->ok()) {
        int64_t running = 0, total = 0, bad = 0;
        for (const auto& a : objects(childArray(apps->result, "apps"))) {
            ++total;
            const std::string state = str(a, "state"), name = str(a, "name");
            auto evidence = newObject();
            evidence->set("state", state);
            if (auto c = childObject(a, "containers")) evidence->set("containers", c);
            if (state == "RUNNING") {
                ++running;
            } else if (state == "CRASHED") {
                ++bad;
                f.add(Severity::Critical, "truenas.app_crashed", "app " + name, "TrueNAS app " + name + " has crashed.", evidence);
            } else if (state == "STOPPED") {
                ++bad;
                f.add(Severity::Warning, "truenas.app_stopped", "app " + name,
                      "TrueNAS app " + name + " is stopped (a stopped app is always reported, also when it was stopped on purpose).",
                      evidence);
            }
        }
        if (total > 0 && bad == 0) f.ok("truenas.apps", "TrueNAS apps", std::to_string(running) + " of " + w::count(static_cast<uint64_t>(total), "TrueNAS app", "TrueNAS apps") + " running");
    }
    if (protection && protection->ok()) {
        // A failed run is critical: the data is not protected the way the user believes, and
        // TrueNAS itself raises ReplicationFailed and SnapshotFailed as CRITICAL and
        // CloudSyncTaskFailed as ERROR alerts; the verdict must not look milder than the NAS.
        // A late, held or aborted task is a warning: the copies exist, just not as fresh.
        int64_t ok = 0;
        const std::pair<const char*, const char*> lists[] = {
            {"replication", "replications"}, {"snapshot", "snapshot_tasks"}, {"cloud_sync", "cloud_syncs"}};
        for (const auto& [kind, key] : lists) {
            for (const auto& t : objects(childArray(protection->result, key))) {
                const std::string outcome = str(t, "outcome");
                if (outcome == "ok") ++ok;
                if (!isProblemOutcome(outcome)) continue;
                auto evidence = newObject();
                evidence->set("kind", std::string(kind));
                evidence->set("state", str(t, "state"));
                if (optionalText(t, "last_run")) evidence->set("last_run", str(t, "last_run"));
                if (integer(t, "expected_interval_seconds")) evidence->set("expected_interval_seconds", num(t, "expected_interval_seconds"));
                const std::string check = outcome == "failed" ? "truenas.task_failed" : outcome == "late" ? "truenas.task_late" : "truenas.task_held";
                f.add(outcome == "failed" ? Severity::Critical : Severity::Warning, check, taskName(kind, t), taskSentence(kind, t), evidence);
            }
        }
        if (ok > 0) f.ok("truenas.tasks", "TrueNAS data protection", w::count(static_cast<uint64_t>(ok), "snapshot, replication or cloud sync task", "snapshot, replication and cloud sync tasks") + " succeeded on schedule");
    }
    if (system && system->ok()) {
        if (auto boot = childObject(system->result, "boot_pool")) {
            auto evidence = newObject();
            evidence->set("status", str(boot, "status"));
            evidence->set("healthy", flag(boot, "healthy"));
            const std::string status = str(boot, "status");
            if (status != "ONLINE") {
                f.add(Severity::Critical, "truenas.boot_pool", "boot pool " + str(boot, "name"), poolSentence(boot, true, true), evidence);
            } else if (!flag(boot, "healthy")) {
                f.add(Severity::Warning, "truenas.boot_pool", "boot pool " + str(boot, "name"), poolSentence(boot, true, true), evidence);
            } else {
                f.ok("truenas.boot_pool", "boot pool " + str(boot, "name"), "TrueNAS " + str(system->result, "version") + ", boot pool " + str(boot, "name") + " ONLINE");
            }
        } else if (optionalText(system->result, "boot_pool_error")) {
            f.add(Severity::Warning, "truenas.boot_pool", "boot pool", "The TrueNAS boot pool could not be checked: " + str(system->result, "boot_pool_error"));
        }
    }
    return f.json();
}

}  // namespace ha_plugins::truenas
