// Tool plugin "truenas": TrueNAS SCALE's own view of the NAS (alerts, pools and disks, apps,
// snapshot/replication/cloud sync tasks, version and boot pool) from its middleware's JSON-RPC
// 2.0 WebSocket API, logged in with a read-only API key. Only the methods of MethodAllowlist are
// ever sent, and results are reduced to what a user needs before they leave the plugin.
#include "common/Answers.h"
#include "common/PluginConfig.h"
#include "common/SameAnswer.h"
#include "common/Wording.h"
#include "tools/truenas/AlertView.h"
#include "tools/truenas/AppView.h"
#include "tools/truenas/DataProtectionView.h"
#include "tools/truenas/MiddlewareClient.h"
#include "tools/truenas/ResultCache.h"
#include "tools/truenas/StorageView.h"
#include "tools/truenas/SystemView.h"
#include "tools/truenas/TruenasAnswers.h"
#include "tools/truenas/TruenasSettings.h"

#include <homelab_assistant/plugin.hpp>

#include <chrono>
#include <future>

namespace ha_plugins::truenas {

using homelab_assistant::Call;
using homelab_assistant::Error;
using homelab_assistant::Host;
using homelab_assistant::ToolSpec;

namespace {

int64_t wallClockMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

const char* const kNotConfigured =
    "the truenas plugin has no API key yet: create a read-only API key for a READONLY_ADMIN user in TrueNAS and set "
    "plugins.settings.truenas.username and api_key_file (README, section \"TrueNAS SCALE\")";

ToolSpec spec(const char* name, const char* description, const char* schema) {
    ToolSpec t;
    t.name = name;
    t.description = description;
    t.inputSchema = schema;
    t.timeoutMs = 10000;  // above request_timeout_ms (8 s), so the plugin's own timeout message wins
    // A kept answer is given on the host's thread; only a middleware round trip needs a call thread.
    t.flags = HA_CAPABILITY_FROM_MEMORY;
    return t;
}

}  // namespace

class TruenasTools {
public:
    TruenasTools(const Host& host, const std::string& configJson)
        : host_(host), settings_(TruenasSettings::parse(configJson)), cache_(settings_.cacheTtl) {
        for (const auto& warning : settings_.warnings) host_.log(HA_LOG_WARNING, warning);
        if (settings_.configured) {
            client_ = std::make_unique<MiddlewareClient>(settings_.client,
                                                         [host](int32_t level, const std::string& m) { host.log(level, m); });
        } else {
            host_.log(HA_LOG_INFO, "no TrueNAS API key configured: the truenas capabilities answer how to set one up");
        }
    }

    std::vector<ToolSpec> tools() const {
        return {
            spec(kAlerts,
                 "TrueNAS alerts (alert.list): level (INFO to CRITICAL), class, message, since when, whether dismissed; "
                 "counts of active alerts per level. Includes SMART, pool, task and update alerts raised by TrueNAS.",
                 R"J({"type":"object","properties":{"include_dismissed":{"type":"boolean","description":"Also list dismissed alerts (default false)"},"min_level":{"type":"string","enum":["INFO","NOTICE","WARNING","ERROR","CRITICAL","ALERT","EMERGENCY"],"description":"Only alerts of this level or higher (default INFO)"}},"additionalProperties":false})J"),
            spec(kPools,
                 "TrueNAS storage pools (pool.query): status (ONLINE, DEGRADED ...), healthy, size/used/free, "
                 "fragmentation, last scrub, top-level vdevs and every device that is not ONLINE or has read/write/"
                 "checksum errors.",
                 R"J({"type":"object","properties":{"pool":{"type":"string","minLength":1,"maxLength":64,"description":"Only this pool"}},"additionalProperties":false})J"),
            spec(kDisks,
                 "TrueNAS disks (disk.query, disk.temperatures): name, model, serial, size, type (HDD/SSD), rotation "
                 "rate, pool and current temperature in degrees Celsius; the hottest disk.",
                 R"J({"type":"object","properties":{"disk":{"type":"string","minLength":1,"maxLength":64,"description":"Only this disk (name like sda, or serial)"}},"additionalProperties":false})J"),
            spec(kApps,
                 "TrueNAS apps (app.query): name, state (RUNNING, STOPPED, CRASHED, DEPLOYING, STOPPING), version, "
                 "whether an upgrade or newer images are available, container states; counts per state.",
                 R"J({"type":"object","properties":{"app":{"type":"string","minLength":1,"maxLength":128,"description":"Only this app"}},"additionalProperties":false})J"),
            spec(kDataProtection,
                 "TrueNAS data protection tasks: periodic snapshot tasks, replication tasks and cloud sync tasks, each "
                 "with enabled, schedule, last run state, time and error, and an outcome (ok, failed, late, held, "
                 "running, disabled ...). Late means the last success is older than the schedule allows.",
                 R"J({"type":"object","properties":{"kind":{"type":"string","enum":["snapshot","replication","cloud_sync"],"description":"Only this kind of task"},"task":{"type":"string","minLength":1,"maxLength":256,"description":"Only this task (replication name, snapshot dataset or cloud sync description)"}},"additionalProperties":false})J"),
            spec(kSystem,
                 "TrueNAS system (system.info, boot.get_state): TrueNAS version, host name, uptime, load average, CPU, "
                 "memory and whether it is ECC, time zone, and the boot pool's status, health and space.",
                 R"J({"type":"object","properties":{},"additionalProperties":false})J"),
        };
    }

