// The running server's configuration file, read (once, on demand) for what a client can derive
// from it: where the server listens, its certificate, the directory of its secrets file.
#pragma once

#include "config/Config.h"

#include <optional>
#include <string>

namespace ha::cli {

class ServerConfigFile {
public:
    // path: --config, else the server's default file.
    explicit ServerConfigFile(std::optional<std::string> path);

    // The configuration as the server reads it (environment overrides aside). Throws
    // CliError(Usage) naming the file when it cannot be read.
    const Config& config();
    // The directory the server resolves relative paths against, where secrets.env lives.
    std::string directory() const;
    const std::string& path() const { return path_; }

private:
    std::string path_;
    bool explicit_;
    std::optional<Config> config_;
};

}  // namespace ha::cli
