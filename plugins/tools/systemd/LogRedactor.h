// Log lines made safe to show: valid UTF-8 without control characters, bounded in length, and
// with credentials masked. Services print their configuration and connection strings; a line in
// the journal is data for the user, never a channel for their passwords.
#pragma once

#include "common/SecretText.h"

#include <string>
#include <string_view>

namespace ha_plugins::systemd {

// The masking itself is shared by every plugin (common/SecretText.h).
using ha_plugins::kRedacted;
using ha_plugins::looksLikeSecretKey;
using ha_plugins::redactSecrets;

// Valid UTF-8 (invalid bytes become U+FFFD), control characters as spaces, trailing space
// removed, at most maxBytes (cut at a character boundary, "..." appended when cut).
std::string cleanText(std::string_view text, size_t maxBytes);

// cleanText and redactSecrets: what a journal line may look like when it leaves the plugin.
std::string safeLogLine(std::string_view text, size_t maxBytes);

}  // namespace ha_plugins::systemd
