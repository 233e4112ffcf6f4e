#include "tools/docker/ContainerView.h"

#include "common/JsonRead.h"
#include "common/PluginConfig.h"
#include "common/SecretText.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace ha_plugins::docker {

namespace {

std::string str(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || o->get(key).isEmpty() || !o->get(key).isString()) return "";
    return o->get(key).extract<std::string>();
}

// Numbers from the engine are clamped on the way in: Poco's own conversion of a double at 2^63
// to int64 is undefined behaviour, and nothing a container reports is that large.
int64_t num(const Poco::JSON::Object::Ptr& o, const std::string& key) { return json_read::integer(o, key, 0); }

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

// Text a container produced (probe output, errors, label values), credentials masked before
// it is cut, so a cut cannot leave the head of one.
std::string shownText(const std::string& s, size_t max) { return cut(redactSecrets(s), max); }

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
    if (looksLikeSecretKey(key)) return true;  // *.pwd, *_pw, otp_seed, token, apikey ...
    const std::string k = lower(key);
    for (const char* word : {"pass", "secret", "token", "key", "credential", "auth", "private", "cookie", "session",
                             "cert", "dsn", "apikey", "api_key", "signature", "otp", "pwd"}) {
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
    if (!str(state, "Error").empty()) c->set("error", shownText(str(state, "Error"), 300));
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
            item->set("output", shownText(str(e, "Output"), 200));  // probes print what they connect with
            log->add(item);
        }
        h->set("last_probes", log);
        c->set("health", h);
    }
    // Labels: a label that looks like a credential shows only that it exists; the others with
    // any key=value credential inside them masked.
    auto labels = newObject();
    if (auto l = obj(config, "Labels")) {
        for (const auto& [key, value] : *l) {
            const std::string v = value.isString() ? value.extract<std::string>() : "";
            labels->set(key, looksSecret(key, v) ? std::string(kRedacted) : shownText(v, 200));
        }
    }
    c->set("labels", labels);
    return c;
}

Poco::JSON::Object::Ptr containerUsage(const std::string& name, const Poco::JSON::Object::Ptr& s) {
    using json_read::number;
    using json_read::object;
    auto out = newObject();
    out->set("name", name);
    auto cpu = object(s, "cpu_stats"), pre = object(s, "precpu_stats");
    const double cpuDelta = number(object(cpu, "cpu_usage"), "total_usage") - number(object(pre, "cpu_usage"), "total_usage");
    const double systemDelta = number(cpu, "system_cpu_usage") - number(pre, "system_cpu_usage");
    double cpus = number(cpu, "online_cpus");
    if (!(cpus > 0 && cpus <= 65536)) {
        const size_t perCpu = json_read::array(object(cpu, "cpu_usage"), "percpu_usage")->size();
        cpus = perCpu > 0 ? static_cast<double>(perCpu) : 1;
    }
    out->set("cpu_percent", systemDelta > 0 && cpuDelta > 0 ? rounded(cpuDelta / systemDelta * cpus * 100.0, 1) : 0.0);
    auto mem = object(s, "memory_stats");
    auto memStats = object(mem, "stats");
    // Page cache that can be reclaimed does not count as used (cgroup v1 and v2 names).
    double inactive = number(memStats, "total_inactive_file");
    if (inactive <= 0) inactive = number(memStats, "inactive_file");
    // Byte counts clamped to [0, 2^62] before they become integers (an engine's odd double
    // past int64 would be undefined behaviour to convert).
    const auto bytes = [](double v) { return static_cast<Poco::Int64>(std::clamp(v, 0.0, 4.6e18)); };
    const double used = std::clamp(number(mem, "usage") - inactive, 0.0, 4.6e18);
    const double limit = std::clamp(number(mem, "limit"), 0.0, 4.6e18);
    out->set("memory_used_bytes", bytes(used));
    out->set("memory_limit_bytes", bytes(limit));
    out->set("memory_percent", limit > 0 ? rounded(used / limit * 100.0, 1) : 0.0);
    return out;
}

}  // namespace ha_plugins::docker
