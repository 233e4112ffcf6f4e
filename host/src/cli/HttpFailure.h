// A server's error answer as the client reports it: the exit code its status means and one
// line with the server's own words ({"error": "..."}, OpenAI's and JSON-RPC's error objects).
#pragma once

#include "cli/ApiClient.h"
#include "cli/CliError.h"

#include <string>

namespace ha::cli {

class HttpFailure {
public:
    static ExitCode exitCodeFor(int status);
    // The server's message in an error body, or the start of the body when it has none.
    static std::string messageOf(const std::string& body);
    // "rate limited (429): too many requests; retry after 30 s"
    static CliError from(const ApiResponse& response);
    static CliError from(int status, const std::string& message, const std::string& retryAfter = "");
};

}  // namespace ha::cli
