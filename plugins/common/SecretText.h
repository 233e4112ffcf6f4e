// Credentials masked in text that a plugin passes on (log lines, health-probe output, labels,
// error messages): values of key=value pairs whose key names a credential, bearer and basic
// credentials, passwords in URLs and anything shaped like a provider key or token. Shared by
// every in-tree plugin that shows text it did not write itself.
#pragma once

#include <string>
#include <string_view>

namespace ha_plugins {

inline constexpr std::string_view kRedacted = "[REDACTED]";

// Masks values of key=value, key: value and "key": "value" pairs whose key looks like a
// credential (password, passwd, secret, token, apikey, ... or a word key, pw, pwd, otp, seed),
// bearer and basic credentials, passwords in URLs (scheme://user:pass@host), and anything
// shaped like a provider key or token (sk-..., gsk_..., ghp_..., github_pat_..., xoxb-...,
// glpat-..., AKIA..., AIza..., JSON Web Tokens).
std::string redactSecrets(std::string_view text);

// Whether a key names a credential (case-insensitive): "DB_PASSWORD", "api-key", "otp",
// "admin.pwd", "user_pw", "otp_seed".
bool looksLikeSecretKey(std::string_view key);

}  // namespace ha_plugins
