// X-API-Key check: both keys are hashed with SHA-256 and compared in constant time, so neither
// the content nor the length of the configured key leaks through timing.
#pragma once

#include <array>
#include <string>

namespace ha::http {

class Authenticator {
public:
    explicit Authenticator(const std::string& apiKey);

    bool verify(const std::string& presented) const;
    // Non-secret identifier of the key (first 12 hex digits of its SHA-256), for rate limiting.
    const std::string& keyId() const { return keyId_; }

private:
    std::array<unsigned char, 32> digest_{};
    std::string keyId_;
};

}  // namespace ha::http
