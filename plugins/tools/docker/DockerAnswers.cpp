#include "tools/docker/DockerAnswers.h"

#include "common/Answers.h"
#include "common/JsonRead.h"
#include "common/PluginConfig.h"
#include "common/Wording.h"

#include <homelab_assistant/plugin.hpp>

#include <algorithm>
#include <map>
#include <set>

namespace ha_plugins::docker {

using namespace ha_plugins::answers;
namespace jr = ha_plugins::json_read;
namespace w = ha_plugins::wording;
using Poco::JSON::Object;

namespace {

const std::initializer_list<std::string_view> kContainerWords = {"container", "containers", "docker", "compose",
                                                                  "podman", "stack", "stacks"};
const std::initializer_list<std::string_view> kCrashWords = {"crash", "crashed", "crashes", "crashing", "died", "dead",
                                                             "oom", "killed", "unhealthy", "restarting", "exited",
                                                             "failed", "failing"};
const std::initializer_list<std::string_view> kResourceWords = {"memory", "ram", "mem", "cpu", "stats", "resources",
                                                                "resource", "usage", "load"};
const std::initializer_list<std::string_view> kStateWords = {"running", "up", "down", "stopped", "alive", "healthy",
                                                             "working", "online", "started", "status", "state"};

std::string lower(std::string s) {
    for (char& c : s) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return s;
}

bool nameChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'; }

// Container names written in the question, as whole tokens ("my-app" in "is my-app up?").
std::vector<std::string> namesIn(const std::string& question, const std::vector<std::string>& names) {
    const std::string q = lower(question);
    std::vector<std::string> found;
    for (const std::string& name : names) {
        const std::string n = lower(name);
        for (size_t pos = q.find(n); !n.empty() && pos != std::string::npos; pos = q.find(n, pos + 1)) {
            const bool start = pos == 0 || !nameChar(q[pos - 1]);
            const size_t end = pos + n.size();
            // A trailing '.' ends a sentence, not the name.
            const bool finish = end == q.size() || !nameChar(q[end]) || (q[end] == '.' && (end + 1 == q.size() || q[end + 1] == ' '));
            if (start && finish) {
                found.push_back(name);
                break;
            }
        }
    }
    return found;
}

// The words of a name as the host tokenised them ("my-app" -> "my", "app").
std::vector<std::string> wordsOf(const std::string& name) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : lower(name) + " ") {
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            cur += c;
        } else if (!cur.empty()) {
            out.push_back(cur);
            cur.clear();
        }
    }
    return out;
}

// "is plex running?" -> "plex": a word that may be a container nobody here knows by that name.
// `asked` is set for "status of X", which asks about X by name.
std::string candidateName(const Question& q, bool& asked) {
    static const std::set<std::string> skip = {"it", "everything", "the", "my", "anything", "something", "this",
                                               "that", "there", "all", "every", "any", "server", "system", "docker",
                                               "your", "our", "nas", "machine", "box", "host", "they", "these"};
    const auto& ws = q.words;
    for (size_t i = 0; i < ws.size(); ++i) {
        if (ws[i] != "is" && ws[i] != "are" && ws[i] != "of") continue;
        size_t j = i + 1;
        // "is the network ok?" asks about a thing, not a container: "the" only before "... container".
        const bool article = j < ws.size() && ws[j] == "the";
        while (j < ws.size() && (ws[j] == "the" || ws[j] == "my" || ws[j] == "our")) ++j;
        if (j >= ws.size() || skip.count(ws[j])) continue;
        if (article && (j + 1 >= ws.size() || ws[j + 1] != "container")) continue;
        asked = ws[i] == "of" && i > 0 && ws[i - 1] == "status";
        const std::string next = j + 1 < ws.size() ? ws[j + 1] : "";
        const bool stateFollows = std::find(kStateWords.begin(), kStateWords.end(), next) != kStateWords.end() ||
                                  next == "ok" || next == "container";
        if (stateFollows || asked) return ws[j];
    }
    asked = false;
    return "";
}

