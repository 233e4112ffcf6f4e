#include "tools/systemd/LogRedactor.h"

#include <algorithm>
#include <cstdint>

namespace ha_plugins::systemd {

namespace {

// Decodes one UTF-8 sequence at s[i]; returns its length, or 0 when it is invalid.
size_t utf8Length(std::string_view s, size_t i, uint32_t& cp) {
    const auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
    const unsigned char c = b(0);
    size_t n = 0;
    if (c < 0x80) {
        cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07u;
    } else {
        return 0;
    }
    if (i + n > s.size()) return 0;
    for (size_t k = 1; k < n; ++k) {
        if ((b(k) & 0xC0u) != 0x80u) return 0;
        cp = (cp << 6) | (b(k) & 0x3Fu);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
        return 0;
    }
    return n;
}

}  // namespace

std::string cleanText(std::string_view text, size_t maxBytes) {
    static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
    static constexpr std::string_view kEllipsis = "...";
    std::string out;
    out.reserve(std::min(text.size(), maxBytes));
    bool cut = false;
    for (size_t i = 0; i < text.size();) {
        uint32_t cp = 0;
        const size_t n = utf8Length(text, i, cp);
        std::string_view piece;
        if (n == 0) {
            piece = kReplacement;
            i += 1;
        } else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) {
            piece = " ";
            i += n;
        } else {
            piece = text.substr(i, n);
            i += n;
        }
        if (out.size() + piece.size() > maxBytes) {
            cut = true;
            break;
        }
        out.append(piece);
    }
    if (cut) {
        // Make room for the ellipsis without splitting a character.
        while (!out.empty() && out.size() + kEllipsis.size() > maxBytes) {
            size_t last = out.size() - 1;
            while (last > 0 && (static_cast<unsigned char>(out[last]) & 0xC0u) == 0x80u) --last;
            out.erase(last);
        }
        if (out.size() + kEllipsis.size() <= maxBytes) out.append(kEllipsis);
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

std::string safeLogLine(std::string_view text, size_t maxBytes) {
    // Redact before cutting, so a cut cannot leave the head of a secret that no rule recognises.
    return cleanText(redactSecrets(cleanText(text, 64 * 1024)), maxBytes);
}

}  // namespace ha_plugins::systemd