    std::string invoke(const std::string& name, const Call& call) {
        if (!client_) throw Error(HA_ERR_DENIED, kNotConfigured);
        // The reduced answer is kept as long as the middleware answers it comes from, so that a
        // burst of the same question costs one reduction too.
        const std::string key = "answer " + name + " " + std::string(call.input);
        if (call.memoryOnly()) {
            std::optional<Var> kept = cache_.kept(key);
            if (!kept) throw Error(HA_ERR_WOULD_BLOCK, "not in memory");
            return kept->extract<std::string>();
        }
        return cache_.get(key, call.deadlineNs, [&] { return Var(answer(name, call)); }).extract<std::string>();
    }

    // match, summarize and checks read their input and the plugin's memory only.
    static constexpr uint32_t kAnswersFlags =
        HA_ANSWERS_INSTANT_MATCH | HA_ANSWERS_INSTANT_SUMMARIZE | HA_ANSWERS_INSTANT_CHECKS;
    std::string profile() { return answersProfile(settings_.configured); }
    std::string match(const Call& call) { return answersMatch(call.input, settings_.configured, names_); }
    std::string summarizeAnew(const Call& call) {
        if (!settings_.configured) {
            const auto request = answers::SummaryRequest::parse(call.input);
            if (request.outcome.status == "denied") return answers::summary(wording::sentence(kNotConfigured) + ".");
        }
        return answersSummarize(call.input);
    }
    std::string checksAnew(const Call& call) { return answersChecks(call.input); }

    // The same input gives the same text (common/SameAnswer.h): kept, not worded again.
    std::string summarize(const Call& call) { return summaries_.get(call.input, 0, [&] { return summarizeAnew(call); }); }
    std::string checks(const Call& call) { return checkAnswers_.get(call.input, 0, [&] { return checksAnew(call); }); }

private:
    SameAnswer summaries_;
    SameAnswer checkAnswers_;
    std::string answer(const std::string& name, const Call& call) {
        const PluginConfig input = PluginConfig::fromInput(call.input);
        const ViewContext context{wallClockMs(), settings_.maxItems, settings_.staleFactor};
        if (name == kAlerts) {
            AlertQuery query;
            query.includeDismissed = input.boolean("include_dismissed", false);
            query.minLevel = input.string("min_level", "INFO");
            return toJson(reduceAlerts(fetch("alert.list", "[]", call), query, context));
        }
        if (name == kPools) {
            const Var pools = fetch("pool.query", queryParams({"id", "name", "status", "healthy", "warning", "status_code",
                                                                "status_detail", "size", "allocated", "free", "fragmentation",
                                                                "scan", "topology"}),
                                    call);
            auto out = reducePools(pools, input.string("pool", ""), context);
            rememberPools(pools);
            return toJson(out);
        }
        if (name == kDisks) {
            auto temperatures = fetchAsync("disk.temperatures", "[[]]", call);
            const Var disks = fetch("disk.query",
                                    queryParams({"name", "serial", "model", "size", "type", "rotationrate", "bus", "pool"},
                                                R"("extra":{"pools":true})"),
                                    call);
            Var temps;
            std::string tempError;
            try {
                temps = temperatures.get();
            } catch (const Error& e) {
                tempError = e.what();
            }
            auto out = reduceDisks(disks, temps, input.string("disk", ""), context);
            if (!tempError.empty()) out->set("temperature_error", tempError);
            return toJson(out);
        }
        if (name == kApps) {
            const Var apps = fetch("app.query",
                                   queryParams({"name", "state", "version", "human_version", "upgrade_available", "latest_version",
                                                "image_updates_available", "custom_app", "active_workloads.container_details"}),
                                   call);
            const std::string only = input.string("app", "");
            auto out = reduceApps(apps, only, context);
            if (only.empty()) rememberApps(out);
            return toJson(out);
        }
        if (name == kDataProtection) return toJson(dataProtection(input.string("kind", ""), input.string("task", ""), call, context));
        if (name == kSystem) {
            auto boot = fetchAsync("boot.get_state", "[]", call);
            const Var info = fetch("system.info", "[]", call);
            Var bootState;
            std::string bootError;
            try {
                bootState = boot.get();
            } catch (const Error& e) {
                bootError = e.what();
            }
            return toJson(reduceSystem(info, bootState, bootError, context));
        }
        throw Error(HA_ERR_NOT_FOUND, "unknown capability " + name);
    }

