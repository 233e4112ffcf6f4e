#include "tools/systemd/ServiceEvents.h"

#include "common/PluginConfig.h"
#include "tools/systemd/LogRedactor.h"
#include "tools/systemd/UnitState.h"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <cstdlib>
#include <set>

namespace ha_plugins::systemd {

namespace {

constexpr size_t kMessageBytes = 300;
// Two reports of one incident (see ServiceEvent::source) are this close in time.
constexpr uint64_t kSameCrashUsec = 10ull * 1000000ull;

bool parseInt(const std::string& text, int64_t& out) {
    if (text.empty()) return false;
    char* end = nullptr;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (end == nullptr || *end != '\0') return false;
    out = v;
    return true;
}

std::string firstLine(const std::string& text) {
    const size_t nl = text.find('\n');
    return safeLogLine(nl == std::string::npos ? text : text.substr(0, nl), kMessageBytes);
}

// Results that say nothing beyond the process exit they follow.
bool echoesExit(const std::string& result) { return result == "exit-code" || result == "signal" || result == "core-dump"; }

const char* kindName(EventKind k) {
    switch (k) {
        case EventKind::ExitedWithError: return "exited_with_error";
        case EventKind::KilledBySignal: return "killed_by_signal";
        case EventKind::DumpedCore: return "dumped_core";
        case EventKind::StartLimitHit: return "start_limit_hit";
        case EventKind::Failed: return "failed";
        case EventKind::RestartScheduled: return "restart_scheduled";
        case EventKind::DependencyFailed: return "dependency_failed";
    }
    return "failed";
}

bool isProblem(const ServiceEvent& e) {
    return e.kind != EventKind::RestartScheduled && !(e.kind == EventKind::Failed && echoesExit(e.result));
}

struct UnitSummary {
    std::vector<const ServiceEvent*> shown;  // events worth listing, oldest first
    int64_t exits = 0, signals = 0, cores = 0, startLimit = 0, otherFailures = 0, dependency = 0, restarts = 0;
    uint64_t lastUsec = 0;
    std::string lastResult;
    std::set<std::string> results;
    bool problem() const { return exits + signals + cores + startLimit + otherFailures + dependency > 0; }
};

std::map<std::string, UnitSummary> summarize(const std::vector<ServiceEvent>& events) {
    std::vector<const ServiceEvent*> sorted;
    for (const auto& e : events) sorted.push_back(&e);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const ServiceEvent* a, const ServiceEvent* b) { return a->realtimeUsec < b->realtimeUsec; });
    std::map<std::string, UnitSummary> units;
    for (const ServiceEvent* e : sorted) {
        UnitSummary& s = units[e->unit];
        s.lastUsec = std::max(s.lastUsec, e->realtimeUsec);
        if (e->kind == EventKind::DumpedCore || e->kind == EventKind::StartLimitHit) {
            // The second report of one incident: systemd-coredump after PID 1's "code=dumped",
            // or "Failed with result 'start-limit-hit'" after "Start request repeated too quickly".
            auto same = std::find_if(s.shown.rbegin(), s.shown.rend(), [&](const ServiceEvent* other) {
                return other->kind == e->kind && other->source != e->source &&
                       e->realtimeUsec - std::min(e->realtimeUsec, other->realtimeUsec) <= kSameCrashUsec;
            });
            if (same != s.shown.rend()) {
                if (!e->executable.empty()) *same = e;  // the report naming the executable stays listed
                continue;
            }
        }
        switch (e->kind) {
            case EventKind::ExitedWithError: ++s.exits; break;
            case EventKind::KilledBySignal: ++s.signals; break;
            case EventKind::DumpedCore: ++s.cores; break;
            case EventKind::StartLimitHit: ++s.startLimit; break;
            case EventKind::DependencyFailed: ++s.dependency; break;
            case EventKind::RestartScheduled: ++s.restarts; break;
            case EventKind::Failed:
                if (!echoesExit(e->result)) ++s.otherFailures;
                break;
        }
        if (e->kind == EventKind::Failed || e->kind == EventKind::StartLimitHit) {
            s.lastResult = e->result;
            s.results.insert(e->result);
        }
        if (isProblem(*e)) s.shown.push_back(e);
    }
    return units;
}

