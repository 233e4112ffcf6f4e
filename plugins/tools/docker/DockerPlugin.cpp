// Tool plugin "docker": containers, one container's details, resource usage and recent crashes,
// read from the Docker Engine API over a unix socket. Only GET requests are ever sent.
#include "common/PluginConfig.h"
#include "common/SameAnswer.h"
#include "common/RefreshedValue.h"
#include "common/ShortCache.h"
#include "tools/docker/ContainerView.h"
#include "tools/docker/DockerAnswers.h"
#include "tools/docker/CrashReport.h"
#include "tools/docker/DockerEngine.h"

#include <homelab_assistant/plugin.hpp>

#include <Poco/JSON/Array.h>

#include <atomic>
#include <ctime>
#include <map>
#include <mutex>
#include <sys/time.h>
#include <thread>

namespace ha_plugins::docker {

using homelab_assistant::Call;
using homelab_assistant::Error;
using homelab_assistant::Host;
using homelab_assistant::ToolSpec;

namespace {

double unixNow() {
    timeval tv{};
    ::gettimeofday(&tv, nullptr);
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}

Poco::JSON::Object::Ptr objectAt(const Poco::JSON::Array::Ptr& a, size_t i) { return a->getObject(static_cast<unsigned>(i)); }

}  // namespace

class DockerTools {
public:
    DockerTools(const Host&, const std::string& configJson) : results_(PluginConfig(configJson), 1000, 600000) {
        const PluginConfig config(configJson);
        engine_ = std::make_unique<DockerEngine>(
            config.string("socket", "/var/run/docker.sock"),
            std::chrono::milliseconds(config.integer("request_timeout_ms", 5000, 100, 60000)));
        maxContainers_ = static_cast<size_t>(config.integer("max_containers", 200, 1, 10000));
        statsParallelism_ = static_cast<size_t>(config.integer("stats_parallelism", 8, 1, 64));
        checkSettings_.crashWindowMinutes = config.integer("check_crash_window_minutes", 1440, 1, 10080);
        names_ = std::make_unique<RefreshedValue<std::vector<std::string>>>([this] { return readNames(); }, kNamesTtl,
                                                                             kNamesWait);
    }

    std::vector<ToolSpec> tools() const {
        ToolSpec containers;
        containers.name = "docker.containers";
        containers.description =
            "List the Docker containers (running and stopped) with name, image, state, status text, health, uptime, "
            "restart count, last exit code, whether the kernel killed it for lack of memory, and published ports.";
        containers.inputSchema =
            R"J({"type":"object","properties":{"all":{"type":"boolean","description":"Include stopped containers (default true)"}},"additionalProperties":false})J";
        containers.timeoutMs = 10000;
        containers.flags = HA_CAPABILITY_FROM_MEMORY;

        ToolSpec inspect;
        inspect.name = "docker.inspect";
        inspect.description =
            "Details of one container by name or id: state, exit code, OOM kill, restart count and policy, start and "
            "finish times, health check status with the last probe results, image and non-secret labels.";
        inspect.inputSchema =
            R"J({"type":"object","properties":{"container":{"type":"string","minLength":1,"maxLength":128,"description":"Container name or id"}},"required":["container"],"additionalProperties":false})J";
        inspect.timeoutMs = 5000;
        inspect.flags = HA_CAPABILITY_FROM_MEMORY;

        ToolSpec stats;
        stats.name = "docker.stats";
        stats.description =
            "CPU and memory usage of running containers (or of one): CPU percent where 100% is one full core, memory "
            "used, memory limit and percent. Takes about a second.";
        stats.inputSchema =
            R"J({"type":"object","properties":{"container":{"type":"string","minLength":1,"maxLength":128,"description":"Only this container"}},"additionalProperties":false})J";
        stats.timeoutMs = 15000;
        stats.flags = HA_CAPABILITY_FROM_MEMORY;

        ToolSpec crashes;
        crashes.name = "docker.crashes";
        crashes.description =
            "Recent container problems over a time window (default the last 24 hours): crashes (non-zero exits not "
            "requested by anyone), OOM kills, containers that turned unhealthy and containers in a restart loop.";
        crashes.inputSchema =
            R"J({"type":"object","properties":{"since_minutes":{"type":"integer","minimum":1,"maximum":10080,"description":"Window length in minutes (default 1440)"}},"additionalProperties":false})J";
        crashes.timeoutMs = 10000;
        crashes.flags = HA_CAPABILITY_FROM_MEMORY;
        return {containers, inspect, stats, crashes};
    }

