#include "http/Authenticator.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <cstdio>

namespace ha::http {

namespace {
std::array<unsigned char, 32> sha256(const std::string& s) {
    std::array<unsigned char, 32> d{};
    SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), d.data());
    return d;
}
}  // namespace

Authenticator::Authenticator(const std::string& apiKey) : digest_(sha256(apiKey)) {
    char hex[3];
    for (size_t i = 0; i < 6; ++i) {
        std::snprintf(hex, sizeof hex, "%02x", digest_[i]);
        keyId_ += hex;
    }
}

bool Authenticator::verify(const std::string& presented) const {
    const auto d = sha256(presented);
    return CRYPTO_memcmp(d.data(), digest_.data(), d.size()) == 0;
}

}  // namespace ha::http
