#include "tools/docker/CrashReport.h"

#include "common/JsonRead.h"
#include "common/PluginConfig.h"
#include "tools/docker/ContainerView.h"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

namespace ha_plugins::docker {

namespace {

// A die within this many seconds of a kill/stop event was asked for, not a crash.
constexpr int64_t kRequestWindow = 60;
// A die within this many seconds of an oom event is the OOM kill.
constexpr int64_t kOomWindow = 10;

std::string attr(const Poco::JSON::Object::Ptr& event, const std::string& key) {
    auto actor = event->has("Actor") ? event->getObject("Actor") : nullptr;
    auto attrs = actor && actor->has("Attributes") ? actor->getObject("Attributes") : nullptr;
    if (!attrs || !attrs->has(key) || !attrs->get(key).isString()) return "";
    return attrs->get(key).extract<std::string>();
}

std::string actorId(const Poco::JSON::Object::Ptr& event) {
    auto actor = event->has("Actor") ? event->getObject("Actor") : nullptr;
    if (actor && actor->has("ID") && actor->get("ID").isString()) return actor->get("ID").extract<std::string>();
    return event->optValue<std::string>("id", "");
}

// Event times and exit codes come from the engine: clamped, so that odd values cannot overflow
// the arithmetic below (times to year 10000, exit codes to 0..255 as a process reports them).
constexpr int64_t kLatestTime = 253402300799;

int64_t eventTime(const Poco::JSON::Object::Ptr& event) {
    if (!event->has("time") || !event->get("time").isNumeric()) return 0;
    const double t = event->get("time").convert<double>();
    return t > 0 && t < static_cast<double>(kLatestTime) ? static_cast<int64_t>(t) : 0;
}

int64_t exitCodeOf(const std::string& text) {
    const long long code = std::strtoll(text.c_str(), nullptr, 10);
    return code < 0 || code > 255 ? 255 : code;
}

struct Crash {
    std::string name, image;
    int64_t exitCode = 0;
    bool oom = false;
    int64_t time = 0;
    int count = 0;
};

// What the window's events and the containers' current state say, built in steps.
class Timeline {
public:
    // Walks the events in order: kills and stops asked for, OOM kills, exits, health turns, restarts.
    void readEvents(const std::vector<Poco::JSON::Object::Ptr>& events) {
        for (const auto& e : events) {
            const std::string action = e->optValue<std::string>("Action", e->optValue<std::string>("status", ""));
            const std::string id = actorId(e);
            const int64_t t = eventTime(e);
            if (action == "kill" || action == "stop") lastRequest_[id] = t;
            else if (action == "oom") onOom(e, id, t);
            else if (action == "die") onDie(e, id, t);
            else if (action.rfind("health_status", 0) == 0) onHealth(attr(e, "name"), action, t);
            else if (action == "restart") ++restartEvents_[attr(e, "name")];
        }
    }

    // The engine keeps a bounded event history: a failed exit inside the window that left no
    // event still counts, from the container's own state.
    void addExitsWithoutEvents(const std::vector<ContainerState>& containers, int64_t since, int64_t now) {
        for (const ContainerState& s : containers) {
            const std::string id = s.entry->optValue<std::string>("Id", "");
            auto state = stateOf(s);
            if (!state || crashes_.count(id) || requested_.count(id) || state->optValue<bool>("Running", false)) continue;
            const int64_t finished = parseDockerTime(state->optValue<std::string>("FinishedAt", ""));
            const int64_t code = std::clamp<int64_t>(json_read::integer(state, "ExitCode", 0), 0, 255);
            const bool oom = state->optValue<bool>("OOMKilled", false);
            if (finished >= since && finished <= now && (code != 0 || oom)) {
                crashes_[id] = Crash{containerName(s.entry), s.entry->optValue<std::string>("Image", ""), code, oom, finished, 1};
            }
        }
    }

    // Unhealthy now (with the failing streak), and unhealthy during the window but not any more.
    Poco::JSON::Array::Ptr unhealthy(const std::vector<ContainerState>& containers) const {
        Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
        std::set<std::string> current;
        for (const ContainerState& s : containers) {
            auto state = stateOf(s);
            auto health = state && state->has("Health") ? state->getObject("Health") : nullptr;
            if (!health || health->optValue<std::string>("Status", "") != "unhealthy") continue;
            const std::string name = containerName(s.entry);
            current.insert(name);
            auto u = newObject();
            u->set("name", name);
            u->set("current", true);
            u->set("failing_streak", std::clamp<int64_t>(json_read::integer(health, "FailingStreak", 0), 0, 1000000));
            if (auto it = unhealthySince_.find(name); it != unhealthySince_.end()) u->set("since", formatUtc(it->second));
            list->add(u);
        }
        for (const auto& [name, t] : unhealthySince_) {
            if (current.count(name)) continue;
            auto u = newObject();
            u->set("name", name);
            u->set("current", false);
            u->set("since", formatUtc(t));
            list->add(u);
        }
        return list;
    }

