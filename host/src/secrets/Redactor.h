// Removes credentials from text before it leaves the process (logs, audit, error bodies, model
// text): the configured secrets verbatim (and as they appear inside JSON strings), plus anything
// shaped like a provider key or bearer token ("sk-...", "gsk_...", "Bearer ..."). Secrets are
// added while the assistant starts (the API key, then each plugin's secret settings); redact()
// may run concurrently with that. [thread-safe]
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

    Redactor() = default;
    // Secrets shorter than 8 characters are ignored (they would mask ordinary words).
    explicit Redactor(const std::vector<std::string>& secrets);
    Redactor(const Redactor&) = delete;
    Redactor& operator=(const Redactor&) = delete;

    void addSecrets(const std::vector<std::string>& secrets);
    std::string redact(std::string_view text) const;

private:
    using List = std::vector<std::string>;
    std::atomic<std::shared_ptr<const List>> secrets_{std::make_shared<const List>()};
};

}  // namespace ha
