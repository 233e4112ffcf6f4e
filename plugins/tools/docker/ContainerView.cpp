#include "tools/docker/ContainerView.h"

#include "common/PluginConfig.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace ha_plugins::docker {

namespace {

std::string str(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || o->get(key).isEmpty() || !o->get(key).isString()) return "";
    return o->get(key).extract<std::string>();
}

int64_t num(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || o->get(key).isEmpty() || !o->get(key).isNumeric()) return 0;
    return o->get(key).convert<int64_t>();
}

bool flag(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || !o->get(key).isBoolean()) return false;
    return o->get(key).convert<bool>();
}

Poco::JSON::Object::Ptr obj(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    return o && o->has(key) && !o->get(key).isEmpty() ? o->getObject(key) : nullptr;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string shortId(const std::string& id) { return id.substr(0, 12); }

std::string cut(const std::string& s, size_t max) { return s.size() <= max ? s : s.substr(0, max) + "..."; }

}  // namespace

int64_t parseDockerTime(const std::string& text) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    if (text.size() < 19 || std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6) return 0;
    if (y <= 1) return 0;
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    int64_t t = static_cast<int64_t>(::timegm(&tm));
    // A numeric zone ("+01:00") after the seconds and optional fraction.
    const size_t zone = text.find_first_of("+-", 19);
    if (zone != std::string::npos) {
        int zh = 0, zm = 0;
        if (std::sscanf(text.c_str() + zone + 1, "%2d:%2d", &zh, &zm) == 2) {
            t -= (text[zone] == '+' ? 1 : -1) * (zh * 3600 + zm * 60);
        }
    }
    return t;
}

std::string formatUtc(int64_t unixSeconds) {
    if (unixSeconds <= 0) return "";
    const std::time_t t = static_cast<std::time_t>(unixSeconds);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
    return buf;
}

bool looksSecret(const std::string& key, const std::string& value) {
    const std::string k = lower(key);
    for (const char* word : {"pass", "secret", "token", "key", "credential", "auth", "private", "cookie", "session",
                             "cert", "dsn", "apikey", "api_key", "signature"}) {
        if (k.find(word) != std::string::npos) return true;
    }
    // Values that carry credentials: URLs with user:password@, bearer tokens, long random strings.
    if (value.find("://") != std::string::npos && value.find('@') != std::string::npos) return true;
    const std::string v = lower(value);
    if (v.rfind("bearer ", 0) == 0 || v.rfind("sk-", 0) == 0 || v.rfind("gsk_", 0) == 0 || v.rfind("ghp_", 0) == 0) return true;
    if (value.size() >= 32 && value.find_first_of(" /.:") == std::string::npos) return true;
    return false;
}

std::string containerName(const Poco::JSON::Object::Ptr& doc) {
    std::string name = str(doc, "Name");
    if (name.empty() && doc && doc->has("Names")) {
        auto names = doc->getArray("Names");
        if (names && names->size() > 0 && names->get(0).isString()) name = names->get(0).extract<std::string>();
    }
    if (!name.empty() && name[0] == '/') name.erase(0, 1);
    return name;
}

Poco::JSON::Array::Ptr publishedPorts(const Poco::JSON::Array::Ptr& ports) {
    Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
    for (size_t i = 0; ports && i < ports->size(); ++i) {
        auto p = ports->getObject(static_cast<unsigned>(i));
        if (!p) continue;
        const std::string proto = str(p, "Type").empty() ? "tcp" : str(p, "Type");
        std::string s = std::to_string(num(p, "PrivatePort")) + "/" + proto;
        if (num(p, "PublicPort") > 0) {
            s = (str(p, "IP").empty() ? "" : str(p, "IP") + ":") + std::to_string(num(p, "PublicPort")) + "->" + s;
        }
        out->add(s);
    }
    return out;
}

