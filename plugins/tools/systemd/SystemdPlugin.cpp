// Tool plugin "systemd": failed and restarting units, one unit's state and last log lines, and
// recent service crashes from the journal. Read-only: sd-bus Get/List calls on an allowlist
// (SystemdBus) and sd-journal reads; never systemctl or journalctl.
#include "common/Answers.h"
#include "common/PluginConfig.h"
#include "common/SameAnswer.h"
#include "common/RefreshedValue.h"
#include "common/ShortCache.h"
#include "tools/systemd/JournalReader.h"
#include "tools/systemd/SystemdAnswers.h"
#include "tools/systemd/SystemdBus.h"
#include "tools/systemd/UnitState.h"

#include <homelab_assistant/plugin.hpp>

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <functional>
#include <map>
#include <mutex>
#include <set>

namespace ha_plugins::systemd {

using homelab_assistant::Call;
using homelab_assistant::Error;
using homelab_assistant::Host;
using homelab_assistant::ToolSpec;

namespace {

constexpr const char* kManagerPath = "/org/freedesktop/systemd1";
constexpr const char* kManagerInterface = "org.freedesktop.systemd1.Manager";
constexpr const char* kUnitInterface = "org.freedesktop.systemd1.Unit";
constexpr const char* kServiceInterface = "org.freedesktop.systemd1.Service";
// Journal entries read for one crash report at most (systemd logs a handful per crash).
constexpr size_t kMaxJournalEntries = 50000;
// Units whose last lines one crash report carries at most.
constexpr size_t kMaxUnitsWithLines = 20;

uint64_t realtimeNowUsec() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000ull + static_cast<uint64_t>(ts.tv_nsec) / 1000ull;
}

bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void fillService(UnitRecord& r, const Properties& p) {
    r.result = propertyString(p, "Result");
    r.restarts = propertyUnsigned(p, "NRestarts");
    r.execMainCode = propertySigned(p, "ExecMainCode");
    r.execMainStatus = propertySigned(p, "ExecMainStatus");
    r.mainPid = propertyUnsigned(p, "MainPID");
}

}  // namespace

class SystemdTools {
public:
    SystemdTools(const Host&, const std::string& configJson) : cache_(PluginConfig(configJson), 2000, 600000) {
        const PluginConfig config(configJson);
        busAddress_ = config.string("bus_address", "unix:path=/run/dbus/system_bus_socket");
        if (busAddress_.rfind("unix:", 0) != 0) {
            throw Error(HA_ERR_INVALID_ARGUMENT, "'bus_address' must be a unix: D-Bus address, e.g. unix:path=/run/dbus/system_bus_socket");
        }
        journalDirectory_ = config.string("journal_directory", "");
        if (!journalDirectory_.empty() && journalDirectory_.front() != '/') {
            throw Error(HA_ERR_INVALID_ARGUMENT, "'journal_directory' must be an absolute path");
        }
        windowMinutes_ = config.integer("window_minutes", 1440, 1, 43200);
        linesPerUnit_ = static_cast<size_t>(config.integer("lines_per_unit", 10, 1, 50));
        lineBytes_ = static_cast<size_t>(config.integer("line_max_bytes", 300, 80, 2000));
        crashLoopRestarts_ = static_cast<uint64_t>(config.integer("crash_loop_restarts", 5, 1, 100000));
        busTimeout_ = std::chrono::milliseconds(config.integer("bus_timeout_ms", 3000, 100, 60000));
        maxListed_ = static_cast<size_t>(config.integer("max_units_listed", 50, 1, 1000));
    }

    std::vector<ToolSpec> tools() const {
        ToolSpec status;
        status.name = "systemd.status";
        status.description =
            "systemd's overview: the system state (running or degraded), unit counts, every failed unit with its "
            "result, exit status and since when, units waiting to auto-restart after a crash (crash loops), units "
            "starting or stopping, and services systemd has restarted (NRestarts).";
        status.timeoutMs = 8000;
        status.flags = HA_CAPABILITY_FROM_MEMORY;  // results are kept for cache_ms

        ToolSpec unit;
        unit.name = "systemd.unit";
        unit.description =
            "One systemd unit by name (\"nginx\" means nginx.service): whether it is loaded and running, its active "
            "and sub state, result, restarts, main PID, last exit status, unit file state, since when, and its last "
            "log lines from the journal (secrets masked). Not found when no such unit exists.";
        unit.inputSchema =
            R"J({"type":"object","properties":{"unit":{"type":"string","minLength":1,"maxLength":256,"description":"Unit name, e.g. nginx or nginx.service"}},"required":["unit"],"additionalProperties":false})J";
        unit.timeoutMs = 8000;
        unit.flags = HA_CAPABILITY_FROM_MEMORY;

        ToolSpec crashes;
        crashes.name = "systemd.crashes";
        crashes.description =
            "Service problems systemd logged in the journal over a time window (default the last 24 hours): exits "
            "with an error status, deaths by a signal, core dumps, start-limit hits and other failures, restarts and "
            "crash loops, per service with its last log lines (secrets masked).";
        crashes.inputSchema =
            R"J({"type":"object","properties":{"since_minutes":{"type":"integer","minimum":1,"maximum":43200,"description":"Window length in minutes (default 1440)"}},"additionalProperties":false})J";
        crashes.timeoutMs = 10000;
        crashes.flags = HA_CAPABILITY_FROM_MEMORY;
        return {status, unit, crashes};
    }

