// Reads config.yaml, applies the environment overrides of the original service, validates.
#pragma once

#include "config/Config.h"

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ha {

class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Reads one environment variable (injectable for tests).
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup processEnvironment();

// An environment variable of the original service that sets one plugin setting.
struct EnvironmentAlias {
    const char* variable;  // "GROQ_API_KEY"
    const char* plugin;    // "groq"
    const char* setting;   // "api_key"
};
const std::vector<EnvironmentAlias>& environmentAliases();

struct ConfigDefaults {
    std::string configFile;  // used when no --config is given
    std::string pluginDirectory;
};

class ConfigLoader {
public:
    ConfigLoader(ConfigDefaults defaults, EnvLookup env);

    // path empty: the default file, which may be absent (built-in defaults apply).
    // path given: that file must exist. Throws ConfigError with file:line details.
    // requireApiKey=false is for commands that do not serve (--list-plugins).
    Config load(const std::string& path, bool requireApiKey = true) const;

    // Maps LOG_LEVEL spellings (DEBUG, info, WARNING, ...) to Poco level names; nullopt if unknown.
    static std::optional<std::string> normalizeLogLevel(const std::string& level);

private:
    void readFile(const std::string& file, Config& config) const;
    void applyEnvironment(Config& config) const;
    void resolvePaths(const std::string& baseDir, Config& config) const;
    void validate(Config& config, bool requireApiKey) const;

    ConfigDefaults defaults_;
    EnvLookup env_;
};

}  // namespace ha
