// The one redaction step for everything that leaves the process (log lines through
// RedactingChannel, the access log, audit lines, every response body): the configured secrets
// verbatim (and as they appear inside JSON strings), the head of one left at a cut ("...", or
// the end of the text: something upstream truncated before redacting), plus anything shaped
// like a provider key or bearer token ("sk-...", "gsk_...", "Bearer ..."). Secrets are added
// while the assistant starts (the API key, then each plugin's secret settings); redact() may
// run concurrently with that. [thread-safe]
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ha {

class Redactor {
public:
    static constexpr std::string_view kMask = "[REDACTED]";
    // The shortest head of a secret masked at a cut: shorter ones are too likely ordinary text.
    static constexpr size_t kMinFragment = 4;

    Redactor() = default;
    // Secrets shorter than 8 characters are ignored (they would mask ordinary words).
    explicit Redactor(const std::vector<std::string>& secrets);
    Redactor(const Redactor&) = delete;
    Redactor& operator=(const Redactor&) = delete;

    void addSecrets(const std::vector<std::string>& secrets);
    std::string redact(std::string_view text) const;
    // For one field of a log line: redacted first, then control bytes replaced and cut at
    // maxBytes ("..." appended), so the cut can never keep part of a secret.
    std::string redactForLog(std::string_view text, size_t maxBytes) const;

private:
    using List = std::vector<std::string>;
    std::atomic<std::shared_ptr<const List>> secrets_{std::make_shared<const List>()};
};

}  // namespace ha
