// `homelab-assistant status [--json]`: the running server's GET /health and GET /v1/status,
// as a few readable lines or, with --json, as {"url", "health", "status"} for scripts.
#pragma once

#include "cli/ApiClient.h"
#include "cli/ExitCode.h"

#include <Poco/JSON/Object.h>

#include <iosfwd>

namespace ha::cli {

class StatusCommand {
public:
    StatusCommand(const ApiClient& client, std::ostream& out) : client_(client), out_(out) {}

    // Throws CliError.
    ExitCode run(bool asJson);

private:
    Poco::JSON::Object::Ptr fetch(const std::string& path, bool authenticated);
    void printReadable(const Poco::JSON::Object::Ptr& health, const Poco::JSON::Object::Ptr& status);

    const ApiClient& client_;
    std::ostream& out_;
};

}  // namespace ha::cli