    // Results are kept for cache_ms (1 s by default): a burst of questions asks the engine once.
    std::string invoke(const std::string& name, const Call& call) {
        return results_.get(name + '\n' + std::string(call.input), [&] { return ask(name, call); }, call);
    }

    std::string ask(const std::string& name, const Call& call) {
        const PluginConfig input = PluginConfig::fromInput(call.input);
        if (name == "docker.containers") return toJson(containers(input.boolean("all", true), call));
        if (name == "docker.inspect") return toJson(inspect(input.string("container", ""), call));
        if (name == "docker.stats") return toJson(stats(input.string("container", ""), call));
        if (name == "docker.crashes") return toJson(crashes(input.integer("since_minutes", 1440, 1, 10080), call));
        throw Error(HA_ERR_NOT_FOUND, "unknown capability " + name);
    }

    // summarize and checks read their input only; match() the container names in memory, which
    // are read from the engine on a thread of their own.
    static constexpr uint32_t kAnswersFlags =
        HA_ANSWERS_INSTANT_MATCH | HA_ANSWERS_INSTANT_SUMMARIZE | HA_ANSWERS_INSTANT_CHECKS;
    std::string profile() const { return dockerProfile(checkSettings_); }
    std::string match(const Call& call) { return dockerMatch(call.input, *names_->get()); }
    std::string summarizeAnew(const Call& call) const { return dockerSummary(call.input); }
    std::string checksAnew(const Call& call) const { return dockerChecks(call.input); }

    // The same input gives the same text (common/SameAnswer.h): kept, not worded again.
    std::string summarize(const Call& call) { return summaries_.get(call.input, 0, [&] { return summarizeAnew(call); }); }
    std::string checks(const Call& call) { return checkAnswers_.get(call.input, 0, [&] { return checksAnew(call); }); }

private:
    SameAnswer summaries_;
    SameAnswer checkAnswers_;
    // Names of all containers, for recognising them in questions, asked for with a short deadline
    // so that a slow engine never delays a refresh much. Engine down: nothing to recognise (the
    // capabilities themselves will say why).
    std::vector<std::string> readNames() {
        std::vector<std::string> names;
        auto list = engine_->listContainers(true, homelab_assistant::monotonicNowNs() + kNamesDeadlineNs);
        for (size_t i = 0; i < list->size() && i < maxContainers_; ++i) names.push_back(containerName(objectAt(list, i)));
        return names;
    }

    std::vector<ContainerState> states(bool all, const Call& call) {
        auto list = engine_->listContainers(all, call.deadlineNs);
        std::vector<ContainerState> out;
        for (size_t i = 0; i < list->size() && i < maxContainers_; ++i) {
            auto entry = objectAt(list, i);
            out.push_back({entry, engine_->inspect(entry->optValue<std::string>("Id", ""), call.deadlineNs)});
        }
        return out;
    }

    Poco::JSON::Object::Ptr containers(bool all, const Call& call) {
        const EngineVersion v = engine_->version(call.deadlineNs);
        const auto now = static_cast<int64_t>(unixNow());
        Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
        std::map<std::string, int64_t> counts;
        for (const ContainerState& s : states(all, call)) {
            auto c = containerSummary(s.entry, s.inspect, now);
            ++counts[c->optValue<std::string>("state", "unknown")];
            if (!c->get("health").isEmpty() && c->getValue<std::string>("health") == "unhealthy") ++counts["unhealthy"];
            list->add(c);
        }
        auto summary = newObject();
        summary->set("total", static_cast<Poco::Int64>(list->size()));
        for (const char* k : {"running", "paused", "restarting", "exited", "created", "dead", "unhealthy"}) {
            summary->set(k, counts[k]);
        }
        auto out = newObject();
        out->set("engine", engineInfo(v));
        out->set("containers", list);
        out->set("summary", summary);
        return out;
    }

    Poco::JSON::Object::Ptr inspect(const std::string& container, const Call& call) {
        auto doc = engine_->inspect(container, call.deadlineNs);
        if (!doc) throw Error(HA_ERR_NOT_FOUND, "no container named '" + container + "'");
        return containerDetails(doc, static_cast<int64_t>(unixNow()));
    }

