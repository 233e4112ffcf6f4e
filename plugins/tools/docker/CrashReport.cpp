#include "tools/docker/CrashReport.h"

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

int64_t eventTime(const Poco::JSON::Object::Ptr& event) {
    if (event->has("time") && event->get("time").isNumeric()) return event->get("time").convert<int64_t>();
    return 0;
}

struct Crash {
    std::string name, image;
    int64_t exitCode = 0;
    bool oom = false;
    int64_t time = 0;
    int count = 0;
};

}  // namespace

Poco::JSON::Object::Ptr buildCrashReport(const std::vector<Poco::JSON::Object::Ptr>& events,
                                         const std::vector<ContainerState>& containers, int64_t since, int64_t now) {
    std::map<std::string, int64_t> lastRequest, lastOom;  // by container id
    std::map<std::string, Crash> crashes;                 // by container id
    std::map<std::string, Crash> requested;
    std::map<std::string, int64_t> unhealthySince;        // by name
    std::map<std::string, int> restartEvents;             // by name

    for (const auto& e : events) {
        const std::string action = e->optValue<std::string>("Action", e->optValue<std::string>("status", ""));
        const std::string id = actorId(e);
        const std::string name = attr(e, "name");
        const int64_t t = eventTime(e);
        if (action == "kill" || action == "stop") {
            lastRequest[id] = t;
        } else if (action == "oom") {
            lastOom[id] = t;
            Crash& c = crashes[id];
            c.name = name;
            c.image = attr(e, "image");
            c.oom = true;
            c.time = t;
            c.exitCode = c.exitCode ? c.exitCode : 137;
            c.count = std::max(c.count, 1);
        } else if (action == "die") {
            const int64_t code = std::atoll(attr(e, "exitCode").c_str());
            const bool oom = lastOom.count(id) && t - lastOom[id] <= kOomWindow;
            if (code == 0 && !oom) continue;
            const bool asked = lastRequest.count(id) && t - lastRequest[id] <= kRequestWindow;
            Crash& c = (asked && !oom) ? requested[id] : crashes[id];
            if (oom && c.count > 0 && c.oom && c.time == lastOom[id]) {
                c.count -= 1;  // the oom event and its die are one incident
            }
            c.name = name;
            c.image = attr(e, "image");
            c.exitCode = code;
            c.oom = oom;
            c.time = t;
            c.count += 1;
        } else if (action.rfind("health_status", 0) == 0) {
            if (action.find("unhealthy") != std::string::npos) unhealthySince[name] = t;
            else unhealthySince.erase(name);
        } else if (action == "restart") {
            ++restartEvents[name];
        }
    }

    Poco::JSON::Array::Ptr unhealthy = new Poco::JSON::Array, restarting = new Poco::JSON::Array;
    std::set<std::string> currentlyUnhealthy;
    for (const ContainerState& s : containers) {
        const std::string id = s.entry->optValue<std::string>("Id", "");
        const std::string name = containerName(s.entry);
        auto state = s.inspect && s.inspect->has("State") ? s.inspect->getObject("State") : nullptr;
        auto health = state && state->has("Health") ? state->getObject("Health") : nullptr;
        if (health && health->optValue<std::string>("Status", "") == "unhealthy") {
            currentlyUnhealthy.insert(name);
            auto u = newObject();
            u->set("name", name);
            u->set("current", true);
            u->set("failing_streak", health->optValue<int>("FailingStreak", 0));
            if (unhealthySince.count(name)) u->set("since", formatUtc(unhealthySince[name]));
            unhealthy->add(u);
        }
        const int64_t restarts = s.inspect ? s.inspect->optValue<int64_t>("RestartCount", 0) : 0;
        const std::string stateName = s.entry->optValue<std::string>("State", "");
        if (stateName == "restarting" || restartEvents.count(name) || (restarts > 0 && crashes.count(id))) {
            auto r = newObject();
            r->set("name", name);
            r->set("state", stateName);
            r->set("restart_count", restarts);
            restarting->add(r);
        }
        // The engine keeps a bounded event history: a failed exit inside the window that left no
        // event still counts, from the container's own state.
        if (state && !crashes.count(id) && !requested.count(id) && !state->optValue<bool>("Running", false)) {
            const int64_t finished = parseDockerTime(state->optValue<std::string>("FinishedAt", ""));
            const int64_t code = state->optValue<int64_t>("ExitCode", 0);
            const bool oom = state->optValue<bool>("OOMKilled", false);
            if (finished >= since && finished <= now && (code != 0 || oom)) {
                crashes[id] = Crash{name, s.entry->optValue<std::string>("Image", ""), code, oom, finished, 1};
            }
        }
    }
    for (const auto& [name, t] : unhealthySince) {  // unhealthy during the window, recovered or gone since
        if (currentlyUnhealthy.count(name)) continue;
        auto u = newObject();
        u->set("name", name);
        u->set("current", false);
        u->set("since", formatUtc(t));
        unhealthy->add(u);
    }

    const auto toArray = [](const std::map<std::string, Crash>& m, bool onRequest) {
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
    };
    auto report = newObject();
    report->set("window_minutes", (now - since) / 60);
    report->set("since", formatUtc(since));
    report->set("until", formatUtc(now));
    report->set("crashes", toArray(crashes, false));
    report->set("stopped_on_request", toArray(requested, true));
    report->set("unhealthy", unhealthy);
    report->set("restarting", restarting);
    report->set("events_seen", static_cast<Poco::Int64>(events.size()));
    return report;
}

}  // namespace ha_plugins::docker