Poco::JSON::Object::Ptr containerSummary(const Poco::JSON::Object::Ptr& entry, const Poco::JSON::Object::Ptr& inspect,
                                         int64_t now) {
    auto c = newObject();
    c->set("id", shortId(str(entry, "Id")));
    c->set("name", containerName(entry));
    c->set("image", str(entry, "Image"));
    c->set("state", str(entry, "State"));
    c->set("status", str(entry, "Status"));
    auto state = inspect ? obj(inspect, "State") : nullptr;
    auto health = state ? obj(state, "Health") : nullptr;
    c->set("health", health ? Poco::Dynamic::Var(str(health, "Status")) : Poco::Dynamic::Var());
    if (state) {
        const int64_t started = parseDockerTime(str(state, "StartedAt"));
        const int64_t finished = parseDockerTime(str(state, "FinishedAt"));
        const bool running = flag(state, "Running");
        c->set("uptime_seconds", running && started > 0 ? std::max<int64_t>(0, now - started) : 0);
        c->set("restart_count", num(inspect, "RestartCount"));
        c->set("exit_code", num(state, "ExitCode"));
        c->set("oom_killed", flag(state, "OOMKilled"));
        if (started > 0) c->set("started_at", formatUtc(started));
        if (!running && finished > 0) c->set("finished_at", formatUtc(finished));
    }
    c->set("ports", publishedPorts(entry && entry->has("Ports") ? entry->getArray("Ports") : nullptr));
    return c;
}

Poco::JSON::Object::Ptr containerDetails(const Poco::JSON::Object::Ptr& inspect, int64_t now) {
    auto state = obj(inspect, "State");
    auto config = obj(inspect, "Config");
    auto host = obj(inspect, "HostConfig");
    auto c = newObject();
    c->set("id", shortId(str(inspect, "Id")));
    c->set("name", containerName(inspect));
    c->set("image", str(config, "Image"));
    c->set("created", formatUtc(parseDockerTime(str(inspect, "Created"))));
    c->set("state", str(state, "Status"));
    const int64_t started = parseDockerTime(str(state, "StartedAt"));
    const int64_t finished = parseDockerTime(str(state, "FinishedAt"));
    c->set("running", flag(state, "Running"));
    c->set("paused", flag(state, "Paused"));
    c->set("restarting", flag(state, "Restarting"));
    c->set("exit_code", num(state, "ExitCode"));
    c->set("oom_killed", flag(state, "OOMKilled"));
    if (!str(state, "Error").empty()) c->set("error", cut(str(state, "Error"), 300));
    if (started > 0) c->set("started_at", formatUtc(started));
    if (finished > 0) c->set("finished_at", formatUtc(finished));
    c->set("uptime_seconds", flag(state, "Running") && started > 0 ? std::max<int64_t>(0, now - started) : 0);
    c->set("restart_count", num(inspect, "RestartCount"));
    if (auto policy = obj(host, "RestartPolicy")) {
        auto p = newObject();
        p->set("name", str(policy, "Name"));
        p->set("maximum_retry_count", num(policy, "MaximumRetryCount"));
        c->set("restart_policy", p);
    }
    if (auto health = obj(state, "Health")) {
        auto h = newObject();
        h->set("status", str(health, "Status"));
        h->set("failing_streak", num(health, "FailingStreak"));
        Poco::JSON::Array::Ptr log = new Poco::JSON::Array;
        auto entries = health->has("Log") && !health->get("Log").isEmpty() ? health->getArray("Log") : nullptr;
        const size_t n = entries ? entries->size() : 0;
        for (size_t i = n > 3 ? n - 3 : 0; i < n; ++i) {  // the last three probes
            auto e = entries->getObject(static_cast<unsigned>(i));
            auto item = newObject();
            item->set("time", formatUtc(parseDockerTime(str(e, "End"))));
            item->set("exit_code", num(e, "ExitCode"));
            item->set("output", cut(str(e, "Output"), 200));
            log->add(item);
        }
        h->set("last_probes", log);
        c->set("health", h);
    }
    // Labels: only those that cannot carry credentials.
    auto labels = newObject();
    if (auto l = obj(config, "Labels")) {
        for (const auto& [key, value] : *l) {
            const std::string v = value.isString() ? value.extract<std::string>() : "";
            if (!looksSecret(key, v)) labels->set(key, cut(v, 200));
        }
    }
    c->set("labels", labels);
    return c;
}

}  // namespace ha_plugins::docker