    std::string invoke(const std::string& name, const Call& call) {
        const PluginConfig input = PluginConfig::fromInput(call.input);
        if (name == "systemd.status") return cache_.get("status", [&] { return toJson(status(call)); }, call);
        if (name == "systemd.unit") {
            const std::string unit = normalizeUnitName(input.string("unit", ""));
            return cache_.get("unit:" + unit, [&] { return toJson(unitDetails(unit, call)); }, call);
        }
        if (name == "systemd.crashes") {
            const int64_t minutes = input.integer("since_minutes", windowMinutes_, 1, 43200);
            return cache_.get("crashes:" + std::to_string(minutes), [&] { return toJson(crashes(minutes, call)); },
                              call);
        }
        throw Error(HA_ERR_NOT_FOUND, "unknown capability " + name);
    }

    // summarize and checks read their input only; match() the unit names in memory, which are
    // read from the bus on a thread of their own.
    static constexpr uint32_t kAnswersFlags =
        HA_ANSWERS_INSTANT_MATCH | HA_ANSWERS_INSTANT_SUMMARIZE | HA_ANSWERS_INSTANT_CHECKS;
    std::string profile() { return answersProfile(); }

    std::string match(const Call& call) {
        const answers::Question q = answers::Question::parse(call.input);
        return answersMatch(q, [&](const std::string& unit) { return knownUnit(unit); });
    }

    std::string summarizeAnew(const Call& call) { return answersSummarize(answers::SummaryRequest::parse(call.input)); }

    std::string checksAnew(const Call& call) {
        SystemdCheckSettings s;
        s.crashLoopRestarts = crashLoopRestarts_;
        s.windowMinutes = static_cast<uint64_t>(windowMinutes_);
        return answersChecks(answers::CheckResults::parse(call.input), s);
    }

    // The same input gives the same text (common/SameAnswer.h): kept, not worded again.
    std::string summarize(const Call& call) { return summaries_.get(call.input, 0, [&] { return summarizeAnew(call); }); }
    std::string checks(const Call& call) { return checkAnswers_.get(call.input, 0, [&] { return checksAnew(call); }); }

private:
    SameAnswer summaries_;
    SameAnswer checkAnswers_;
    uint64_t busDeadline(const Call& call) const {
        const uint64_t own = homelab_assistant::monotonicNowNs() + static_cast<uint64_t>(busTimeout_.count()) * 1000000ull;
        return std::min(call.deadlineNs, own);
    }

    Poco::JSON::Object::Ptr status(const Call& call) {
        SystemdBus bus(busAddress_, busDeadline(call));
        const std::vector<BusUnit> list = bus.listUnits();
        const PropertyValue state = bus.get(kManagerPath, kManagerInterface, "SystemState");
        std::vector<UnitRecord> records;
        std::vector<std::string> servicePaths;
        std::vector<size_t> serviceIndex, problemIndex;
        for (const BusUnit& u : list) {
            UnitRecord r;
            r.name = u.name;
            r.description = u.description;
            r.loadState = u.loadState;
            r.activeState = u.activeState;
            r.subState = u.subState;
            r.objectPath = u.objectPath;
            r.isService = endsWith(u.name, ".service");
            if (r.isService && r.loadState == "loaded") {
                serviceIndex.push_back(records.size());
                servicePaths.push_back(u.objectPath);
            }
            if (isFailed(r) || isAutoRestarting(r) || isStarting(r)) problemIndex.push_back(records.size());
            records.push_back(std::move(r));
        }
        const std::vector<PropertyValue> restarts = bus.getMany(servicePaths, kServiceInterface, "NRestarts");
        for (size_t i = 0; i < serviceIndex.size(); ++i) {
            if (const auto* n = std::get_if<uint64_t>(&restarts[i])) records[serviceIndex[i]].restarts = *n;
        }
        std::vector<std::string> problemPaths, problemServicePaths;
        std::vector<size_t> problemServiceIndex;
        for (size_t i : problemIndex) {
            problemPaths.push_back(records[i].objectPath);
            if (records[i].isService) {
                problemServicePaths.push_back(records[i].objectPath);
                problemServiceIndex.push_back(i);
            }
        }
        const auto changed = bus.getMany(problemPaths, kUnitInterface, "StateChangeTimestamp");
        for (size_t k = 0; k < problemIndex.size(); ++k) {
            if (const auto* t = std::get_if<uint64_t>(&changed[k])) records[problemIndex[k]].stateChangeUsec = *t;
        }
        const auto serviceProps = bus.getAllMany(problemServicePaths, kServiceInterface);
        for (size_t k = 0; k < problemServiceIndex.size(); ++k) fillService(records[problemServiceIndex[k]], serviceProps[k]);
        remember(list);
        const auto* stateText = std::get_if<std::string>(&state);
        return statusJson(records, stateText != nullptr ? *stateText : "unknown", maxListed_);
    }