    Poco::JSON::Object::Ptr stats(const std::string& container, const Call& call) {
        std::vector<std::pair<std::string, std::string>> targets;  // id, name
        if (!container.empty()) {
            auto doc = engine_->inspect(container, call.deadlineNs);
            if (!doc) throw Error(HA_ERR_NOT_FOUND, "no container named '" + container + "'");
            auto state = doc->getObject("State");
            if (!state || !state->optValue<bool>("Running", false)) {
                throw Error(HA_ERR_INVALID_ARGUMENT, "container '" + container + "' is not running");
            }
            targets.emplace_back(doc->optValue<std::string>("Id", ""), containerName(doc));
        } else {
            auto list = engine_->listContainers(false, call.deadlineNs);
            for (size_t i = 0; i < list->size() && i < maxContainers_; ++i) {
                auto e = objectAt(list, i);
                if (e->optValue<std::string>("State", "") != "running") continue;  // paused: no stats
                targets.emplace_back(e->optValue<std::string>("Id", ""), containerName(e));
            }
        }
        // The engine needs about a second per container: ask for several at once.
        std::vector<Poco::JSON::Object::Ptr> results(targets.size());
        std::atomic<size_t> next{0};
        const auto worker = [&] {
            for (size_t i = next++; i < targets.size(); i = next++) {
                try {
                    auto s = engine_->stats(targets[i].first, call.deadlineNs);
                    results[i] = s ? containerUsage(targets[i].second, s) : nullptr;
                } catch (const Error& e) {
                    auto failed = newObject();
                    failed->set("name", targets[i].second);
                    failed->set("error", std::string(e.what()));
                    results[i] = failed;
                }
            }
        };
        std::vector<std::thread> threads;
        for (size_t t = 0; t < std::min(statsParallelism_, targets.size()); ++t) threads.emplace_back(worker);
        for (auto& th : threads) th.join();
        call.throwIfExpired();
        Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
        for (const auto& r : results) {
            if (r) list->add(r);
        }
        auto out = newObject();
        out->set("containers", list);
        return out;
    }

    Poco::JSON::Object::Ptr crashes(int64_t minutes, const Call& call) {
        const double now = unixNow();
        const double since = now - static_cast<double>(minutes) * 60.0;
        auto events = engine_->events(since, now, call.deadlineNs);
        return buildCrashReport(events, states(true, call), static_cast<int64_t>(since), static_cast<int64_t>(now));
    }

    static Poco::JSON::Object::Ptr engineInfo(const EngineVersion& v) {
        auto e = newObject();
        e->set("version", v.version);
        e->set("api_version", v.apiVersion);
        return e;
    }

    static constexpr std::chrono::milliseconds kNamesTtl{10000};
    static constexpr uint64_t kNamesDeadlineNs = 1000000000ull;
    // How long a question waits for names read again (the engine's deadline, and some; at most
    // once per ttl, and the answers deadline is 2 s).
    static constexpr std::chrono::milliseconds kNamesWait{1100};

    std::unique_ptr<DockerEngine> engine_;
    ShortCache results_;
    size_t maxContainers_ = 200;
    size_t statsParallelism_ = 8;
    DockerCheckSettings checkSettings_;
    // Last: its thread reads through engine_, so it stops before engine_ goes.
    std::unique_ptr<RefreshedValue<std::vector<std::string>>> names_;
};

constexpr const char* kSettingsSchema =
    R"J({"type":"object","additionalProperties":false,"properties":{)J"
    R"J("socket":{"type":"string","minLength":1,"description":"Docker Engine API socket (default /var/run/docker.sock)"},)J"
    R"J("request_timeout_ms":{"type":"integer","minimum":100,"maximum":60000},)J"
    R"J("max_containers":{"type":"integer","minimum":1,"maximum":10000},)J"
    R"J("stats_parallelism":{"type":"integer","minimum":1,"maximum":64},)J"
    R"J("cache_ms":{"type":"integer","minimum":0,"maximum":600000,"description":"Reuse a result this long (default 1000; 0 = ask the engine every time)"},)J"
    R"J("check_crash_window_minutes":{"type":"integer","minimum":1,"maximum":10080,"description":"health check: crashes within this window are warnings (default 1440)"}}})J";

const ha_plugin_descriptor kDescriptor = {sizeof(ha_plugin_descriptor), HA_KIND_TOOLS, 0, 0, "docker", "Docker",
                                          HA_PLUGIN_VERSION, "Containers, health, resource use and crashes from the Docker Engine API.",
                                          kSettingsSchema};

}  // namespace ha_plugins::docker

HA_DEFINE_TOOLS_PLUGIN(ha_plugins::docker::DockerTools, ha_plugins::docker::kDescriptor)
