#include "secrets/Redactor.h"

#include "util/Json.h"
#include "util/Text.h"

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

// Where text may have been cut before it reached us: every run of "..." and the end.
std::vector<size_t> cutPoints(const std::string& s) {
    std::vector<size_t> cuts;
    for (size_t pos = s.find("..."); pos != std::string::npos; pos = s.find("...", pos)) {
        cuts.push_back(pos);
        while (pos < s.size() && s[pos] == '.') ++pos;
    }
    cuts.push_back(s.size());
    return cuts;
}

// Length of the longest head of `secret` (shorter than the whole, at least minLength) that
// ends exactly at s[cut]; 0 when there is none.
size_t headBefore(const std::string& s, size_t cut, const std::string& secret, size_t minLength) {
    for (size_t n = std::min(secret.size() - 1, cut); n >= minLength; --n) {
        if (s[cut - n] == secret[0] && s.compare(cut - n, n, secret, 0, n) == 0) return n;
    }
    return 0;
}

}  // namespace

Redactor::Redactor(const std::vector<std::string>& secrets) { addSecrets(secrets); }

void Redactor::addSecrets(const std::vector<std::string>& secrets) {
    auto list = std::make_shared<List>(*secrets_.load());
    for (const auto& s : secrets) {
        if (s.size() < 8) continue;
        // Also the form the secret takes inside a JSON string, where '"' and '\\' are escaped.
        const std::string quoted = json::stringify(json::Var(s));
        const std::string escaped = quoted.substr(1, quoted.size() - 2);
        for (const std::string& form : {s, escaped}) {
            if (std::find(list->begin(), list->end(), form) == list->end()) list->push_back(form);
        }
    }
    // Longest first, so a secret that contains another is masked whole.
    std::sort(list->begin(), list->end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
    secrets_.store(std::move(list));
}

std::string Redactor::redact(std::string_view text) const {
    std::string s(text);
    const std::shared_ptr<const List> secrets = secrets_.load();
    for (const std::string& secret : *secrets) {
        size_t pos = 0;
        while ((pos = s.find(secret, pos)) != std::string::npos) {
            s.replace(pos, secret.size(), kMask);
            pos += kMask.size();
        }
    }
    // Heads of secrets left by a cut upstream, last cut first so earlier positions stay valid.
    // A head may contain dots itself: a cut inside a masked head is gone with it.
    const std::vector<size_t> cuts = cutPoints(s);
    size_t maskedFrom = std::string::npos;
    for (auto it = cuts.rbegin(); it != cuts.rend(); ++it) {
        if (maskedFrom != std::string::npos && *it > maskedFrom) continue;
        size_t longest = 0;
        for (const std::string& secret : *secrets) longest = std::max(longest, headBefore(s, *it, secret, kMinFragment));
        if (longest > 0) {
            s.replace(*it - longest, longest, kMask);
            maskedFrom = *it - longest;
        }
    }
    maskPrefixedTokens(s, "sk-", 20);
    maskPrefixedTokens(s, "gsk_", 20);
    maskBearer(s);
    return s;
}

std::string Redactor::redactForLog(std::string_view text, size_t maxBytes) const {
    return text::sanitizeForLog(redact(text), maxBytes);
}

}  // namespace ha