Poco::JSON::Object::Ptr eventJson(const ServiceEvent& e) {
    auto o = newObject();
    o->set("time", formatRealtime(e.realtimeUsec));
    o->set("kind", std::string(kindName(e.kind)));
    if (e.kind == EventKind::ExitedWithError) o->set("exit_status", static_cast<Poco::Int64>(e.status));
    if (e.kind == EventKind::KilledBySignal || e.kind == EventKind::DumpedCore) o->set("signal", signalName(e.status));
    if (!e.result.empty()) o->set("result", e.result);
    if (!e.command.empty()) o->set("command", e.command);
    if (!e.executable.empty()) o->set("executable", cleanText(e.executable, 200));
    if (!e.message.empty()) o->set("message", e.message);
    return o;
}

}  // namespace

const std::string& JournalRecord::field(const std::string& name) const {
    static const std::string kEmpty;
    auto it = fields.find(name);
    return it == fields.end() ? kEmpty : it->second;
}

std::optional<ServiceEvent> classify(const JournalRecord& r) {
    const std::string& id = r.field("MESSAGE_ID");
    ServiceEvent e;
    e.realtimeUsec = r.realtimeUsec;
    e.message = firstLine(r.field("MESSAGE"));
    if (id == kMessageCoredump) {
        // Anyone can log this MESSAGE_ID; only systemd-coredump runs in its service's cgroup
        // (_SYSTEMD_UNIT comes from the kernel). It logs with the crashed process's credentials.
        if (r.field("_SYSTEMD_UNIT").rfind("systemd-coredump@", 0) != 0) return std::nullopt;
        e.unit = r.field("COREDUMP_UNIT");
        if (e.unit.empty() || !validUnitName(e.unit)) return std::nullopt;
        e.kind = EventKind::DumpedCore;
        e.source = "coredump";
        parseInt(r.field("COREDUMP_SIGNAL"), e.status);
        e.executable = r.field("COREDUMP_EXE");
        if (e.executable.empty()) e.executable = r.field("COREDUMP_COMM");
        if (e.executable.empty()) e.executable = "?";
        return e;
    }
    // Everything else comes from the service manager itself, PID 1, about a system unit.
    if (r.field("_PID") != "1") return std::nullopt;
    e.unit = r.field("UNIT");
    if (e.unit.empty() || !validUnitName(e.unit)) return std::nullopt;
    int64_t priority = 6;
    const bool hasPriority = parseInt(r.field("PRIORITY"), priority);
    const std::string& function = r.field("CODE_FUNC");
    if (id.empty() && std::any_of(std::begin(kStartLimitFunctions), std::end(kStartLimitFunctions),
                                  [&](const char* f) { return function == f; })) {
        e.kind = EventKind::StartLimitHit;
        e.result = "start-limit-hit";
        e.source = "start-limit";
        return e;
    }
    if (id == kMessageUnitProcessExit) {
        // A clean exit is logged at debug level (PRIORITY 7), a failing one at notice or warning.
        if (hasPriority && priority > 5) return std::nullopt;
        const std::string& code = r.field("EXIT_CODE");
        if (!parseInt(r.field("EXIT_STATUS"), e.status)) return std::nullopt;
        e.command = r.field("COMMAND");
        e.source = "exit";
        if (code == "exited") {
            if (e.status == 0) return std::nullopt;
            e.kind = EventKind::ExitedWithError;
        } else if (code == "killed") {
            e.kind = EventKind::KilledBySignal;
        } else if (code == "dumped") {
            e.kind = EventKind::DumpedCore;
        } else {
            return std::nullopt;
        }
        return e;
    }
    if (id == kMessageUnitFailureResult) {
        e.result = r.field("UNIT_RESULT");
        if (e.result.empty() || e.result == "success") return std::nullopt;
        e.kind = e.result == "start-limit-hit" ? EventKind::StartLimitHit : EventKind::Failed;
        e.source = "result";
        return e;
    }
    if (id == kMessageUnitRestartScheduled) {
        e.kind = EventKind::RestartScheduled;
        e.source = "restart";
        parseInt(r.field("N_RESTARTS"), e.status);
        return e;
    }
    if (id == kMessageUnitFailed) {
        // A start job that failed because something it needs failed: the unit never ran.
        e.result = r.field("JOB_RESULT");
        if (e.result != "dependency") return std::nullopt;
        e.kind = EventKind::DependencyFailed;
        e.source = "job";
        return e;
    }
    return std::nullopt;
}

