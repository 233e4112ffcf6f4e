// Finds the API key a client command sends, in this order: --key-file FILE, the HA_API_KEY
// environment variable, the server's secrets file (secrets.env next to its configuration, as
// systemd hands it to the service; readable by root and the service's group), auth.api_key in
// the configuration. The key is never printed, logged or put on a command line.
#pragma once

#include "cli/ServerConfigFile.h"
#include "config/ConfigLoader.h"

#include <optional>
#include <string>

namespace ha::cli {

class ApiKeySource {
public:
    // Throws CliError(Usage) when no source has a key, or a named key file cannot be read.
    static std::string find(const std::optional<std::string>& keyFile, const EnvLookup& env, ServerConfigFile& config);

    // The key in a file's text: the value of an API_KEY= line (env-file syntax: `export`,
    // quotes and comments allowed), else the file's only non-comment line. nullopt if none.
    static std::optional<std::string> parse(const std::string& text);

private:
    static std::optional<std::string> readFile(const std::string& path, bool mustExist);
    static void checkUsable(const std::string& key, const std::string& source);
};

}  // namespace ha::cli
