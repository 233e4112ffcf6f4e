#include "tools/truenas/CertificatePin.h"

#include <openssl/evp.h>

#include <cctype>

namespace ha_plugins::truenas {

std::optional<std::string> parseFingerprint(const std::string& text) {
    // openssl prints "sha256 Fingerprint=AB:CD:...": take what follows the '='.
    const size_t equals = text.rfind('=');
    const std::string value = equals == std::string::npos ? text : text.substr(equals + 1);
    std::string hex;
    for (const char c : value) {
        if (c == ':' || c == ' ' || c == '-') continue;
        if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
        hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (hex.size() != 64) return std::nullopt;
    return hex;
}

std::string fingerprintOf(X509* certificate) {
    if (certificate == nullptr) return "";
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (X509_digest(certificate, EVP_sha256(), digest, &length) != 1) return "";
    static const char* const digits = "0123456789abcdef";
    std::string hex;
    for (unsigned int i = 0; i < length; ++i) {
        hex += digits[digest[i] >> 4];
        hex += digits[digest[i] & 0x0f];
    }
    return hex;
}

std::string displayFingerprint(const std::string& hex) {
    std::string out;
    for (size_t i = 0; i < hex.size(); i += 2) {
        if (i > 0) out += ':';
        out += static_cast<char>(std::toupper(static_cast<unsigned char>(hex[i])));
        if (i + 1 < hex.size()) out += static_cast<char>(std::toupper(static_cast<unsigned char>(hex[i + 1])));
    }
    return out;
}

void CertificatePin::install(SSL_CTX* ctx) {
    // SSL_VERIFY_PEER makes a failed verification abort the handshake; the callback replaces the
    // whole chain check (X509_verify_cert), so only the fingerprint decides.
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    SSL_CTX_set_cert_verify_callback(ctx, &CertificatePin::verify, this);
}

std::string CertificatePin::lastSeen() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return lastSeen_;
}

int CertificatePin::verify(X509_STORE_CTX* store, void* self) {
    auto* pin = static_cast<CertificatePin*>(self);
    const std::string seen = fingerprintOf(X509_STORE_CTX_get0_cert(store));
    {
        std::lock_guard<std::mutex> lock(pin->mutex_);
        pin->lastSeen_ = seen;
    }
    if (!seen.empty() && seen == pin->expected_) return 1;
    X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
    return 0;
}

}  // namespace ha_plugins::truenas
