// The client commands' exit codes (README "Command line", `homelab-assistant ask --help`).
#pragma once

namespace ha::cli {

enum class ExitCode : int {
    Answered = 0,
    Usage = 1,          // bad arguments, nothing to connect to, no key found
    Unreachable = 2,    // cannot connect, TLS failure, timeout
    AuthRefused = 3,    // 401 or 403
    RateLimited = 4,    // 429
    ServerError = 5,    // any other HTTP error, a broken answer
    Interrupted = 130,  // SIGINT
};

inline int toInt(ExitCode code) { return static_cast<int>(code); }

}  // namespace ha::cli
