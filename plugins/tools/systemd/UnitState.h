// systemd units as this plugin reports them: name checks, the state of one unit, and the
// overview of failed, restarting and restarted units. Pure: the data comes from SystemdBus.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ha_plugins::systemd {

// A unit's state as read from the Unit and Service interfaces.
struct UnitRecord {
    std::string name;
    std::string description;
    std::string loadState;
    std::string activeState;
    std::string subState;
    std::string objectPath;
    // Services only (isService):
    bool isService = false;
    std::string result;  // "success", "exit-code", "signal", "core-dump", "start-limit-hit", "timeout" ...
    uint64_t restarts = 0;
    int64_t execMainCode = 0;  // CLD_EXITED 1, CLD_KILLED 2, CLD_DUMPED 3; 0 when it never ran
    int64_t execMainStatus = 0;
    uint64_t mainPid = 0;
    // When the active state last changed (CLOCK_REALTIME, microseconds), 0 when unknown.
    uint64_t stateChangeUsec = 0;
    std::string unitFileState;  // "enabled", "disabled", "static" ... (systemd.unit only)
};

// Whether text is a unit name systemd could have: [A-Za-z0-9:_.\@-], 1..255 bytes, not
// starting with '.' or '-' (unit-name.c's rules, minus templates' empty instance).
bool validUnitName(std::string_view text);

// The unit a user means: "nginx" -> "nginx.service", "getty@tty1" -> "getty@tty1.service",
// "docker.socket" unchanged. Throws homelab_assistant::Error(HA_ERR_INVALID_ARGUMENT) on a name
// systemd could not have, quoting it safely.
std::string normalizeUnitName(const std::string& input);

// "exited", "killed", "dumped" for CLD_* codes; "" otherwise.
std::string exitCodeName(int64_t code);
// "SIGSEGV" for 11; "signal 99" when unknown.
std::string signalName(int64_t number);
// "2026-12-01 21:07:14 UTC" from microseconds since the epoch; "" for 0.
std::string formatRealtime(uint64_t usec);

// Units whose state is a problem now.
bool isFailed(const UnitRecord& u);
bool isAutoRestarting(const UnitRecord& u);  // activating (auto-restart): a crash loop waiting
bool isStarting(const UnitRecord& u);        // activating otherwise, or deactivating

// One unit: name, description, states, result, restarts, since, last exit of its main process.
Poco::JSON::Object::Ptr unitJson(const UnitRecord& u);

// The systemd.status result.
Poco::JSON::Object::Ptr statusJson(const std::vector<UnitRecord>& units, const std::string& systemState,
                                   size_t maxListed);

}  // namespace ha_plugins::systemd
