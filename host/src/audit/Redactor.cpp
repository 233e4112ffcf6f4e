#include "audit/Redactor.h"

#include "util/Json.h"

#include <algorithm>

namespace ha {

namespace {

bool isTokenChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// Masks tokens that start with `prefix` at a word boundary and carry >= minLength token chars after it.
void maskPrefixedTokens(std::string& s, std::string_view prefix, size_t minLength) {
    size_t pos = 0;
    while ((pos = s.find(prefix, pos)) != std::string::npos) {
        const bool boundary = pos == 0 || !isTokenChar(s[pos - 1]);
        size_t end = pos + prefix.size();
        while (end < s.size() && isTokenChar(s[end])) ++end;
        if (boundary && end - pos - prefix.size() >= minLength) {
            s.replace(pos, end - pos, Redactor::kMask);
            pos += Redactor::kMask.size();
        } else {
            pos = end;
        }
    }
}

// "Bearer <token>" keeps the word and masks the token.
void maskBearer(std::string& s) {
    for (std::string_view word : {"Bearer ", "bearer "}) {
        size_t pos = 0;
        while ((pos = s.find(word, pos)) != std::string::npos) {
            const size_t start = pos + word.size();
            size_t end = start;
            while (end < s.size() && (isTokenChar(s[end]) || s[end] == '.' || s[end] == '=' || s[end] == '/' || s[end] == '+')) ++end;
            if (end - start >= 8) s.replace(start, end - start, Redactor::kMask);
            pos = start + 1;
        }
    }
}

}  // namespace

Redactor::Redactor(std::vector<std::string> secrets) {
    for (auto& s : secrets) {
        if (s.size() < 8) continue;
        // Also the form the secret takes inside a JSON string, where '"' and '\\' are escaped.
        const std::string quoted = json::stringify(json::Var(s));
        const std::string escaped = quoted.substr(1, quoted.size() - 2);
        if (escaped != s) secrets_.push_back(escaped);
        secrets_.push_back(std::move(s));
    }
    // Longest first, so a secret that contains another is masked whole.
    std::sort(secrets_.begin(), secrets_.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
}

std::string Redactor::redact(std::string_view text) const {
    std::string s(text);
    for (const std::string& secret : secrets_) {
        size_t pos = 0;
        while ((pos = s.find(secret, pos)) != std::string::npos) {
            s.replace(pos, secret.size(), kMask);
            pos += kMask.size();
        }
    }
    maskPrefixedTokens(s, "sk-", 20);
    maskPrefixedTokens(s, "gsk_", 20);
    maskBearer(s);
    return s;
}

}  // namespace ha