// Ordinal of the follow-up ("the second one") as a 0-based index; -1 when none.
int ordinal(const Question& q) {
    static const std::vector<std::string> words = {"first", "second", "third", "fourth", "fifth",
                                                   "sixth", "seventh", "eighth", "ninth", "tenth"};
    for (size_t i = 0; i < words.size(); ++i) {
        if (q.has(words[i])) return static_cast<int>(i);
    }
    return q.has("last") ? 1000 : -1;
}

Object::Ptr containerArgument(const std::string& name) {
    auto args = newObject();
    args->set("container", name);
    return args;
}

// A follow-up on the previous docker answer: "and the second one?", "what about its memory?".
bool matchFollowUp(const Question& q, Matches& m) {
    if (!q.subjectIs("docker")) return false;
    const std::string current = jr::string(q.subjectArguments, "container", jr::string(q.subjectData, "container"));
    auto listed = jr::array(q.subjectData, "names");
    const int index = ordinal(q);
    if (index >= 0 && listed->size() > 0) {
        const size_t i = index == 1000 ? listed->size() - 1 : std::min<size_t>(static_cast<size_t>(index), listed->size() - 1);
        const std::string name = listed->get(static_cast<unsigned>(i)).toString();
        const bool resources = q.hasAny(kResourceWords);
        if (q.allows(resources ? "docker.stats" : "docker.inspect")) {
            m.add(resources ? "docker.stats" : "docker.inspect", 1.0, containerArgument(name), {});
            return true;
        }
    }
    const bool pronoun = q.hasAny({"it", "its", "that", "this", "one", "same"});
    if (!current.empty() && pronoun) {
        if (q.hasAny(kResourceWords) && q.allows("docker.stats")) {
            m.add("docker.stats", 1.0, containerArgument(current));
            return true;
        }
        if ((q.hasAny(kStateWords) || q.hasAny(kCrashWords) || q.hasAny({"health", "restarts", "restarted"})) &&
            q.allows("docker.inspect")) {
            m.add("docker.inspect", 1.0, containerArgument(current));
            return true;
        }
    }
    return false;
}

std::string str(const Object::Ptr& o, const std::string& k) { return jr::string(o, k); }

// "exited with code 1", "was killed for running out of memory (exit code 137)".
std::string exitDescription(const Object::Ptr& c) {
    const int64_t code = jr::integer(c, "exit_code");
    if (jr::flag(c, "oom_killed")) return "was killed for running out of memory (exit code " + std::to_string(code) + ")";
    if (code == 137) return "was killed (exit code 137, SIGKILL)";
    if (code > 128 && code < 160) {
        return "was stopped by signal " + std::to_string(code - 128) + " (exit code " + std::to_string(code) + ")";
    }
    return "exited with code " + std::to_string(code);
}

// "hour", "24 hours", "90 minutes": the crash report's window in words.
std::string windowText(const Object::Ptr& report) {
    const int64_t minutes = jr::integer(report, "window_minutes", 1440);
    if (minutes == 60) return "hour";
    return minutes % 60 == 0 ? std::to_string(minutes / 60) + " hours" : std::to_string(minutes) + " minutes";
}

std::vector<std::string> namesOf(const Poco::JSON::Array::Ptr& a, bool withRestarts) {
    std::vector<std::string> out;
    for (size_t i = 0; i < a->size(); ++i) {
        auto c = jr::objectAt(a, i);
        if (!c) continue;
        std::string item = jr::string(c, "name", "?");
        if (const int64_t rc = jr::integer(c, "restart_count"); withRestarts && rc > 0) {
            item += " (restarted " + std::to_string(rc) + " times)";
        }
        out.push_back(item);
    }
    return out;
}

