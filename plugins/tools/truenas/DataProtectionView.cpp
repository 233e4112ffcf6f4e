#include "tools/truenas/DataProtectionView.h"

#include "common/PluginConfig.h"
#include "tools/truenas/CronSchedule.h"

#include <homelab_assistant/plugin.hpp>

#include <algorithm>

namespace ha_plugins::truenas {

namespace {

constexpr int64_t kLateSlackSeconds = 300;  // a run takes a while; do not call it late at once

ArrayPtr listOf(const Var& v, const char* method) {
    auto list = arrayOf(v);
    if (!list) throw homelab_assistant::Error(HA_ERR_UNAVAILABLE, std::string(method) + " did not return a list");
    return list;
}

// Sets schedule, expected_interval_seconds, last_run, last_run_age_seconds, outcome and late.
void judge(ObjectPtr out, bool enabled, const std::string& state, const std::optional<int64_t>& lastRunMs,
           const std::optional<CronSchedule>& schedule, const std::string& scheduleText, const ViewContext& context) {
    if (!scheduleText.empty()) out->set("schedule", scheduleText);
    if (schedule) out->set("expected_interval_seconds", schedule->longestGapSeconds());
    std::optional<int64_t> age;
    if (lastRunMs) {
        out->set("last_run", isoUtc(*lastRunMs));
        age = std::max<int64_t>(0, (context.nowMs - *lastRunMs) / 1000);
        out->set("last_run_age_seconds", *age);
    }
    std::string outcome;
    if (!enabled) {
        outcome = "disabled";
    } else if (state == "ERROR" || state == "FAILED") {
        outcome = "failed";
    } else if (state == "HOLD") {
        outcome = "held";
    } else if (state == "RUNNING" || state == "WAITING") {
        outcome = "running";
    } else if (state == "ABORTED") {
        outcome = "aborted";
    } else if (state == "FINISHED" || state == "SUCCESS") {
        const bool late = schedule && age &&
                          static_cast<double>(*age) > context.staleFactor * static_cast<double>(schedule->longestGapSeconds()) +
                                                          static_cast<double>(kLateSlackSeconds);
        outcome = late ? "late" : "ok";
    } else if (state == "PENDING" || state == "NEVER_RUN") {
        outcome = "not_run_yet";
    } else {
        outcome = state.empty() ? "unknown" : state;
        std::transform(outcome.begin(), outcome.end(), outcome.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    }
    out->set("outcome", outcome);
}

void putError(ObjectPtr out, const std::string& key, const std::optional<std::string>& text) {
    if (text && !text->empty()) out->set(key, plainText(*text, 300));
}

}  // namespace

bool isProblemOutcome(const std::string& outcome) {
    return outcome == "failed" || outcome == "late" || outcome == "held" || outcome == "aborted";
}

ArrayPtr reduceSnapshotTasks(const Var& taskList, const ViewContext& context) {
    const auto list = listOf(taskList, "pool.snapshottask.query");
    Poco::JSON::Array::Ptr tasks = new Poco::JSON::Array;
    for (size_t i = 0; i < list->size() && tasks->size() < context.maxItems; ++i) {
        const auto t = objectOf(list->get(static_cast<unsigned>(i)));
        if (!t) continue;
        auto out = newObject();
        if (auto id = integer(t, "id")) out->set("id", *id);
        out->set("dataset", text(t, "dataset", "?"));
        out->set("recursive", flag(t, "recursive"));
        const bool enabled = flag(t, "enabled", true);
        out->set("enabled", enabled);
        const auto state = childObject(t, "state");
        const std::string stateName = text(state, "state", "PENDING");
        out->set("state", stateName);
        const auto schedule = CronSchedule::fromObject(childObject(t, "schedule"));
        judge(out, enabled, stateName, dateMsOf(state, "datetime"), schedule, schedule ? schedule->description() : "", context);
        putError(out, "error", optionalText(state, "error"));
        putError(out, "reason", optionalText(state, "reason"));
        if (auto last = optionalText(state, "last_snapshot")) out->set("last_snapshot", *last);
        tasks->add(out);
    }
    return tasks;
}

ArrayPtr reduceReplications(const Var& replicationList, const ViewContext& context) {
    const auto list = listOf(replicationList, "replication.query");
    Poco::JSON::Array::Ptr tasks = new Poco::JSON::Array;
    for (size_t i = 0; i < list->size() && tasks->size() < context.maxItems; ++i) {
        const auto r = objectOf(list->get(static_cast<unsigned>(i)));
        if (!r) continue;
        auto out = newObject();
        if (auto id = integer(r, "id")) out->set("id", *id);
        out->set("name", text(r, "name", "?"));
        out->set("direction", text(r, "direction"));
        out->set("transport", text(r, "transport"));
        const bool enabled = flag(r, "enabled", true), automatic = flag(r, "auto");
        out->set("enabled", enabled);
        out->set("auto", automatic);
        const auto state = childObject(r, "state");
        std::string stateName = text(state, "state", "PENDING");
        out->set("state", stateName);
        // Its own schedule, else it runs after the periodic snapshot tasks bound to it.
        std::optional<CronSchedule> schedule;
        std::string scheduleText;
        if (automatic) {
            schedule = CronSchedule::fromObject(childObject(r, "schedule"));
            if (schedule) {
                scheduleText = schedule->description();
            } else if (auto bound = childArray(r, "periodic_snapshot_tasks")) {
                for (size_t b = 0; b < bound->size(); ++b) {
                    const auto task = objectOf(bound->get(static_cast<unsigned>(b)));
                    auto s = CronSchedule::fromObject(childObject(task, "schedule"));
                    if (s && (!schedule || s->longestGapSeconds() < schedule->longestGapSeconds())) {
                        schedule = s;
                        scheduleText = "after snapshot task " + text(task, "dataset", "?") + " (" + s->description() + ")";
                    }
                }
            }
        } else {
            scheduleText = "manual";
        }
        std::optional<int64_t> lastRun = dateMsOf(state, "datetime");
        if (auto job = childObject(r, "job")) {
            auto j = newObject();
            const std::string jobState = text(job, "state");
            j->set("state", jobState);
            if (auto s = dateMsOf(job, "time_started")) j->set("started", isoUtc(*s));
            if (auto f = dateMsOf(job, "time_finished")) j->set("finished", isoUtc(*f));
            putError(j, "error", optionalText(job, "error"));
            out->set("last_job", j);
        }
        judge(out, enabled, stateName, lastRun, schedule, scheduleText, context);
        if (!automatic && out->getValue<std::string>("outcome") == "not_run_yet") out->set("outcome", std::string("manual"));
        putError(out, "error", optionalText(state, "error"));
        putError(out, "reason", optionalText(state, "reason"));
        if (auto last = optionalText(state, "last_snapshot")) out->set("last_snapshot", *last);
        tasks->add(out);
    }
    return tasks;
}

ArrayPtr reduceCloudSyncs(const Var& cloudSyncList, const ViewContext& context) {
    const auto list = listOf(cloudSyncList, "cloudsync.query");
    Poco::JSON::Array::Ptr tasks = new Poco::JSON::Array;
    for (size_t i = 0; i < list->size() && tasks->size() < context.maxItems; ++i) {
        const auto c = objectOf(list->get(static_cast<unsigned>(i)));
        if (!c) continue;
        auto out = newObject();
        if (auto id = integer(c, "id")) out->set("id", *id);
        out->set("description", text(c, "description", "?"));
        out->set("direction", text(c, "direction"));
        out->set("transfer_mode", text(c, "transfer_mode"));
        if (auto path = optionalText(c, "path")) out->set("path", *path);
        const bool enabled = flag(c, "enabled", true);
        out->set("enabled", enabled);
        out->set("locked", flag(c, "locked"));
        // The last job (job.py: WAITING, RUNNING, SUCCESS, FAILED, ABORTED); none since the
        // middleware started, or ever, when it is null.
        const auto job = childObject(c, "job");
        const std::string state = job ? text(job, "state", "UNKNOWN") : "NEVER_RUN";
        out->set("state", state);
        std::optional<int64_t> lastRun;
        if (job) lastRun = dateMsOf(job, "time_finished") ? dateMsOf(job, "time_finished") : dateMsOf(job, "time_started");
        const auto schedule = CronSchedule::fromObject(childObject(c, "schedule"));
        judge(out, enabled, state, lastRun, schedule, schedule ? schedule->description() : "", context);
        if (job) {
            putError(out, "error", optionalText(job, "error"));
            if (auto progress = childObject(job, "progress")) {
                if (auto pct = number(progress, "percent"); pct && state == "RUNNING") out->set("percent", rounded(*pct, 1));
            }
        }
        tasks->add(out);
    }
    return tasks;
}

}  // namespace ha_plugins::truenas
