// Reading small text files such as /proc/stat in one go.
#pragma once

#include <optional>
#include <string>

namespace ha_plugins {

// Whole file (at most maxBytes), or nullopt when it cannot be read.
std::optional<std::string> readTextFile(const std::string& path, size_t maxBytes = 4 * 1024 * 1024);

}  // namespace ha_plugins