std::string containersText(const Object::Ptr& r, Object::Ptr& subject) {
    auto list = jr::array(r, "containers");
    if (list->size() == 0) return "There are no containers on this server.";
    std::vector<Object::Ptr> running, others;
    std::map<std::string, size_t> byState;
    for (size_t i = 0; i < list->size(); ++i) {
        auto c = jr::objectAt(list, i);
        if (!c) continue;
        ++byState[str(c, "state")];
        (str(c, "state") == "running" ? running : others).push_back(c);
    }
    std::string s = w::count(list->size(), "container", "containers") + ":";
    bool first = true;
    for (const char* state : {"running", "paused", "restarting", "exited", "created", "dead", "removing"}) {
        if (byState[state] == 0) continue;
        s += std::string(first ? " " : ", ") + std::to_string(byState[state]) + " " + state;
        first = false;
    }
    s += ".";
    Poco::JSON::Array::Ptr order = new Poco::JSON::Array;
    if (!running.empty()) {
        s += "\nRunning:";
        for (const auto& c : running) {
            order->add(str(c, "name"));
            s += "\n- " + str(c, "name") + " (" + str(c, "image") + ")";
            if (const uint64_t up = jr::count(c, "uptime_seconds"); up > 0) s += ", up " + w::duration(up);
            if (!str(c, "health").empty()) s += ", " + str(c, "health");
        }
    }
    if (!others.empty()) {
        s += "\nNot running:";
        for (const auto& c : others) {
            order->add(str(c, "name"));
            const std::string state = str(c, "state");
            if (state == "exited" || state == "dead") s += "\n- " + str(c, "name") + " " + exitDescription(c);
            else s += "\n- " + str(c, "name") + ": " + state;
            if (state == "restarting" || jr::integer(c, "restart_count") > 0) {
                s += ", restarted " + std::to_string(jr::integer(c, "restart_count")) + " times";
            }
        }
    }
    subject = newObject();
    subject->set("names", order);
    return s;
}

std::string inspectText(const Object::Ptr& c) {
    const std::string name = str(c, "name");
    std::string s;
    if (jr::flag(c, "running")) {
        s = name + " is running";
        if (const uint64_t up = jr::count(c, "uptime_seconds"); up > 0) s += ", up " + w::duration(up);
    } else if (jr::flag(c, "paused")) {
        s = name + " is paused";
    } else if (jr::flag(c, "restarting")) {
        s = name + " is restarting";
    } else {
        s = name + " is not running: it " + exitDescription(c);
        if (!str(c, "finished_at").empty()) s += " at " + str(c, "finished_at");
    }
    s += " (image " + str(c, "image") + ").";
    if (auto health = jr::object(c, "health")) {
        s += " Health: " + str(health, "status");
        auto probes = jr::array(health, "last_probes");
        if (str(health, "status") == "unhealthy" && probes->size() > 0) {
            auto last = jr::objectAt(probes, probes->size() - 1);
            s += " (last probe exited " + std::to_string(jr::integer(last, "exit_code")) + ": " + str(last, "output") + ")";
        }
        s += ".";
    }
    if (const int64_t rc = jr::integer(c, "restart_count"); rc > 0) s += " Restarted " + std::to_string(rc) + " times.";
    return s;
}

std::string statsText(const Question& q, const Object::Ptr& r, Object::Ptr& subject) {
    auto list = jr::array(r, "containers");
    std::vector<Object::Ptr> rows;
    for (size_t i = 0; i < list->size(); ++i) {
        if (auto c = jr::objectAt(list, i); c && !jr::present(c, "error")) rows.push_back(c);
    }
    if (rows.empty()) return list->size() == 0 ? "No container is running." : "No container reported its usage.";
    const bool byCpu = q.hasAny({"cpu", "processor", "load"}) && !q.hasAny({"memory", "ram", "mem"});
    const std::string key = byCpu ? "cpu_percent" : "memory_used_bytes";
    std::stable_sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) { return jr::number(a, key) > jr::number(b, key); });
    const auto usage = [](const Object::Ptr& c) {
        std::string s = "CPU " + w::percent(jr::number(c, "cpu_percent")) + " (100% = one core), memory " +
                        w::bytes(jr::count(c, "memory_used_bytes"));
        if (jr::count(c, "memory_limit_bytes") > 0) {
            s += " of " + w::bytes(jr::count(c, "memory_limit_bytes")) + " (" + w::percent(jr::number(c, "memory_percent")) + ")";
        }
        return s;
    };
    Poco::JSON::Array::Ptr order = new Poco::JSON::Array;
    for (const auto& c : rows) order->add(str(c, "name"));
    subject = newObject();
    subject->set("names", order);
    if (rows.size() == 1) return str(rows.front(), "name") + ": " + usage(rows.front()) + ".";
    std::string s = str(rows.front(), "name") + " uses the most " + (byCpu ? "CPU" : "memory") + ": " + usage(rows.front()) + ".";
    for (size_t i = 1; i < rows.size() && i < 10; ++i) s += "\n- " + str(rows[i], "name") + ": " + usage(rows[i]);
    return s;
}