std::vector<std::string> unitsWithProblems(const std::vector<ServiceEvent>& events, const CrashReportOptions& options) {
    const auto units = summarize(events);
    std::vector<std::pair<uint64_t, std::string>> order;
    for (const auto& [name, s] : units) {
        if (s.problem() || static_cast<uint64_t>(s.restarts) >= options.crashLoopRestarts) order.emplace_back(s.lastUsec, name);
    }
    std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    std::vector<std::string> out;
    for (const auto& [t, name] : order) {
        if (out.size() >= options.maxUnits) break;
        out.push_back(name);
    }
    return out;
}

Poco::JSON::Array::Ptr logLinesJson(const std::vector<LogLine>& lines) {
    Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
    for (const LogLine& l : lines) {
        auto o = newObject();
        o->set("time", formatRealtime(l.realtimeUsec));
        if (!l.source.empty()) o->set("source", l.source);
        o->set("text", l.text);
        out->add(o);
    }
    return out;
}

Poco::JSON::Object::Ptr crashReportJson(const std::vector<ServiceEvent>& events,
                                        const std::map<std::string, std::vector<LogLine>>& lastLines,
                                        const CrashReportOptions& options) {
    const auto units = summarize(events);
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    int64_t exits = 0, signals = 0, cores = 0, startLimit = 0, loops = 0;
    for (const std::string& name : unitsWithProblems(events, options)) {
        const UnitSummary& s = units.at(name);
        auto u = newObject();
        u->set("unit", name);
        u->set("last_event", formatRealtime(s.lastUsec));
        u->set("exited_with_error", s.exits);
        u->set("killed_by_signal", s.signals);
        u->set("dumped_core", s.cores);
        u->set("start_limit_hit", s.startLimit);
        if (s.dependency > 0) u->set("dependency_failed", s.dependency);
        if (s.otherFailures > 0) u->set("other_failures", s.otherFailures);
        u->set("restarts", s.restarts);
        const bool loop = static_cast<uint64_t>(s.restarts) >= options.crashLoopRestarts;
        u->set("crash_loop", loop);
        if (!s.lastResult.empty()) u->set("last_result", s.lastResult);
        Poco::JSON::Array::Ptr shown = new Poco::JSON::Array;
        const size_t first = s.shown.size() > options.maxEventsPerUnit ? s.shown.size() - options.maxEventsPerUnit : 0;
        for (size_t i = first; i < s.shown.size(); ++i) shown->add(eventJson(*s.shown[i]));
        u->set("events", shown);
        if (first > 0) u->set("events_omitted", static_cast<Poco::Int64>(first));
        auto lines = lastLines.find(name);
        u->set("last_lines", logLinesJson(lines == lastLines.end() ? std::vector<LogLine>{} : lines->second));
        list->add(u);
        exits += s.exits;
        signals += s.signals;
        cores += s.cores;
        startLimit += s.startLimit;
        loops += loop ? 1 : 0;
    }
    auto summary = newObject();
    summary->set("services", static_cast<Poco::Int64>(list->size()));
    summary->set("exited_with_error", exits);
    summary->set("killed_by_signal", signals);
    summary->set("dumped_core", cores);
    summary->set("start_limit_hit", startLimit);
    summary->set("crash_loops", loops);
    auto out = newObject();
    out->set("since", formatRealtime(options.sinceUsec));
    out->set("until", formatRealtime(options.nowUsec));
    out->set("window_minutes", static_cast<Poco::Int64>((options.nowUsec - std::min(options.nowUsec, options.sinceUsec)) / 60000000ull));
    out->set("services", list);
    out->set("summary", summary);
    return out;
}

}  // namespace ha_plugins::systemd