    Poco::JSON::Object::Ptr unitDetails(const std::string& name, const Call& call) {
        SystemdBus bus(busAddress_, busDeadline(call));
        UnitRecord r;
        r.name = name;
        bool loaded = false;
        if (const auto path = bus.getUnit(name)) {
            const Properties p = bus.getAll(*path, kUnitInterface);
            if (propertyString(p, "LoadState") != "not-found") {
                loaded = true;
                r.name = propertyString(p, "Id").empty() ? name : propertyString(p, "Id");
                r.description = propertyString(p, "Description");
                r.loadState = propertyString(p, "LoadState");
                r.activeState = propertyString(p, "ActiveState");
                r.subState = propertyString(p, "SubState");
                r.unitFileState = propertyString(p, "UnitFileState");
                r.stateChangeUsec = propertyUnsigned(p, "StateChangeTimestamp");
                r.isService = endsWith(r.name, ".service");
                if (r.isService) fillService(r, bus.getAll(*path, kServiceInterface));
            }
        }
        if (!loaded) {
            // Installed but not loaded (nothing needs it now): systemd only knows its file.
            const std::string state = unitFileState(bus.listUnitFiles(), name);
            if (state.empty()) throw Error(HA_ERR_NOT_FOUND, "there is no systemd unit named " + name);
            r.loadState = "not-loaded";
            r.activeState = "inactive";
            r.subState = "dead";
            r.unitFileState = state;
            r.isService = endsWith(name, ".service");
        }
        auto out = unitJson(r);
        out->set("found", true);
        std::vector<LogLine> lines;
        try {
            JournalReader journal(journalDirectory_);
            lines = journal.lastLines(r.name, linesPerUnit_, lineBytes_, linesPerUnit_ * lineBytes_);
        } catch (const Error& e) {
            out->set("journal_error", std::string(e.what()));
        }
        out->set("last_lines", logLinesJson(lines));
        return out;
    }

    static std::string unitFileState(const std::vector<std::pair<std::string, std::string>>& files, const std::string& name) {
        // An instance ("getty@tty5.service") is installed when its template ("getty@.service") is.
        std::string templateName;
        const size_t at = name.find('@'), dot = name.rfind('.');
        if (at != std::string::npos && dot != std::string::npos && dot > at) templateName = name.substr(0, at + 1) + name.substr(dot);
        for (const auto& [file, state] : files) {
            if (file == name || (!templateName.empty() && file == templateName)) return state;
        }
        return "";
    }

    Poco::JSON::Object::Ptr crashes(int64_t minutes, const Call& call) {
        const uint64_t now = realtimeNowUsec();
        CrashReportOptions options;
        options.nowUsec = now;
        options.sinceUsec = now - static_cast<uint64_t>(minutes) * 60000000ull;
        options.crashLoopRestarts = crashLoopRestarts_;
        options.maxUnits = maxListed_;
        JournalReader journal(journalDirectory_);
        std::vector<ServiceEvent> events;
        for (const JournalRecord& r : journal.unitMessages(options.sinceUsec, kMaxJournalEntries, call.deadlineNs)) {
            if (auto e = classify(r)) events.push_back(std::move(*e));
        }
        std::map<std::string, std::vector<LogLine>> lines;
        for (const std::string& unit : unitsWithProblems(events, options)) {
            if (lines.size() >= kMaxUnitsWithLines) break;
            call.throwIfExpired();
            lines[unit] = journal.lastLines(unit, linesPerUnit_, lineBytes_, linesPerUnit_ * lineBytes_);
        }
        auto out = crashReportJson(events, lines, options);
        out->set("journal", journal.where());
        return out;
    }