std::string crashesText(const Object::Ptr& r) {
    const std::string window = windowText(r);
    auto crashes = jr::array(r, "crashes");
    auto unhealthy = jr::array(r, "unhealthy");
    auto restarting = jr::array(r, "restarting");
    if (crashes->size() == 0 && unhealthy->size() == 0 && restarting->size() == 0) {
        return "No container crashed, ran out of memory or turned unhealthy in the last " + window + ".";
    }
    std::string s;
    if (crashes->size() > 0) {
        s = "In the last " + window + ", " + w::count(crashes->size(), "container", "containers") + " stopped unexpectedly:";
        for (size_t i = 0; i < crashes->size(); ++i) {
            auto c = jr::objectAt(crashes, i);
            if (!c) continue;
            s += "\n- " + str(c, "name") + " " + exitDescription(c);
            if (!str(c, "time").empty()) s += " at " + str(c, "time");
            if (const int64_t times = jr::integer(c, "times_in_window", 1); times > 1) {
                s += " (" + std::to_string(times) + " times in the window)";
            }
        }
    } else {
        s = "No container crashed in the last " + window + ".";
    }
    if (unhealthy->size() > 0) s += "\nUnhealthy: " + w::list(namesOf(unhealthy, false)) + ".";
    if (restarting->size() > 0) s += "\nRestarting or in a restart loop: " + w::list(namesOf(restarting, true)) + ".";
    if (auto asked = jr::array(r, "stopped_on_request"); asked->size() > 0) {
        s += "\nStopped or killed on request (not counted as crashes): " + w::list(namesOf(asked, false)) + ".";
    }
    return s;
}

}  // namespace

std::string dockerProfile(const DockerCheckSettings& settings) {
    auto crashArgs = newObject();
    crashArgs->set("since_minutes", settings.crashWindowMinutes);
    return Profile()
        .words({"container", "containers", "docker", "compose", "podman", "stack", "stacks", "image", "images",
                "running", "stopped", "exited", "crash", "crashed", "crashes", "crashing", "died", "dead", "oom",
                "killed", "unhealthy", "restart", "restarts", "restarted", "restarting", "loop", "healthcheck", "exit",
                "code", "stats", "up", "down", "alive", "started", "service", "services", "app", "apps", "failed",
                "failing", "uses"})
        .topic("docker.containers", "Docker containers", "What containers are running?")
        .topic("docker.crashes", "Container crashes", "Did any container crash recently?")
        .topic("docker.stats", "Container resource use", "Which container uses the most memory?")
        .check("docker.containers")
        .check("docker.crashes", crashArgs)
        .json();
}

std::string dockerMatch(std::string_view input, const std::vector<std::string>& containerNames) {
    const Question q = Question::parse(input);
    Matches m;
    if (matchFollowUp(q, m)) return m.json();
    const bool resources = q.hasAny(kResourceWords);
    for (const std::string& name : namesIn(q.question, containerNames)) {
        const bool stats = resources && q.allows("docker.stats");
        if (stats || q.allows("docker.inspect")) {
            m.add(stats ? "docker.stats" : "docker.inspect", 1.0, containerArgument(name), wordsOf(name));
        }
    }
    if (!m.empty()) return m.json();
    if (q.hasAny(kContainerWords)) {
        if (resources && q.allows("docker.stats")) m.add("docker.stats", 1.0);
        else if (q.hasAny(kCrashWords) && q.allows("docker.crashes")) m.add("docker.crashes", 1.0);
        else if (q.allows("docker.containers")) m.add("docker.containers", 1.0);
        return m.json();
    }
    if (q.hasAny({"crash", "crashed", "crashes", "crashing", "died", "oom"}) && q.allows("docker.crashes")) {
        m.add("docker.crashes", 0.9);
        return m.json();
    }
    bool asked = false;
    if (const std::string candidate = candidateName(q, asked); !candidate.empty() && q.allows("docker.inspect")) {
        m.add("docker.inspect", asked ? 0.85 : 0.7, containerArgument(candidate), {candidate});
        return m.json();
    }
    if (q.hasAny({"unhealthy", "restarting", "killed", "exited"}) && q.allows("docker.crashes")) {
        m.add("docker.crashes", 0.8);
    } else if (q.hasAny({"running", "stopped", "apps", "app", "services"}) && q.allows("docker.containers")) {
        m.add("docker.containers", 0.6);
    }
    return m.json();
}

