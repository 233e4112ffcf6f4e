#include "common/SecretText.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <utility>
#include <vector>

namespace ha_plugins {

namespace {


bool isKeyChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || c == '.'; }

bool isTokenChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-'; }

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool endsWith(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Where an unquoted value ends: whitespace, a quote or a delimiter of the surrounding syntax.
size_t valueEnd(const std::string& s, size_t start) {
    size_t end = start;
    while (end < s.size()) {
        const char c = s[end];
        if (std::isspace(static_cast<unsigned char>(c)) != 0 || c == '"' || c == '\'' || c == ',' || c == ';' ||
            c == '&' || c == ')' || c == '}' || c == ']' || c == '>') {
            break;
        }
        ++end;
    }
    return end;
}

// Replaces s[start, end) by the mask unless it is empty or masked already; returns where to go on.
size_t mask(std::string& s, size_t start, size_t end) {
    if (end <= start || s.compare(start, end - start, kRedacted) == 0) return end;
    s.replace(start, end - start, kRedacted);
    return start + kRedacted.size();
}

// key=value, key: value, "key": "value", and --key value.
void maskKeyValues(std::string& s) {
    for (size_t i = 0; i < s.size(); ++i) {
        const char sep = s[i];
        if (sep != '=' && sep != ':' && sep != ' ') continue;
        // The key right before the separator, possibly inside quotes.
        size_t keyEnd = i;
        if (sep == ':' && keyEnd > 0 && s[keyEnd - 1] == ' ') --keyEnd;
        if (keyEnd > 0 && (s[keyEnd - 1] == '"' || s[keyEnd - 1] == '\'')) --keyEnd;
        size_t keyStart = keyEnd;
        while (keyStart > 0 && isKeyChar(s[keyStart - 1])) --keyStart;
        if (keyStart == keyEnd) continue;
        std::string_view key(s.data() + keyStart, keyEnd - keyStart);
        if (sep == ' ') {  // only "--password value": an option whose name is a credential
            if (key.size() < 3 || key.substr(0, 2) != "--") continue;
        }
        if (!looksLikeSecretKey(key)) continue;
        if (sep == ':' && s.compare(i, 3, "://") == 0) continue;  // a URL scheme, not a key
        size_t start = i + 1;
        while (start < s.size() && s[start] == ' ') ++start;
        if (start >= s.size()) break;
        if (lower(key).find("authorization") != std::string::npos) {
            // "Authorization: <scheme> <credentials>": the whole header value, whatever the scheme.
            size_t end = start;
            while (end < s.size() && s[end] != '"' && s[end] != '\'' && s[end] != '\n') ++end;
            i = mask(s, start, end);
        } else if (s[start] == '"' || s[start] == '\'') {
            const char quote = s[start];
            size_t end = start + 1;
            while (end < s.size() && s[end] != quote) end += (s[end] == '\\' && end + 1 < s.size()) ? 2 : 1;
            i = mask(s, start + 1, std::min(end, s.size()));
        } else {
            i = mask(s, start, valueEnd(s, start));
        }
        if (i > 0) --i;
    }
}

// A credential, unlike a word: it has a digit, a base64 symbol or mixed case ("Basic dXNlcjpwYXNz",
// but not "basic configuration").
bool looksEncoded(std::string_view token) {
    bool digit = false, upper = false, lowerCase = false, symbol = false;
    for (const char c : token) {
        digit |= std::isdigit(static_cast<unsigned char>(c)) != 0;
        upper |= std::isupper(static_cast<unsigned char>(c)) != 0;
        lowerCase |= std::islower(static_cast<unsigned char>(c)) != 0;
        symbol |= c == '+' || c == '/' || c == '=';
    }
    return digit || symbol || (upper && lowerCase);
}

// "Bearer <token>" and "Basic <credentials>" keep the scheme and lose the credential.
void maskAuthSchemes(std::string& s) {
    const std::string low = lower(s);
    // Find every span first, then rebuild once, so that positions in `low` stay valid.
    std::vector<std::pair<size_t, size_t>> spans;
    for (size_t pos = 0; pos < low.size(); ++pos) {
        for (std::string_view scheme : {"bearer ", "basic "}) {
            if (low.compare(pos, scheme.size(), scheme) != 0) continue;
            if (pos > 0 && isTokenChar(low[pos - 1])) continue;
            size_t start = pos + scheme.size();
            while (start < low.size() && low[start] == ' ') ++start;
            size_t end = start;
            while (end < low.size() && (isTokenChar(s[end]) || s[end] == '.' || s[end] == '~' || s[end] == '+' ||
                                        s[end] == '/' || s[end] == '=')) {
                ++end;
            }
            if (end - start >= 8 && looksEncoded(std::string_view(s).substr(start, end - start))) {
                spans.emplace_back(start, end);
            }
            pos = end > pos ? end - 1 : pos;
            break;
        }
    }
    if (spans.empty()) return;
    std::string out;
    size_t copied = 0;
    for (const auto& [start, end] : spans) {
        out.append(s, copied, start - copied);
        out.append(kRedacted);
        copied = end;
    }
    out.append(s, copied, std::string::npos);
    s = std::move(out);
}

struct TokenShape {
    std::string_view prefix;
    size_t minRest;  // token characters required after the prefix
    bool upperDigitsOnly;
};

// Provider keys and tokens recognisable by their prefix.
constexpr std::array<TokenShape, 13> kTokenShapes{{
    {"sk-", 20, false},          // OpenAI (sk-..., sk-proj-...), Anthropic (sk-ant-...)
    {"gsk_", 20, false},         // Groq
    {"ghp_", 20, false},         // GitHub personal access token
    {"gho_", 20, false},         // GitHub OAuth
    {"ghs_", 20, false},         // GitHub app
    {"ghu_", 20, false},         // GitHub user-to-server
    {"github_pat_", 20, false},  // GitHub fine-grained token
    {"glpat-", 20, false},       // GitLab
    {"xoxb-", 10, false},        // Slack bot
    {"xoxp-", 10, false},        // Slack user
    {"hf_", 20, false},          // Hugging Face
    {"AKIA", 16, true},          // AWS access key id
    {"AIza", 30, false},         // Google API key
}};

void maskTokenShapes(std::string& s) {
    for (const TokenShape& shape : kTokenShapes) {
        size_t pos = 0;
        while ((pos = s.find(shape.prefix, pos)) != std::string::npos) {
            const bool boundary = pos == 0 || !isTokenChar(s[pos - 1]);
            size_t end = pos + shape.prefix.size();
            while (end < s.size() && isTokenChar(s[end]) &&
                   (!shape.upperDigitsOnly || std::isupper(static_cast<unsigned char>(s[end])) != 0 ||
                    std::isdigit(static_cast<unsigned char>(s[end])) != 0)) {
                ++end;
            }
            if (boundary && end - pos - shape.prefix.size() >= shape.minRest) {
                pos = mask(s, pos, end);
            } else {
                pos = end;
            }
        }
    }
    // JSON Web Tokens: three base64url parts, the first two starting with "eyJ" ('{"').
    size_t pos = 0;
    while ((pos = s.find("eyJ", pos)) != std::string::npos) {
        const bool boundary = pos == 0 || !isTokenChar(s[pos - 1]);
        size_t end = pos;
        int dots = 0;
        while (end < s.size() && (isTokenChar(s[end]) || s[end] == '.')) dots += s[end++] == '.' ? 1 : 0;
        if (boundary && dots >= 2 && end - pos >= 24) {
            pos = mask(s, pos, end);
        } else {
            pos = end;
        }
    }
}

// scheme://user:password@host keeps the user.
void maskUrlPasswords(std::string& s) {
    size_t pos = 0;
    while ((pos = s.find("://", pos)) != std::string::npos) {
        size_t userEnd = pos + 3;
        while (userEnd < s.size() && s[userEnd] != ':' && s[userEnd] != '@' && s[userEnd] != '/' &&
               std::isspace(static_cast<unsigned char>(s[userEnd])) == 0) {
            ++userEnd;
        }
        if (userEnd >= s.size() || s[userEnd] != ':') {
            pos = userEnd;
            continue;
        }
        size_t at = userEnd + 1;
        while (at < s.size() && s[at] != '@' && s[at] != '/' && std::isspace(static_cast<unsigned char>(s[at])) == 0) ++at;
        if (at < s.size() && s[at] == '@') {
            pos = mask(s, userEnd + 1, at);
        } else {
            pos = at;
        }
    }
}

bool startsWith(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

}  // namespace

bool looksLikeSecretKey(std::string_view rawKey) {
    std::string key = lower(rawKey);
    key.erase(0, key.find_first_not_of('-'));
    while (!key.empty() && (key.back() == '.' || key.back() == '-' || key.back() == '_')) key.pop_back();
    if (key.empty()) return false;
    for (const char* word : {"password", "passwd", "passphrase", "secret", "token", "apikey", "api_key", "api-key",
                             "credential", "privatekey", "private_key", "pwd", "authorization", "mnemonic"}) {
        if (key.find(word) != std::string::npos) return true;
    }
    // A whole word of the key, anywhere in it: "db_pass", "x-api-key", "mfa.otp", "user_pw",
    // "otp_seed", "pw.hash"; "privateKey" ends in key.
    for (const char* whole : {"key", "pw", "otp", "totp", "pass", "seed", "salt"}) {
        if (key == whole) return true;
        for (const char sep : {'_', '-', '.'}) {
            const std::string before = std::string(1, sep) + whole, after = whole + std::string(1, sep);
            if (endsWith(key, before) || startsWith(key, after) || key.find(before + sep) != std::string::npos) return true;
        }
    }
    return endsWith(key, "key");
}

std::string redactSecrets(std::string_view text) {
    std::string s(text);
    maskUrlPasswords(s);
    maskAuthSchemes(s);
    maskKeyValues(s);
    maskTokenShapes(s);
    return s;
}

}  // namespace ha_plugins
