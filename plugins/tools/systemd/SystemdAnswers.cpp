#include "tools/systemd/SystemdAnswers.h"

#include "common/JsonRead.h"
#include "common/PluginConfig.h"
#include "common/Wording.h"
#include "tools/systemd/UnitState.h"

#include <homelab_assistant/plugin.hpp>

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace ha_plugins::systemd {

namespace wording = ha_plugins::wording;
using answers::Findings;
using answers::Question;

namespace {

// ---- JSON reading --------------------------------------------------------------------------

using json_read::flag;
using json_read::object;
using json_read::objects;
using json_read::string;

int64_t number(const Poco::JSON::Object::Ptr& o, const std::string& key) { return json_read::integer(o, key); }

// ---- question words ------------------------------------------------------------------------

const std::vector<const char*> kVocabulary = {
    "service", "services", "unit", "units", "systemd", "systemctl", "daemon", "daemons", "crash", "crashed",
    "crashes", "crashing", "segfault", "coredump", "core", "dumped", "dump", "fail", "failed", "failing",
    "failure", "failures", "restart", "restarts", "restarting", "restarted", "loop", "looping", "flapping",
    "journal", "journald", "log", "logs", "error", "errors", "why", "happened", "running", "status", "timer",
    "timers", "socket", "sockets", "exited", "killed", "signal", "inactive", "stopped", "started", "dead",
    "broken"};

// Words that never name a unit in "is X running?".
const std::set<std::string> kNotNames = {
    "the", "a", "an", "my", "our", "your", "this", "that", "these", "those", "it", "its", "there", "here",
    "everything", "anything", "something", "nothing", "all", "any", "some", "every", "server", "system", "host",
    "machine", "box", "computer", "network", "internet", "wifi", "disk", "disks", "cpu", "memory", "ram", "storage",
    "pool", "pools", "container", "containers", "service", "services", "unit", "units", "systemd", "daemon",
    "who", "what", "which", "when", "where", "how", "why", "is", "are", "was", "were", "be", "been", "i", "you",
    "we", "they", "me", "us", "them", "and", "or", "of", "for", "to", "in", "on", "at", "with", "from", "by",
    "status", "state", "logs", "log", "journal", "not", "still", "really", "now", "currently", "again", "ok",
    "okay", "up", "down", "running", "one", "first", "second", "third", "last", "s", "fan", "fans", "sensor",
    "sensors", "temperature", "interface", "interfaces", "ip", "traffic", "nas", "truenas", "zfs", "smart"};

const std::set<std::string> kStates = {
    "running", "up", "down", "active", "working", "alive", "ok", "okay", "fine", "healthy", "failing", "failed",
    "dead", "stopped", "started", "enabled", "disabled", "broken", "crashing", "restarting", "online", "offline",
    "responding", "on", "off", "installed"};

const std::set<std::string> kWhyVerbs = {"fail", "failed", "crash", "crashed", "stop", "stopped", "die", "died",
                                         "exit", "exited", "restart", "restarted", "keep", "keeps", "not", "go",
                                         "break", "quit", "fails", "crashes", "stops", "dies"};

bool isNameChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == ':' || c == '_' || c == '.' || c == '@' ||
           c == '\\' || c == '-';
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool hasUnitSuffix(const std::string& t) {
    for (const char* suffix : {".service", ".socket", ".timer", ".mount", ".target", ".path", ".slice", ".scope",
                               ".swap", ".automount", ".device"}) {
        const std::string s = suffix;
        if (t.size() > s.size() && t.compare(t.size() - s.size(), s.size(), s) == 0) return true;
    }
    return false;
}

// The question split into name-shaped tokens, as typed ("php8.2-fpm", "NetworkManager").
std::vector<std::string> rawTokens(const std::string& question) {
    std::vector<std::string> out;
    std::string cur;
    const auto flush = [&] {
        while (!cur.empty() && (cur.back() == '.' || cur.back() == '-' || cur.back() == ':')) cur.pop_back();
        while (!cur.empty() && (cur.front() == '.' || cur.front() == '-' || cur.front() == ':')) cur.erase(0, 1);
        if (!cur.empty()) out.push_back(cur);
        cur.clear();
    };
    for (char c : question) {
        if (isNameChar(c)) {
            cur += c;
        } else {
            flush();
        }
    }
    flush();
    return out;
}

// A typed name as the unit is most likely called: lowercase unless it is an explicit unit name
// or has capitals inside ("NetworkManager").
std::string asUnitName(const std::string& typed) {
    if (hasUnitSuffix(typed)) return typed;
    const bool innerCapital = std::any_of(typed.begin() + 1, typed.end(), [](char c) { return std::isupper(static_cast<unsigned char>(c)) != 0; });
    return innerCapital ? typed : lower(typed);
}

bool candidate(const std::string& lowerToken) { return !kNotNames.count(lowerToken) && validUnitName(lowerToken); }

std::string windowText(int64_t minutes) {
    if (minutes <= 0) return "the window";
    if (minutes % 1440 == 0) return minutes == 1440 ? "the last 24 h" : "the last " + std::to_string(minutes / 1440) + " days";
    if (minutes % 60 == 0) return "the last " + std::to_string(minutes / 60) + " h";
    return "the last " + std::to_string(minutes) + " min";
}

std::string times(int64_t n) { return n == 1 ? "once" : (n == 2 ? "twice" : std::to_string(n) + " times"); }

// ---- matching ------------------------------------------------------------------------------

struct Proposal {
    double score = 0;
    Poco::JSON::Object::Ptr arguments;
    std::vector<std::string> names;
};

class Proposals {
public:
    explicit Proposals(const Question& q) : q_(q) {}
    void add(const std::string& capability, double score, Poco::JSON::Object::Ptr args = nullptr,
             std::vector<std::string> names = {}) {
        if (!q_.allows(capability)) return;
        Proposal& p = byCapability_[capability];
        if (score <= p.score) return;
        p = {score, args, std::move(names)};
        if (std::find(order_.begin(), order_.end(), capability) == order_.end()) order_.push_back(capability);
    }
    std::string json() const {
        answers::Matches m;
        for (const auto& c : order_) {
            const Proposal& p = byCapability_.at(c);
            m.add(c, p.score, p.arguments, p.names);
        }
        return m.json();
    }

private:
    const Question& q_;
    std::map<std::string, Proposal> byCapability_;
    std::vector<std::string> order_;
};

Poco::JSON::Object::Ptr unitArgument(const std::string& unit) {
    auto a = newObject();
    a->set("unit", unit);
    return a;
}

// Which unit a follow-up means: "the second one", "it", "its logs".
std::string subjectUnit(const Question& q) {
    const std::string single = string(q.subjectData, "unit");
    const std::vector<std::string> list = json_read::strings(q.subjectData, "units");
    const std::vector<std::pair<std::vector<const char*>, size_t>> ordinals = {
        {{"first", "1st"}, 0}, {{"second", "2nd"}, 1}, {{"third", "3rd"}, 2}, {{"fourth", "4th"}, 3}, {{"fifth", "5th"}, 4}};
    for (const auto& [words, index] : ordinals) {
        for (const char* w : words) {
            if (q.has(w)) return index < list.size() ? list[index] : "";
        }
    }
    if (q.has("last") && !list.empty()) return list.back();
    if (!single.empty()) return single;
    return list.empty() ? "" : list.front();
}

// ---- wording -------------------------------------------------------------------------------

// "exit-code, exit status 3, since 2026-12-01 21:07:14 UTC"
std::string problemDetail(const Poco::JSON::Object::Ptr& u) {
    std::vector<std::string> detail;
    const std::string result = string(u, "result");
    if (!result.empty() && result != "success") detail.push_back("result " + result);
    if (auto exit = object(u, "last_exit")) {
        if (string(exit, "code") == "exited") {
            detail.push_back("exit status " + std::to_string(number(exit, "status")));
        } else if (!string(exit, "signal").empty()) {
            detail.push_back((string(exit, "code") == "dumped" ? "dumped core on " : "killed by ") + string(exit, "signal"));
        }
    }
    if (!string(u, "since").empty()) detail.push_back("since " + string(u, "since"));
    std::string text;
    for (size_t i = 0; i < detail.size(); ++i) text += (i ? ", " : "") + detail[i];
    return text;
}

std::string unitProblem(const Poco::JSON::Object::Ptr& u) {
    const std::string detail = problemDetail(u);
    return string(u, "unit") + (detail.empty() ? "" : " (" + detail + ")");
}

std::string loopText(const Poco::JSON::Object::Ptr& u) {
    std::string text = string(u, "unit") + " keeps crashing and systemd is about to restart it (" +
                       wording::count(static_cast<uint64_t>(number(u, "restarts")), "restart", "restarts") + " so far";
    if (auto exit = object(u, "last_exit")) {
        text += string(exit, "code") == "exited" ? "; last exit status " + std::to_string(number(exit, "status"))
                                              : "; last killed by " + string(exit, "signal");
    }
    return text + ")";
}

std::string linesText(const std::vector<Poco::JSON::Object::Ptr>& list, size_t max) {
    std::string text;
    const size_t first = list.size() > max ? list.size() - max : 0;
    for (size_t i = first; i < list.size(); ++i) {
        std::string time = string(list[i], "time");
        if (time.size() >= 19) time = time.substr(11, 8);  // HH:MM:SS of "YYYY-MM-DD HH:MM:SS UTC"
        text += "\n  " + time + " " + (string(list[i], "source").empty() ? "" : string(list[i], "source") + ": ") + string(list[i], "text");
    }
    return text;
}

std::string statusSummary(const Poco::JSON::Object::Ptr& r, Poco::JSON::Object::Ptr& subject) {
    const auto failed = objects(r, "failed");
    const auto restarting = objects(r, "auto_restarting");
    const auto counts = object(r, "counts");
    Poco::JSON::Array::Ptr units = new Poco::JSON::Array;
    std::string text;
    if (failed.empty() && restarting.empty()) {
        text = "No systemd unit has failed and none is restarting: " + std::to_string(number(counts, "active")) + " of " +
               wording::count(static_cast<uint64_t>(number(counts, "units")), "unit is", "units are") + " active (" +
               wording::count(static_cast<uint64_t>(number(counts, "services")), "service", "services") +
               "), system state " + string(r, "system_state") + ".";
        std::vector<std::string> restarted;
        for (const auto& u : objects(r, "restarted")) {
            if (restarted.size() >= 5) break;
            restarted.push_back(string(u, "unit") + " (" + times(number(u, "restarts")) + ")");
            units->add(string(u, "unit"));
        }
        if (!restarted.empty()) text += " Restarted by systemd since they were started: " + wording::list(restarted) + ".";
    } else {
        std::vector<std::string> parts;
        for (const auto& u : failed) {
            parts.push_back(unitProblem(u));
            units->add(string(u, "unit"));
        }
        if (!failed.empty()) {
            const int64_t n = number(counts, "failed");
            text = wording::count(static_cast<uint64_t>(n), "systemd unit has", "systemd units have") + " failed: " +
                   wording::list(parts) + (n > static_cast<int64_t>(failed.size()) ? " and more" : "") + ".";
        }
        for (const auto& u : restarting) {
            text += (text.empty() ? "" : " Also, ") + loopText(u) + ".";
            units->add(string(u, "unit"));
        }
        text += " System state: " + string(r, "system_state") + ".";
    }
    subject = newObject();
    subject->set("units", units);
    return text;
}

std::string crashDescription(const Poco::JSON::Object::Ptr& u) {
    std::vector<std::string> parts;
    const auto events = objects(u, "events");
    const auto last = [&](const std::string& kind, const std::string& key) {
        for (auto it = events.rbegin(); it != events.rend(); ++it) {
            if (string(*it, "kind") == kind) return (*it)->has(key) ? (*it)->get(key).toString() : std::string();
        }
        return std::string();
    };
    if (int64_t n = number(u, "exited_with_error"); n > 0) {
        const std::string status = last("exited_with_error", "exit_status");
        parts.push_back("exited with an error " + times(n) + (status.empty() ? "" : " (last exit status " + status + ")"));
    }
    if (int64_t n = number(u, "killed_by_signal"); n > 0) {
        const std::string sig = last("killed_by_signal", "signal");
        parts.push_back("was killed by a signal " + times(n) + (sig.empty() ? "" : " (" + sig + ")"));
    }
    if (int64_t n = number(u, "dumped_core"); n > 0) {
        const std::string sig = last("dumped_core", "signal");
        parts.push_back("crashed and dumped core " + times(n) + (sig.empty() ? "" : " (" + sig + ")"));
    }
    if (number(u, "start_limit_hit") > 0) parts.push_back("hit its start limit, so systemd stopped restarting it");
    if (number(u, "dependency_failed") > 0) parts.push_back("could not start because a unit it needs failed");
    if (number(u, "other_failures") > 0) parts.push_back("failed with result '" + string(u, "last_result") + "'");
    if (flag(u, "crash_loop")) {
        parts.push_back("is in a crash loop (" + wording::count(static_cast<uint64_t>(number(u, "restarts")), "restart", "restarts") + ")");
    } else if (number(u, "restarts") > 0) {
        parts.push_back("was restarted " + times(number(u, "restarts")));
    }
    return string(u, "unit") + " " + wording::list(parts);
}

std::string crashesSummary(const Poco::JSON::Object::Ptr& r, Poco::JSON::Object::Ptr& subject) {
    const auto services = objects(r, "services");
    const std::string window = windowText(number(r, "window_minutes"));
    Poco::JSON::Array::Ptr units = new Poco::JSON::Array;
    subject = newObject();
    subject->set("units", units);
    if (services.empty()) {
        return "No service crashed in " + window +
               ": systemd logged no failed exits, deaths by signal, core dumps or start-limit hits.";
    }
    std::string text = "In " + window + ", " +
                       wording::count(services.size(), "service had problems:", "services had problems:");
    for (const auto& u : services) {
        units->add(string(u, "unit"));
        text += "\n- " + crashDescription(u) + "; last at " + string(u, "last_event") + ".";
        const auto lines = objects(u, "last_lines");
        if (!lines.empty()) text += " Last log line: \"" + string(lines.back(), "text") + "\"";
    }
    return text;
}

std::string unitSummary(const Question& q, const Poco::JSON::Object::Ptr& u) {
    const std::string name = string(u, "unit"), active = string(u, "active_state"), sub = string(u, "sub_state");
    const std::string since = string(u, "since").empty() ? "" : " since " + string(u, "since");
    std::string text;
    bool showLines = q.hasAny({"why", "log", "logs", "journal", "happened", "lines", "error", "errors"});
    if (string(u, "load_state") == "masked") {
        text = name + " is masked: it cannot be started.";
    } else if (active == "active" && sub == "running") {
        text = name + " is running" + (since.empty() ? "" : " (" + since.substr(1) + ")") + ".";
    } else if (active == "active" && sub == "exited") {
        text = name + " is active: it ran and finished successfully" + since + ".";
    } else if (active == "active" || active == "reloading") {
        text = name + " is " + active + " (" + sub + ")" + since + ".";
    } else if (active == "failed") {
        text = name + " has failed: " + problemDetail(u) + ".";
        showLines = true;
    } else if (active == "activating" && sub == "auto-restart") {
        text = name + " is not running: " + loopText(u) + ".";
        showLines = true;
    } else if (active == "activating" || active == "deactivating") {
        text = name + " is " + (active == "activating" ? "starting" : "stopping") + " (" + sub + ")" + since + ".";
    } else {
        text = name + " is not running (" + active + (string(u, "unit_file_state").empty() ? "" : ", unit file " + string(u, "unit_file_state")) + ")" + since + ".";
    }
    if (number(u, "restarts") > 0 && active != "activating") text += " systemd restarted it " + times(number(u, "restarts")) + ".";
    if (showLines) {
        const auto lines = objects(u, "last_lines");
        if (!lines.empty()) {
            text += " Its last log lines:" + linesText(lines, 10);
        } else if (!string(u, "journal_error").empty()) {
            text += " Its log could not be read: " + string(u, "journal_error");
        } else {
            text += " It has no log lines in the journal.";
        }
    }
    return text;
}

}  // namespace

std::string answersProfile() {
    answers::Profile p;
    for (const char* w : kVocabulary) p.words({w});
    p.topic("systemd.status", "Failed and restarting services", "Any failed systemd services?")
        .topic("systemd.crashes", "Recent service crashes", "Did any service crash recently?")
        .topic("systemd.unit", "One service's state and log", "Is nginx running?")
        .check("systemd.status")
        .check("systemd.crashes");
    return p.json();
}

std::vector<std::string> mentionedUnits(const Question& q) {
    const std::vector<std::string> typed = rawTokens(q.question.empty() ? q.text : q.question);
    std::vector<std::string> t;
    for (const auto& s : typed) t.push_back(lower(s));
    std::vector<std::string> out;
    const auto take = [&](size_t i) {
        if (i >= t.size() || !candidate(t[i])) return;
        const std::string name = asUnitName(typed[i]);
        if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
    };
    const auto skipArticle = [&](size_t i) { return i < t.size() && (t[i] == "the" || t[i] == "my") ? i + 1 : i; };
    for (size_t i = 0; i < t.size(); ++i) {
        if (hasUnitSuffix(typed[i]) && validUnitName(typed[i])) take(i);
    }
    for (size_t i = 0; i < t.size(); ++i) {
        const std::string& w = t[i];
        const std::string next = i + 1 < t.size() ? t[i + 1] : "";
        const std::string next2 = i + 2 < t.size() ? t[i + 2] : "";
        // is [the] X [service] running?
        if (w == "is" || w == "are" || w == "was" || w == "isn" || w == "isnt") {
            size_t x = skipArticle(i + 1);
            size_t state = x + 1;
            if (state < t.size() && (t[state] == "service" || t[state] == "daemon" || t[state] == "unit")) ++state;
            if (state < t.size() && t[state] == "not") ++state;
            if (state < t.size() && kStates.count(t[state])) take(x);
        }
        // why did|does|is|has [the] X fail?  did X crash?
        if (w == "why" || w == "did" || w == "does" || w == "has" || w == "do") {
            size_t x = skipArticle(i + 1);
            if (w == "why" && x < t.size() && (t[x] == "did" || t[x] == "does" || t[x] == "is" || t[x] == "has" || t[x] == "was" || t[x] == "do")) {
                x = skipArticle(x + 1);
            }
            size_t verb = x + 1;
            if (verb < t.size() && (t[verb] == "service" || t[verb] == "daemon" || t[verb] == "unit")) ++verb;
            if (verb < t.size() && kWhyVerbs.count(t[verb])) take(x);
        }
        // status|state|logs|log|journal of|for|from [the] X
        if ((w == "status" || w == "state" || w == "logs" || w == "log" || w == "journal" || w == "lines") &&
            (next == "of" || next == "for" || next == "from")) {
            take(skipArticle(i + 2));
        }
        // what happened to X
        if (w == "happened" && next == "to") take(skipArticle(i + 2));
        // X status, X logs, X's logs
        if (i + 1 < t.size() && (next == "status" || next == "logs" || next == "log" || next == "journal" ||
                                 (next == "s" && (next2 == "logs" || next2 == "log" || next2 == "status")))) {
            if (i == 0 || (t[i - 1] != "the" && t[i - 1] != "any" && t[i - 1] != "service")) take(i);
        }
    }
    return out;
}

std::string answersMatch(const Question& q, const std::function<bool(const std::string&)>& knownUnit) {
    Proposals m(q);
    const bool systemdWord = q.hasAny({"systemd", "systemctl", "unit", "units"});
    const bool serviceWord = systemdWord || q.hasAny({"service", "services", "daemon", "daemons"});
    const bool crashWord = q.hasAny({"crash", "crashed", "crashes", "crashing", "segfault", "coredump", "dumped"}) ||
                           q.hasPhrase("core dump") || q.hasPhrase("core dumps") || q.hasPhrase("dump core") ||
                           q.hasPhrase("dumps core");
    const bool failWord = q.hasAny({"fail", "failed", "failing", "failure", "failures", "broken", "dead"});
    const bool restartWord = q.hasAny({"restart", "restarts", "restarting", "restarted", "loop", "looping", "flapping"});
    const bool logWord = q.hasAny({"log", "logs", "journal", "journald"});

    const std::vector<std::string> names = mentionedUnits(q);
    if (!names.empty()) {
        for (size_t i = 0; i < names.size() && i < 2; ++i) {
            std::string unit;
            try {
                unit = normalizeUnitName(names[i]);
            } catch (...) {
                continue;
            }
            // Known by name here: the question is about it. Otherwise another plugin may know it
            // (a container called plex), and the word alone only hints at a service.
            const double score = knownUnit(unit) ? 0.92 : (serviceWord ? 0.8 : 0.6);
            m.add("systemd.unit", score, unitArgument(names[i]), {names[i]});
        }
        return m.json();
    }
    if (q.subjectIs("systemd") &&
        q.hasAny({"it", "its", "that", "this", "them", "one", "first", "second", "third", "fourth", "fifth", "last",
                  "1st", "2nd", "3rd", "why", "logs", "log", "lines", "journal"})) {
        const std::string unit = subjectUnit(q);
        if (!unit.empty()) m.add("systemd.unit", 0.9, unitArgument(unit));
    }
    if (crashWord) m.add("systemd.crashes", serviceWord ? 0.92 : 0.7);
    if (restartWord && !crashWord) {
        m.add("systemd.crashes", serviceWord ? 0.85 : 0.65);
        m.add("systemd.status", serviceWord ? 0.85 : 0.65);
    }
    if (failWord) m.add("systemd.status", systemdWord ? 0.95 : (serviceWord ? 0.9 : 0.65));
    if (logWord && !q.subjectIs("systemd")) m.add("systemd.crashes", q.hasAny({"error", "errors", "why"}) || failWord ? 0.8 : 0.6);
    if (serviceWord && !crashWord && !failWord && !restartWord) m.add("systemd.status", systemdWord ? 0.9 : 0.75);
    return m.json();
}

std::string answersSummarize(const answers::SummaryRequest& request) {
    const auto& o = request.outcome;
    if (!o.ok()) {
        if (o.capability == "systemd.unit" && o.status == "not_found") {
            return answers::summary("There is no systemd unit named " + string(o.arguments, "unit") + ".", false);
        }
        if (o.capability == "systemd.crashes") return answers::summary("I could not read recent service crashes: " + o.error);
        return answers::summary("I could not ask systemd: " + o.error);
    }
    Poco::JSON::Object::Ptr subject;
    if (o.capability == "systemd.status") {
        const std::string text = statusSummary(o.result, subject);
        return answers::summary(text, true, subject);
    }
    if (o.capability == "systemd.crashes") {
        const std::string text = crashesSummary(o.result, subject);
        return answers::summary(text, true, subject);
    }
    if (o.capability == "systemd.unit") {
        subject = newObject();
        subject->set("unit", string(o.result, "unit"));
        return answers::summary(unitSummary(request.question, o.result), true, subject);
    }
    throw homelab_assistant::Error(HA_ERR_UNSUPPORTED, "nothing to say about " + o.capability);
}

std::string answersChecks(const answers::CheckResults& results, const SystemdCheckSettings& settings) {
    Findings f;
    std::set<std::string> reported;
    const answers::Outcome* status = results.find("systemd.status");
    const answers::Outcome* crashes = results.find("systemd.crashes");
    int64_t services = 0;
    if (status == nullptr || !status->ok()) {
        f.add(Findings::Severity::Warning, "systemd.reachable", "systemd",
              "systemd could not be checked: " + (status ? status->error : std::string("the check did not run")));
    } else {
        services = number(object(status->result, "counts"), "services");
        for (const auto& u : objects(status->result, "failed")) {
            auto evidence = newObject();
            evidence->set("result", string(u, "result"));
            evidence->set("since", string(u, "since"));
            f.add(Findings::Severity::Critical, "systemd.failed", string(u, "unit"), "Failed unit: " + unitProblem(u) + ".", evidence);
            reported.insert(string(u, "unit"));
        }
        for (const auto& u : objects(status->result, "auto_restarting")) {
            auto evidence = newObject();
            evidence->set("restarts", number(u, "restarts"));
            f.add(Findings::Severity::Warning, "systemd.crash_loop", string(u, "unit"), "Crash loop: " + loopText(u) + ".", evidence);
            reported.insert(string(u, "unit"));
        }
    }
    std::vector<std::string> recovered;
    if (crashes == nullptr || !crashes->ok()) {
        f.add(Findings::Severity::Warning, "systemd.journal", "journal",
              "Recent service crashes could not be checked: " + (crashes ? crashes->error : std::string("the check did not run")));
    } else {
        for (const auto& u : objects(crashes->result, "services")) {
            const std::string unit = string(u, "unit");
            if (reported.count(unit)) continue;
            if (flag(u, "crash_loop") || static_cast<uint64_t>(number(u, "restarts")) >= settings.crashLoopRestarts) {
                auto evidence = newObject();
                evidence->set("restarts", number(u, "restarts"));
                f.add(Findings::Severity::Warning, "systemd.crash_loop", unit,
                      "Crash loop: " + unit + " was restarted " + times(number(u, "restarts")) + " in " +
                          windowText(static_cast<int64_t>(settings.windowMinutes)) + ".",
                      evidence);
                reported.insert(unit);
            } else {
                recovered.push_back(unit);
            }
        }
    }
    if (reported.empty() && status != nullptr && status->ok()) {
        std::string message = "systemd: no failed or restarting units (" +
                              wording::count(static_cast<uint64_t>(services), "service", "services") + ")";
        if (!recovered.empty()) {
            message += "; " + wording::list(recovered) + (recovered.size() == 1 ? " has" : " have") +
                       " had problems in " + windowText(static_cast<int64_t>(settings.windowMinutes)) + " but " +
                       (recovered.size() == 1 ? "is" : "are") + " not failed now";
        }
        f.ok("systemd.failed", "systemd", message + ".");
    }
    return f.json();
}

}  // namespace ha_plugins::systemd
