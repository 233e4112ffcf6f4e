// The client commands of the homelab-assistant executable: `ask`, `status` and `mcp` talk to
// the RUNNING server over HTTPS (loopback by default), never to an assistant of their own, so
// the server's policy, schema checks, rate limits and audit apply to them as to any client.
#pragma once

#include <string>
#include <vector>

namespace ha::cli {

class CommandLine {
public:
    // Whether these arguments (argv without the program name) name a client command.
    static bool handles(const std::vector<std::string>& args);
    // Runs it; the exit code (see ExitCode.h). Errors are one line on stderr.
    static int run(const std::vector<std::string>& args);

    static std::string helpText(const std::string& command);
};

}  // namespace ha::cli