    // Restarting now, restarted during the window, or restarted after a crash.
    Poco::JSON::Array::Ptr restarting(const std::vector<ContainerState>& containers) const {
        Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
        for (const ContainerState& s : containers) {
            const std::string id = s.entry->optValue<std::string>("Id", "");
            const std::string name = containerName(s.entry);
            const int64_t restarts = std::clamp<int64_t>(json_read::integer(s.inspect, "RestartCount", 0), 0, 1000000000);
            const std::string stateName = s.entry->optValue<std::string>("State", "");
            if (stateName == "restarting" || restartEvents_.count(name) || (restarts > 0 && crashes_.count(id))) {
                auto r = newObject();
                r->set("name", name);
                r->set("state", stateName);
                r->set("restart_count", restarts);
                list->add(r);
            }
        }
        return list;
    }

    Poco::JSON::Array::Ptr crashes() const { return toArray(crashes_, false); }
    Poco::JSON::Array::Ptr stoppedOnRequest() const { return toArray(requested_, true); }

private:
    static Poco::JSON::Object::Ptr stateOf(const ContainerState& s) {
        return s.inspect && s.inspect->has("State") ? s.inspect->getObject("State") : nullptr;
    }

    void onOom(const Poco::JSON::Object::Ptr& e, const std::string& id, int64_t t) {
        lastOom_[id] = t;
        Crash& c = crashes_[id];
        c.name = attr(e, "name");
        c.image = attr(e, "image");
        c.oom = true;
        c.time = t;
        c.exitCode = c.exitCode ? c.exitCode : 137;
        c.count = std::max(c.count, 1);
    }

    // A non-zero exit nobody asked for is a crash; within seconds of an OOM event it is that OOM kill.
    void onDie(const Poco::JSON::Object::Ptr& e, const std::string& id, int64_t t) {
        const int64_t code = exitCodeOf(attr(e, "exitCode"));
        const auto oomAt = lastOom_.find(id);
        const bool oom = oomAt != lastOom_.end() && t - oomAt->second <= kOomWindow;
        if (code == 0 && !oom) return;
        const auto askedAt = lastRequest_.find(id);
        const bool asked = askedAt != lastRequest_.end() && t - askedAt->second <= kRequestWindow;
        Crash& c = (asked && !oom) ? requested_[id] : crashes_[id];
        if (oom && c.count > 0 && c.oom && c.time == oomAt->second) c.count -= 1;  // the oom event and its die are one
        c.name = attr(e, "name");
        c.image = attr(e, "image");
        c.exitCode = code;
        c.oom = oom;
        c.time = t;
        c.count = std::min(c.count + 1, 1000000);
    }

    void onHealth(const std::string& name, const std::string& action, int64_t t) {
        if (action.find("unhealthy") != std::string::npos) unhealthySince_[name] = t;
        else unhealthySince_.erase(name);
    }

    static Poco::JSON::Array::Ptr toArray(const std::map<std::string, Crash>& m, bool onRequest) {
        std::vector<Crash> list;
        for (const auto& [id, c] : m) list.push_back(c);
        std::sort(list.begin(), list.end(), [](const Crash& a, const Crash& b) { return a.time > b.time; });
        Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
        for (const Crash& c : list) {
            auto o = newObject();
            o->set("name", c.name);
            o->set("image", c.image);
            o->set("exit_code", c.exitCode);
            o->set("oom_killed", c.oom);
            o->set("reason", onRequest ? "stopped_on_request" : (c.oom ? "out_of_memory" : "exited_with_error"));
            o->set("time", formatUtc(c.time));
            o->set("times_in_window", c.count);
            a->add(o);
        }
        return a;
    }

    std::map<std::string, int64_t> lastRequest_, lastOom_;  // by container id
    std::map<std::string, Crash> crashes_, requested_;       // by container id
    std::map<std::string, int64_t> unhealthySince_;          // by name
    std::map<std::string, int> restartEvents_;               // by name
};

}  // namespace

Poco::JSON::Object::Ptr buildCrashReport(const std::vector<Poco::JSON::Object::Ptr>& events,
                                         const std::vector<ContainerState>& containers, int64_t since, int64_t now) {
    Timeline timeline;
    timeline.readEvents(events);
    timeline.addExitsWithoutEvents(containers, since, now);
    auto report = newObject();
    report->set("window_minutes", (now - since) / 60);
    report->set("since", formatUtc(since));
    report->set("until", formatUtc(now));
    report->set("crashes", timeline.crashes());
    report->set("stopped_on_request", timeline.stoppedOnRequest());
    report->set("unhealthy", timeline.unhealthy(containers));
    report->set("restarting", timeline.restarting(containers));
    report->set("events_seen", static_cast<Poco::Int64>(events.size()));
    return report;
}

}  // namespace ha_plugins::docker
