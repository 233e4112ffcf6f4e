// `homelab-assistant mcp`: the MCP stdio transport for hosts that start a command (Claude
// Desktop: "command": "homelab-assistant", "args": ["mcp"]). Each newline-delimited JSON-RPC
// message on stdin is POSTed to the running server's /mcp (Streamable HTTP, stateless) with the
// key as Bearer, and its answer written back as one line on stdout; so every call still passes
// the server's policy, schema checks, rate limit and audit. Notifications and responses get no
// line. A line that is not JSON gets a parse error; a server that cannot be reached, an error
// for each request with an id. stdout carries nothing but protocol; diagnostics go to stderr.
#pragma once

#include "cli/ApiClient.h"
#include "cli/ExitCode.h"

#include <Poco/Dynamic/Var.h>

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace ha::cli {

class McpStdioBridge {
public:
    McpStdioBridge(const ApiClient& client, std::ostream& out, std::ostream& log)
        : client_(client), out_(out), log_(log) {}

    // Until the end of input (exit 0), or stdout is gone.
    ExitCode run(int inputFd);
    // One line of input -> the lines to write (none for notifications and responses).
    std::vector<std::string> relay(const std::string& line);

    static std::string errorLine(const Poco::Dynamic::Var& id, int code, const std::string& message);

private:
    std::vector<std::string> answerLines(const ApiResponse& response, const Poco::Dynamic::Var& id, bool expectsAnswer);
    std::string fromErrorStatus(const ApiResponse& response, const std::string& body, const Poco::Dynamic::Var& id);
    void noteProtocolVersion(const std::string& line);

    const ApiClient& client_;
    std::ostream& out_;
    std::ostream& log_;
    std::optional<std::string> protocolVersion_;  // negotiated by initialize, sent on later requests
};

}  // namespace ha::cli