    // Loaded and installed unit names, for scoring questions: read again at most once a minute,
    // on the names' own thread, plus the units listed since (a unit that just appeared).
    bool knownUnit(const std::string& unit) {
        if (units_->get()->count(unit) > 0) return true;
        std::lock_guard<std::mutex> lock(mutex_);
        return seen_.count(unit) > 0;
    }

    // systemd unreachable: no name is known (RefreshedValue), the match scores lower.
    std::set<std::string> readUnits() {
        std::set<std::string> names;
        SystemdBus bus(busAddress_, homelab_assistant::monotonicNowNs() + kUnitsDeadlineNs);
        for (const BusUnit& u : bus.listUnits()) names.insert(u.name);
        for (const auto& [file, state] : bus.listUnitFiles()) names.insert(file);
        std::lock_guard<std::mutex> lock(mutex_);
        seen_.clear();  // all in the new list
        return names;
    }

    void remember(const std::vector<BusUnit>& list) {
        std::lock_guard<std::mutex> lock(mutex_);
        for (const BusUnit& u : list) {
            if (seen_.size() < kMaxSeen) seen_.insert(u.name);
        }
    }

    static constexpr std::chrono::milliseconds kUnitsTtl{60000};
    // Listing the unit files reads every one of them: on a busy machine that takes a while. A
    // question waits for a new list at most this (then answers with what is known), and at most
    // once a minute; the answers deadline is 2 s.
    static constexpr uint64_t kUnitsDeadlineNs = 1500000000ull;
    static constexpr std::chrono::milliseconds kUnitsWait{1600};
    static constexpr size_t kMaxSeen = 4096;

    std::string busAddress_;
    std::string journalDirectory_;
    int64_t windowMinutes_ = 1440;
    size_t linesPerUnit_ = 10;
    size_t lineBytes_ = 300;
    uint64_t crashLoopRestarts_ = 5;
    std::chrono::milliseconds busTimeout_{3000};
    size_t maxListed_ = 50;

    ShortCache cache_;  // results, 2 s by default
    std::mutex mutex_;
    std::set<std::string> seen_;  // units listed since the names were read
    // Last: its thread reads through the members above, so it stops before they go.
    std::unique_ptr<RefreshedValue<std::set<std::string>>> units_ =
        std::make_unique<RefreshedValue<std::set<std::string>>>([this] { return readUnits(); }, kUnitsTtl, kUnitsWait);
};

constexpr const char* kSettingsSchema =
    R"J({"type":"object","additionalProperties":false,"properties":{)J"
    R"J("bus_address":{"type":"string","minLength":6,"description":"System bus address (default unix:path=/run/dbus/system_bus_socket; from a container: unix:path=/host/run/dbus/system_bus_socket)"},)J"
    R"J("journal_directory":{"type":"string","description":"Journal directory to read (default: the local system journal; from a container: /host/var/log/journal)"},)J"
    R"J("window_minutes":{"type":"integer","minimum":1,"maximum":43200,"description":"Crash window in minutes (default 1440)"},)J"
    R"J("lines_per_unit":{"type":"integer","minimum":1,"maximum":50,"description":"Last log lines per unit (default 10)"},)J"
    R"J("line_max_bytes":{"type":"integer","minimum":80,"maximum":2000,"description":"Longest log line kept (default 300 bytes)"},)J"
    R"J("crash_loop_restarts":{"type":"integer","minimum":1,"maximum":100000,"description":"Restarts in the window that make a crash loop (default 5)"},)J"
    R"J("bus_timeout_ms":{"type":"integer","minimum":100,"maximum":60000,"description":"Deadline for talking to systemd (default 3000)"},)J"
    R"J("cache_ms":{"type":"integer","minimum":0,"maximum":600000,"description":"Reuse a result this long (default 2000; 0 = never)"},)J"
    R"J("max_units_listed":{"type":"integer","minimum":1,"maximum":1000,"description":"Units listed per kind of problem (default 50)"}}})J";

const ha_plugin_descriptor kDescriptor = {sizeof(ha_plugin_descriptor), HA_KIND_TOOLS, 0, 0, "systemd", "systemd",
                                          HA_PLUGIN_VERSION,
                                          "Failed and restarting services, unit states and recent crashes from systemd and its journal.",
                                          kSettingsSchema};

}  // namespace ha_plugins::systemd

HA_DEFINE_TOOLS_PLUGIN(ha_plugins::systemd::SystemdTools, ha_plugins::systemd::kDescriptor)
