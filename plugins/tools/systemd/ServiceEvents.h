// What systemd's structured journal messages say about services: exits with an error, deaths by
// a signal, core dumps, start-limit hits, other failure results and scheduled restarts, and the
// crash report built from them. Pure: the entries come from JournalReader (or a test).
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ha_plugins::systemd {

// Catalog message ids (sd-messages.h, systemd 252; stable since they were introduced).
inline constexpr const char* kMessageUnitProcessExit = "98e322203f7a4ed290d09fe03c09fe15";   // SD_MESSAGE_UNIT_PROCESS_EXIT
inline constexpr const char* kMessageUnitFailureResult = "d9b373ed55a64feb8242e02dbe79a49c"; // SD_MESSAGE_UNIT_FAILURE_RESULT
inline constexpr const char* kMessageUnitRestartScheduled = "5eb03494b6584870a536b337290809b3"; // SD_MESSAGE_UNIT_RESTART_SCHEDULED
inline constexpr const char* kMessageUnitFailed = "be02cf6855d2428ba40df7e9d022f03d";          // SD_MESSAGE_UNIT_FAILED (a start job failed)
inline constexpr const char* kMessageCoredump = "fc2e22bc6ee647b6b90729ab34a250b1";            // SD_MESSAGE_COREDUMP
// "Start request repeated too quickly." has no catalog id (systemd 252); PID 1 logs it from this
// function (CODE_FUNC), named unit_start_limit_test before systemd 240. The unit's result then
// stays what the last crash made it ('exit-code'), unless it was 'success' ('start-limit-hit').
inline constexpr const char* kStartLimitFunctions[] = {"unit_test_start_limit", "unit_start_limit_test"};

// One journal entry with the fields this plugin reads.
struct JournalRecord {
    uint64_t realtimeUsec = 0;
    std::map<std::string, std::string> fields;
    // The field's value, "" when absent.
    const std::string& field(const std::string& name) const;
};

enum class EventKind { ExitedWithError, KilledBySignal, DumpedCore, StartLimitHit, Failed, RestartScheduled, DependencyFailed };

struct ServiceEvent {
    std::string unit;
    EventKind kind = EventKind::Failed;
    uint64_t realtimeUsec = 0;
    int64_t status = 0;      // exit status, or signal number for KilledBySignal/DumpedCore
    std::string result;      // UNIT_RESULT or JOB_RESULT
    std::string command;     // ExecStart, ExecStartPre ... (process exits)
    std::string executable;  // COREDUMP_EXE (core dumps reported by systemd-coredump)
    std::string message;     // first line of MESSAGE, cleaned and redacted
    // Which message reported it: "exit", "result", "restart", "job", "coredump", "start-limit".
    // Two reports of one incident (a core dump by PID 1 and by systemd-coredump) count once.
    std::string source;
};

// The event an entry reports about a system service, or nullopt: not one of the messages above,
// not from a trusted sender (PID 1; systemd-coredump in its own service), a clean exit, or a user
// unit.
std::optional<ServiceEvent> classify(const JournalRecord& record);

// One line of a unit's log.
struct LogLine {
    uint64_t realtimeUsec = 0;
    std::string source;  // "nginx[812]", "systemd"
    std::string text;    // cleaned and redacted
};

struct CrashReportOptions {
    uint64_t sinceUsec = 0;
    uint64_t nowUsec = 0;
    uint64_t crashLoopRestarts = 5;  // restarts in the window that make a crash loop
    size_t maxEventsPerUnit = 10;
    size_t maxUnits = 100;
};

// Units with something to report (a failure of any kind, or crashLoopRestarts restarts), most
// recent first.
std::vector<std::string> unitsWithProblems(const std::vector<ServiceEvent>& events, const CrashReportOptions& options);

// The systemd.crashes result: per unit the counts, the last events and its last log lines.
Poco::JSON::Object::Ptr crashReportJson(const std::vector<ServiceEvent>& events,
                                        const std::map<std::string, std::vector<LogLine>>& lastLines,
                                        const CrashReportOptions& options);

Poco::JSON::Array::Ptr logLinesJson(const std::vector<LogLine>& lines);

}  // namespace ha_plugins::systemd