std::string dockerSummary(std::string_view input) {
    const SummaryRequest req = SummaryRequest::parse(input);
    const Outcome& o = req.outcome;
    const std::string container = jr::string(o.arguments, "container");
    if (!o.ok()) {
        if (o.status == "not_found" && !container.empty()) {
            return summary("There is no container named " + container + ".", false);
        }
        if (o.status == "invalid_argument" && !container.empty()) return summary(o.error + ".");
        if (!container.empty()) return summary("I could not check a container named " + container + ": " + o.error);
        return summary("I could not read the containers: " + o.error);
    }
    Object::Ptr subject;
    if (o.capability == "docker.containers") {
        const std::string text = containersText(o.result, subject);  // sets subject: not in the same call
        return summary(text, true, subject);
    }
    if (o.capability == "docker.inspect") {
        subject = newObject();
        subject->set("container", str(o.result, "name"));
        return summary(inspectText(o.result), true, subject);
    }
    if (o.capability == "docker.stats") {
        const std::string text = statsText(req.question, o.result, subject);  // sets subject
        return summary(text, true, subject);
    }
    if (o.capability == "docker.crashes") return summary(crashesText(o.result));
    throw homelab_assistant::Error(HA_ERR_UNSUPPORTED, "no wording for " + o.capability);
}

std::string dockerChecks(std::string_view input) {
    const CheckResults results = CheckResults::parse(input);
    Findings f;
    const Outcome* containers = results.find("docker.containers");
    const Outcome* crashes = results.find("docker.crashes");
    for (const Outcome* o : {containers, crashes}) {
        if (o != nullptr && !o->ok() && o->status != "denied") {
            f.add(Findings::Severity::Warning, "docker.unreachable", "docker", "Docker could not be checked: " + o->error);
            return f.json();
        }
    }
    bool problem = false;
    if (crashes != nullptr && crashes->ok()) {
        const auto& r = crashes->result;
        const std::string window = windowText(r);
        auto list = jr::array(r, "crashes");
        for (size_t i = 0; i < list->size(); ++i) {
            auto c = jr::objectAt(list, i);
            if (!c) continue;
            std::string message = "Container " + str(c, "name") + " " + exitDescription(c);
            if (const int64_t n = jr::integer(c, "times_in_window", 1); n > 1) message += ", " + std::to_string(n) + " times";
            message += " in the last " + window + ".";
            f.add(Findings::Severity::Warning, jr::flag(c, "oom_killed") ? "docker.oom" : "docker.crash", str(c, "name"), message);
            problem = true;
        }
        auto restarting = jr::array(r, "restarting");
        for (size_t i = 0; i < restarting->size(); ++i) {
            auto c = jr::objectAt(restarting, i);
            if (!c) continue;
            f.add(Findings::Severity::Warning, "docker.restart_loop", str(c, "name"),
                  "Container " + str(c, "name") + " is in a restart loop (restarted " +
                      std::to_string(jr::integer(c, "restart_count")) + " times).");
            problem = true;
        }
    }
    if (containers != nullptr && containers->ok()) {
        auto list = jr::array(containers->result, "containers");
        size_t running = 0;
        for (size_t i = 0; i < list->size(); ++i) {
            auto c = jr::objectAt(list, i);
            if (!c) continue;
            if (str(c, "state") == "running") ++running;
            if (str(c, "health") == "unhealthy") {
                f.add(Findings::Severity::Warning, "docker.unhealthy", str(c, "name"),
                      "Container " + str(c, "name") + " is unhealthy.");
                problem = true;
            }
        }
        if (!problem) f.ok("docker.containers", "docker", w::count(running, "container", "containers") + " running");
    }
    return f.json();
}

}  // namespace ha_plugins::docker
