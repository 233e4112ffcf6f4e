// Log lines made safe to show: valid UTF-8 without control characters, bounded in length, and
// with credentials masked. Services print their configuration and connection strings; a line in
// the journal is data for the user, never a channel for their passwords.
#pragma once

#include <string>
#include <string_view>

namespace ha_plugins::systemd {

inline constexpr std::string_view kRedacted = "[REDACTED]";

// Masks values of key=value, key: value and "key": "value" pairs whose key looks like a
// credential (password, passwd, secret, token, apikey, ... or ending in key, pw, pwd, otp),
// bearer and basic credentials, passwords in URLs (scheme://user:pass@host), and anything
// shaped like a provider key or token (sk-..., gsk_..., ghp_..., github_pat_..., xoxb-...,
// glpat-..., AKIA..., AIza..., JSON Web Tokens).
std::string redactSecrets(std::string_view text);

// Whether a key names a credential (case-insensitive): "DB_PASSWORD", "api-key", "otp".
bool looksLikeSecretKey(std::string_view key);

// Valid UTF-8 (invalid bytes become U+FFFD), control characters as spaces, trailing space
// removed, at most maxBytes (cut at a character boundary, "..." appended when cut).
std::string cleanText(std::string_view text, size_t maxBytes);

// cleanText and redactSecrets: what a journal line may look like when it leaves the plugin.
std::string safeLogLine(std::string_view text, size_t maxBytes);

}  // namespace ha_plugins::systemd
