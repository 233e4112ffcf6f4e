// Where a client command connects, with which key, trusting which certificate.
//   URL:  --url, else HA_URL, else the server's `server.listen` (0.0.0.0 / [::] -> loopback).
//   Key:  see ApiKeySource.
//   TLS:  --ca FILE, else the server's own certificate when readable (pinned: trusted as it is,
//         self-signed or not), else the system's CAs; --insecure skips verification, loudly.
#pragma once

#include "cli/CliOptions.h"
#include "config/ConfigLoader.h"

#include <Poco/URI.h>

#include <string>

namespace ha::cli {

struct TlsTrust {
    enum class Kind { File, System, None };
    Kind kind = Kind::System;
    std::string file;          // Kind::File: the certificate(s) trusted
    std::string unreadablePin; // the server's certificate when it exists but cannot be read (for the hint)
};

struct ConnectionSettings {
    Poco::URI url;  // https://host:port, no path
    std::string apiKey;
    TlsTrust trust;
    int timeoutSeconds = 120;

    // needKey=false for requests without authentication. Throws CliError(Usage).
    static ConnectionSettings resolve(const CliOptions& options, const EnvLookup& env, bool needKey = true);
    // "https://127.0.0.1:8443" from a listen address "0.0.0.0:8443", "[::]:8443", "host:port".
    static std::string urlForListen(const std::string& listen);
};

}  // namespace ha::cli
