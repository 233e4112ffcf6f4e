// Runs a system command for a plugin: a fixed argv (no shell, no PATH search), a minimal
// environment, stdin from /dev/null, stdout and stderr captured up to a bound, and a deadline
// after which the command's whole process group is killed and reaped. Used by the in-tree
// plugins that read tools such as zpool; thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace ha_plugins {

struct CommandResult {
    enum class Outcome {
        Exited,          // ran to its end; see exitCode
        Signalled,       // killed by a signal nobody here sent (see signal)
        TimedOut,        // missed the deadline and was killed
        OutputTooLarge,  // wrote more than the bound to stdout and was killed
        NotFound,        // no executable at argv[0]
        SpawnFailed,     // could not be started (see spawnError)
    };
    Outcome outcome = Outcome::SpawnFailed;
    int exitCode = -1;       // Exited: the exit status (-1 if the status could not be collected)
    int signal = 0;          // Signalled: the signal number
    std::string out;         // stdout; complete unless OutputTooLarge
    std::string err;         // stderr, at most CommandLimits::maxErrorBytes
    std::string spawnError;  // NotFound, SpawnFailed: the reason
    bool reaped = true;      // false when a killed child did not die within the grace period
    double durationMs = 0;

    bool succeeded() const { return outcome == Outcome::Exited && exitCode == 0; }
    // One line for people: "zpool exited with status 1: cannot open 'x': no such pool".
    std::string describe(const std::string& program) const;
    // The first non-empty line of stderr (or stdout), trimmed and cut to 300 bytes.
    std::string firstErrorLine() const;
};

struct CommandLimits {
    std::chrono::milliseconds timeout{10000};
    size_t maxOutputBytes = 16u << 20;
    size_t maxErrorBytes = 64u << 10;
};

class CommandRunner {
public:
    // environment: "NAME=value" entries, the child's whole environment.
    explicit CommandRunner(std::vector<std::string> environment = defaultEnvironment());

    // Runs argv[0] (an absolute path) with argv. The deadline is the earlier of now + timeout and
    // deadlineNs (CLOCK_MONOTONIC nanoseconds, as in ha_call). Never throws for the command's
    // failures: they are in the result.
    CommandResult run(const std::vector<std::string>& argv, const CommandLimits& limits,
                      uint64_t deadlineNs = std::numeric_limits<uint64_t>::max()) const;

    // PATH of the system directories, LC_ALL=C (untranslated, unlocalised output) and TZ=UTC
    // (dates the command prints are in UTC).
    static std::vector<std::string> defaultEnvironment();

    // Children killed at a deadline that had not died yet (stuck in the kernel); reaped as they go.
    static size_t unreapedChildren();

private:
    std::vector<std::string> environment_;
};

}  // namespace ha_plugins
