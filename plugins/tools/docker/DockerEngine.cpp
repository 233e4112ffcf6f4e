#include "tools/docker/DockerEngine.h"

#include <homelab_assistant/plugin.hpp>

#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace ha_plugins::docker {

using homelab_assistant::Error;

namespace {

// "1.41" -> 41 (major must be 1); -1 when unparsable.
int apiMinor(const std::string& v) {
    int major = 0, minor = 0;
    if (std::sscanf(v.c_str(), "%d.%d", &major, &minor) != 2 || major != 1) return -1;
    return minor;
}

Poco::Dynamic::Var parse(const std::string& body) {
    Poco::JSON::Parser parser;
    return parser.parse(body);
}

std::string errorMessage(const std::string& body) {
    try {
        auto o = parse(body).extract<Poco::JSON::Object::Ptr>();
        if (o && o->has("message")) return o->getValue<std::string>("message");
    } catch (...) {
    }
    return body.substr(0, 200);
}

}  // namespace

DockerEngine::DockerEngine(std::string socketPath, std::chrono::milliseconds requestTimeout)
    : client_(std::move(socketPath)), requestTimeoutNs_(static_cast<uint64_t>(requestTimeout.count()) * 1000000ull) {}

HttpResponse DockerEngine::request(const std::string& path, uint64_t deadlineNs) {
    const uint64_t deadline = std::min(deadlineNs, homelab_assistant::monotonicNowNs() + requestTimeoutNs_);
    try {
        return client_.get(path, deadline);
    } catch (const EngineUnreachable& e) {
        throw Error(e.timedOut() ? HA_ERR_TIMEOUT : HA_ERR_UNAVAILABLE, e.what());
    }
}

std::string DockerEngine::negotiate(const std::string& serverApi, const std::string& serverMinApi) {
    const int server = apiMinor(serverApi);
    const int serverMin = serverMinApi.empty() ? 0 : apiMinor(serverMinApi);
    if (server < 0) throw Error(HA_ERR_UNAVAILABLE, "Docker reported an unknown API version '" + serverApi + "'");
    if (server < kMinMinor) {
        throw Error(HA_ERR_UNAVAILABLE, "Docker API " + serverApi + " is too old: Docker 20.10 (API 1.41) or newer is needed");
    }
    const int chosen = std::min(server, kMaxMinor);
    if (serverMin > chosen) {
        throw Error(HA_ERR_UNAVAILABLE, "Docker requires API " + serverMinApi + " or newer; this plugin speaks up to 1." +
                                            std::to_string(kMaxMinor));
    }
    return "1." + std::to_string(chosen);
}

Poco::Dynamic::Var DockerEngine::getJson(const std::string& path, uint64_t deadlineNs, int* status) {
    const HttpResponse r = request(path, deadlineNs);
    if (status) *status = r.status;
    if (r.status == 404 && status) return Poco::Dynamic::Var();
    if (r.status != 200) {
        throw Error(HA_ERR_UNAVAILABLE, "Docker answered " + std::to_string(r.status) + ": " + errorMessage(r.body));
    }
    try {
        return parse(r.body);
    } catch (const Poco::Exception& e) {
        throw Error(HA_ERR_UNAVAILABLE, "Docker sent invalid JSON: " + e.message());
    }
}

EngineVersion DockerEngine::version(uint64_t deadlineNs) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!cached_.apiVersion.empty() && std::chrono::steady_clock::now() - cachedAt_ < std::chrono::seconds(60)) {
            return cached_;
        }
    }
    auto v = getJson("/version", deadlineNs).extract<Poco::JSON::Object::Ptr>();
    EngineVersion ev;
    ev.version = v->optValue<std::string>("Version", "");
    ev.apiVersion = negotiate(v->optValue<std::string>("ApiVersion", ""), v->optValue<std::string>("MinAPIVersion", ""));
    std::lock_guard<std::mutex> lock(mutex_);
    cached_ = ev;
    cachedAt_ = std::chrono::steady_clock::now();
    return ev;
}

std::string DockerEngine::versioned(const std::string& path, uint64_t deadlineNs) {
    return "/v" + version(deadlineNs).apiVersion + path;
}

Poco::JSON::Array::Ptr DockerEngine::listContainers(bool all, uint64_t deadlineNs) {
    auto v = getJson(versioned(std::string("/containers/json?all=") + (all ? "true" : "false"), deadlineNs), deadlineNs);
    return v.extract<Poco::JSON::Array::Ptr>();
}

Poco::JSON::Object::Ptr DockerEngine::inspect(const std::string& idOrName, uint64_t deadlineNs) {
    std::string encoded;
    Poco::URI::encode(idOrName, "/?#&=+%", encoded);
    int status = 0;
    auto v = getJson(versioned("/containers/" + encoded + "/json", deadlineNs), deadlineNs, &status);
    if (status == 404) return nullptr;
    return v.extract<Poco::JSON::Object::Ptr>();
}

Poco::JSON::Object::Ptr DockerEngine::stats(const std::string& id, uint64_t deadlineNs) {
    int status = 0;
    auto v = getJson(versioned("/containers/" + id + "/stats?stream=false", deadlineNs), deadlineNs, &status);
    if (status == 404) return nullptr;
    return v.extract<Poco::JSON::Object::Ptr>();
}

std::vector<Poco::JSON::Object::Ptr> DockerEngine::events(double since, double until, uint64_t deadlineNs) {
    // Only the actions that tell about failures; "until" must not be in the future (it would block).
    const std::string filters = R"({"type":["container"],"event":["die","oom","kill","stop","restart","health_status"]})";
    std::string encodedFilters;
    Poco::URI::encode(filters, "{}[]\":,", encodedFilters);
    char range[96];
    std::snprintf(range, sizeof range, "since=%.3f&until=%.3f", since, until);
    const HttpResponse r = request(versioned("/events?" + std::string(range) + "&filters=" + encodedFilters, deadlineNs), deadlineNs);
    if (r.status != 200) {
        throw Error(HA_ERR_UNAVAILABLE, "Docker answered " + std::to_string(r.status) + ": " + errorMessage(r.body));
    }
    // A stream of JSON objects, one per line.
    std::vector<Poco::JSON::Object::Ptr> out;
    std::istringstream lines(r.body);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.find_first_not_of(" \r\t") == std::string::npos) continue;
        try {
            out.push_back(parse(line).extract<Poco::JSON::Object::Ptr>());
        } catch (const Poco::Exception&) {
            // skip a damaged line rather than lose the rest
        }
    }
    return out;
}

}  // namespace ha_plugins::docker
