#include "tools/systemd/UnitState.h"

#include "common/PluginConfig.h"
#include "tools/systemd/LogRedactor.h"

#include <homelab_assistant/plugin.hpp>

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <ctime>

namespace ha_plugins::systemd {

using homelab_assistant::Error;

namespace {

constexpr std::array<std::string_view, 11> kUnitSuffixes{".service", ".socket", ".target", ".timer", ".mount",
                                                         ".automount", ".path", ".slice", ".scope", ".swap", ".device"};

bool hasUnitSuffix(std::string_view name) {
    return std::any_of(kUnitSuffixes.begin(), kUnitSuffixes.end(), [&](std::string_view s) {
        return name.size() > s.size() && name.substr(name.size() - s.size()) == s;
    });
}

// The name as it may be quoted in an error message: printable ASCII only, bounded.
std::string quoted(const std::string& input) {
    std::string out;
    for (char c : input.substr(0, 64)) {
        out += (c >= 0x20 && c < 0x7f) ? c : '?';
    }
    return "'" + out + (input.size() > 64 ? "...'" : "'");
}

}  // namespace

bool validUnitName(std::string_view text) {
    if (text.empty() || text.size() > 255 || text.front() == '.' || text.front() == '-') return false;
    return std::all_of(text.begin(), text.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == ':' || c == '_' || c == '.' || c == '\\' ||
               c == '@' || c == '-';
    });
}

std::string normalizeUnitName(const std::string& input) {
    if (!validUnitName(input)) {
        throw Error(HA_ERR_INVALID_ARGUMENT,
                    quoted(input) + " is not a valid systemd unit name (letters, digits and :_.@\\- only, at most 255)");
    }
    std::string name = hasUnitSuffix(input) ? input : input + ".service";
    if (name.size() > 255) throw Error(HA_ERR_INVALID_ARGUMENT, quoted(input) + " is too long for a systemd unit name");
    return name;
}

std::string exitCodeName(int64_t code) {
    switch (code) {
        case 1: return "exited";
        case 2: return "killed";
        case 3: return "dumped";
        default: return "";
    }
}

std::string signalName(int64_t number) {
    // Linux signal numbers on every architecture Debian ships for servers (x86, arm).
    static const std::array<const char*, 32> kNames{
        "",        "SIGHUP",  "SIGINT",    "SIGQUIT", "SIGILL",   "SIGTRAP", "SIGABRT",  "SIGBUS",
        "SIGFPE",  "SIGKILL", "SIGUSR1",   "SIGSEGV", "SIGUSR2",  "SIGPIPE", "SIGALRM",  "SIGTERM",
        "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP",  "SIGTTIN", "SIGTTOU",  "SIGURG",
        "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO",   "SIGPWR",   "SIGSYS"};
    if (number > 0 && number < static_cast<int64_t>(kNames.size())) return kNames[static_cast<size_t>(number)];
    return "signal " + std::to_string(number);
}

std::string formatRealtime(uint64_t usec) {
    if (usec == 0) return "";
    const std::time_t t = static_cast<std::time_t>(usec / 1000000);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
    return buf;
}

bool isFailed(const UnitRecord& u) { return u.activeState == "failed"; }

bool isAutoRestarting(const UnitRecord& u) { return u.activeState == "activating" && u.subState == "auto-restart"; }

bool isStarting(const UnitRecord& u) {
    return (u.activeState == "activating" && u.subState != "auto-restart") || u.activeState == "deactivating";
}

Poco::JSON::Object::Ptr unitJson(const UnitRecord& u) {
    auto o = newObject();
    o->set("unit", u.name);
    if (!u.description.empty() && u.description != u.name) o->set("description", cleanText(u.description, 200));
    o->set("load_state", u.loadState);
    o->set("active_state", u.activeState);
    o->set("sub_state", u.subState);
    if (!u.unitFileState.empty()) o->set("unit_file_state", u.unitFileState);
    if (u.stateChangeUsec > 0) {
        o->set("since", formatRealtime(u.stateChangeUsec));
        o->set("since_unix", static_cast<Poco::Int64>(u.stateChangeUsec / 1000000));
    }
    if (u.isService) {
        if (!u.result.empty()) o->set("result", u.result);
        o->set("restarts", jsonInt(u.restarts));
        if (u.mainPid > 0) o->set("main_pid", jsonInt(u.mainPid));
        const std::string code = exitCodeName(u.execMainCode);
        if (!code.empty()) {
            auto exit = newObject();
            exit->set("code", code);
            if (code == "exited") {
                exit->set("status", static_cast<Poco::Int64>(u.execMainStatus));
            } else {
                exit->set("signal", signalName(u.execMainStatus));
            }
            o->set("last_exit", exit);
        }
    }
    return o;
}

Poco::JSON::Object::Ptr statusJson(const std::vector<UnitRecord>& units, const std::string& systemState, size_t maxListed) {
    Poco::JSON::Array::Ptr failed = new Poco::JSON::Array, restarting = new Poco::JSON::Array,
                           starting = new Poco::JSON::Array, restarted = new Poco::JSON::Array;
    int64_t services = 0, active = 0, inactive = 0, nFailed = 0, nRestarting = 0, nStarting = 0;
    std::vector<const UnitRecord*> restartedUnits;
    for (const UnitRecord& u : units) {
        if (u.isService) ++services;
        if (u.activeState == "active" || u.activeState == "reloading") ++active;
        if (u.activeState == "inactive") ++inactive;
        if (isFailed(u)) {
            ++nFailed;
            if (failed->size() < maxListed) failed->add(unitJson(u));
        } else if (isAutoRestarting(u)) {
            ++nRestarting;
            if (restarting->size() < maxListed) restarting->add(unitJson(u));
        } else if (isStarting(u)) {
            ++nStarting;
            if (starting->size() < maxListed) starting->add(unitJson(u));
        } else if (u.isService && u.restarts > 0) {
            restartedUnits.push_back(&u);
        }
    }
    std::stable_sort(restartedUnits.begin(), restartedUnits.end(),
                     [](const UnitRecord* a, const UnitRecord* b) { return a->restarts > b->restarts; });
    for (const UnitRecord* u : restartedUnits) {
        if (restarted->size() >= maxListed) break;
        auto r = newObject();
        r->set("unit", u->name);
        r->set("restarts", jsonInt(u->restarts));
        r->set("active_state", u->activeState);
        r->set("sub_state", u->subState);
        restarted->add(r);
    }
    auto counts = newObject();
    counts->set("units", static_cast<Poco::Int64>(units.size()));
    counts->set("services", services);
    counts->set("active", active);
    counts->set("inactive", inactive);
    counts->set("failed", nFailed);
    counts->set("auto_restarting", nRestarting);
    counts->set("starting_or_stopping", nStarting);
    counts->set("restarted", static_cast<Poco::Int64>(restartedUnits.size()));
    auto out = newObject();
    out->set("system_state", systemState);
    out->set("counts", counts);
    out->set("failed", failed);
    out->set("auto_restarting", restarting);
    out->set("starting_or_stopping", starting);
    out->set("restarted", restarted);
    return out;
}

}  // namespace ha_plugins::systemd
