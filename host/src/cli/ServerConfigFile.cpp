#include "cli/ServerConfigFile.h"

#include "cli/CliError.h"
#include "config/ConfigLoader.h"

#include <Poco/Path.h>

namespace ha::cli {

ServerConfigFile::ServerConfigFile(std::optional<std::string> path)
    : path_(path.value_or(HA_DEFAULT_CONFIG)), explicit_(path.has_value()) {}

const Config& ServerConfigFile::config() {
    if (config_) return *config_;
    // The client's own environment says nothing about the server's (API_KEY, LOG_LEVEL ...).
    const EnvLookup noEnvironment = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
    try {
        ConfigLoader loader({HA_DEFAULT_CONFIG, HA_DEFAULT_PLUGIN_DIR}, noEnvironment);
        config_ = loader.load(explicit_ ? path_ : "", false);
    } catch (const ConfigError& e) {
        throw CliError(ExitCode::Usage, std::string("cannot read the server's configuration: ") + e.what());
    }
    return *config_;
}

std::string ServerConfigFile::directory() const {
    return Poco::Path(Poco::Path(path_).absolute()).parent().toString();
}

}  // namespace ha::cli