    // [filters, options]: no filter, only the fields the reducers read (so that credentials and
    // other secrets of a document never even reach the plugin), at most max_items + 1 entries.
    std::string queryParams(std::initializer_list<const char*> select, const std::string& extraOptions = "") const {
        std::string s = R"([[],{"select":[)";
        bool first = true;
        for (const char* field : select) {
            s += (first ? "\"" : ",\"") + std::string(field) + "\"";
            first = false;
        }
        s += "],\"limit\":" + std::to_string(settings_.maxItems + 1);
        if (!extraOptions.empty()) s += "," + extraOptions;
        return s + "}]";
    }

    // A fetch to run alongside others: on its own thread, unless the answer is cached (a thread
    // costs more than a cached answer).
    std::future<Var> fetchAsync(const std::string& method, const std::string& params, const Call& call) {
        const auto policy = cache_.fresh(method + " " + params) ? std::launch::deferred : std::launch::async;
        return std::async(policy, [this, method, params, &call] { return fetch(method, params, call); });
    }

    Var fetch(const std::string& method, const std::string& params, const Call& call) {
        return cache_.get(method + " " + params, call.deadlineNs, [&] {
            return client_->call(method, params, call.deadlineNs, [&call] { return call.cancelled(); });
        });
    }

    ObjectPtr dataProtection(const std::string& kind, const std::string& task, const Call& call, const ViewContext& context) {
        struct Kind {
            const char* name;
            const char* key;
            const char* method;
            std::string params;
            ArrayPtr (*reduce)(const Var&, const ViewContext&);
            const char* nameField;
        };
        const Kind kinds[] = {
            {"snapshot", "snapshot_tasks", "pool.snapshottask.query",
             queryParams({"id", "dataset", "recursive", "enabled", "schedule", "state"}), &reduceSnapshotTasks, "dataset"},
            {"replication", "replications", "replication.query",
             queryParams({"id", "name", "direction", "transport", "auto", "schedule", "periodic_snapshot_tasks", "enabled",
                          "state", "job.state", "job.time_started", "job.time_finished", "job.error"}),
             &reduceReplications, "name"},
            {"cloud_sync", "cloud_syncs", "cloudsync.query",
             queryParams({"id", "description", "path", "direction", "transfer_mode", "enabled", "schedule", "locked",
                          "job.state", "job.time_started", "job.time_finished", "job.error", "job.progress.percent"}),
             &reduceCloudSyncs, "description"},
        };
        // The three lists are asked for at once: the connection multiplexes them.
        std::vector<std::pair<const Kind*, std::future<Var>>> asked;
        for (const Kind& k : kinds) {
            if (!kind.empty() && kind != k.name) continue;
            asked.emplace_back(&k, fetchAsync(k.method, k.params, call));
        }
        auto out = newObject();
        auto errors = newObject();
        std::optional<Error> firstError;
        size_t found = 0;
        for (auto& [k, future] : asked) {
            try {
                ArrayPtr list = k->reduce(future.get(), context);
                if (!task.empty()) {
                    Poco::JSON::Array::Ptr kept = new Poco::JSON::Array;
                    for (size_t i = 0; i < list->size(); ++i) {
                        const auto item = objectOf(list->get(static_cast<unsigned>(i)));
                        if (item && text(item, k->nameField) == task) kept->add(item);
                    }
                    list = kept;
                }
                found += list->size();
                out->set(k->key, list);
            } catch (const Error& e) {
                if (!firstError) firstError = e;
                errors->set(k->name, std::string(e.what()));
            }
        }
        if (errors->size() == asked.size() && firstError) throw *firstError;  // nothing could be read
        if (errors->size() > 0) out->set("errors", errors);
        if (!task.empty() && found == 0 && errors->size() == 0) {
            throw Error(HA_ERR_NOT_FOUND, "TrueNAS has no " + (kind.empty() ? std::string("task") : kind + " task") + " named '" + task + "'");
        }
        return out;
    }

    void rememberApps(const ObjectPtr& reduced) {
        std::vector<std::string> names;
        if (auto apps = childArray(reduced, "apps")) {
            for (size_t i = 0; i < apps->size(); ++i) names.push_back(text(objectOf(apps->get(static_cast<unsigned>(i))), "name"));
        }
        names_.setApps(std::move(names));
    }

    void rememberPools(const Var& pools) {
        std::vector<std::string> names;
        if (auto list = arrayOf(pools)) {
            for (size_t i = 0; i < list->size(); ++i) names.push_back(text(objectOf(list->get(static_cast<unsigned>(i))), "name"));
        }
        names_.setPools(std::move(names));
    }

    Host host_;
    const TruenasSettings settings_;
    ResultCache cache_;
    KnownNames names_;
    std::unique_ptr<MiddlewareClient> client_;
};

const ha_plugin_descriptor kDescriptor = {sizeof(ha_plugin_descriptor), HA_KIND_TOOLS, 0, 0, "truenas", "TrueNAS SCALE",
                                          HA_PLUGIN_VERSION,
                                          "Alerts, pools, disks, apps, data protection tasks and system state from the "
                                          "TrueNAS SCALE middleware (read-only API key).",
                                          kSettingsSchema};

}  // namespace ha_plugins::truenas

HA_DEFINE_TOOLS_PLUGIN(ha_plugins::truenas::TruenasTools, ha_plugins::truenas::kDescriptor)
