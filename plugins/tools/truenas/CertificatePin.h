// Pinning the TrueNAS server certificate by its SHA-256 fingerprint. TrueNAS serves a
// self-signed certificate ("truenas_default") unless the user installs another, so a client on
// the NAS itself cannot verify a chain; the fingerprint, shown in the TrueNAS UI and by
// `openssl x509 -fingerprint -sha256`, identifies that one certificate instead. With a pin the
// TLS handshake succeeds only when the server's leaf certificate has exactly that fingerprint
// (chain and host name are not consulted), so the API key is never sent to anyone else.
#pragma once

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <mutex>
#include <optional>
#include <string>

namespace ha_plugins::truenas {

// "AB:CD:...", "ab cd ...", 64 plain hex digits, or openssl's "sha256 Fingerprint=AB:CD:..." ->
// 64 lower-case hex digits; nullopt otherwise.
std::optional<std::string> parseFingerprint(const std::string& text);
// 64 lower-case hex digits of the SHA-256 of the DER certificate ("" on failure).
std::string fingerprintOf(X509* certificate);
// "AB:CD:..." (the form the TrueNAS UI and openssl show).
std::string displayFingerprint(const std::string& hex);

// The pin of one TLS context; also remembers the fingerprint the last handshake saw, for the
// error message when it did not match.
class CertificatePin {
public:
    explicit CertificatePin(std::string expectedHex) : expected_(std::move(expectedHex)) {}
    // Replaces the context's certificate verification by the pin comparison. This object must
    // outlive every handshake made with ctx.
    void install(SSL_CTX* ctx);
    const std::string& expected() const { return expected_; }
    std::string lastSeen() const;

private:
    static int verify(X509_STORE_CTX* store, void* self);
    std::string expected_;
    mutable std::mutex mutex_;
    std::string lastSeen_;
};

}  // namespace ha_plugins::truenas
