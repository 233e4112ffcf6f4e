// Reading small text files such as /proc/stat in one go, and checking a ca_file.
#pragma once

#include <optional>
#include <string>

namespace ha_plugins {

// Whole file (at most maxBytes), or nullopt when it cannot be read.
std::optional<std::string> readTextFile(const std::string& path, size_t maxBytes = 4 * 1024 * 1024);

// The file can be read and has a PEM certificate block in its first 4 MiB: what a ca_file
// setting must hold (checked at start, though the TLS context that reads it is built later).
bool holdsPemCertificate(const std::string& path);

}  // namespace ha_plugins
