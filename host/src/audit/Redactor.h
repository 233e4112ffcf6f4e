// Removes credentials from text before it is logged or audited: the configured secrets verbatim,
// plus anything shaped like a provider key or bearer token ("sk-...", "gsk_...", "Bearer ...").
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ha {

class Redactor {
public:
    static constexpr std::string_view kMask = "[REDACTED]";

    Redactor() = default;
    // Secrets shorter than 8 characters are ignored (they would mask ordinary words).
    explicit Redactor(std::vector<std::string> secrets);

    std::string redact(std::string_view text) const;

private:
    std::vector<std::string> secrets_;
};

}  // namespace ha
