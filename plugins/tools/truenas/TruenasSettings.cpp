#include "tools/truenas/TruenasSettings.h"

#include "common/PluginConfig.h"
#include "common/TextFile.h"
#include "tools/truenas/CertificatePin.h"

#include <homelab_assistant/plugin.hpp>

#include <Poco/Exception.h>

#include <algorithm>
#include <cctype>
#include <iterator>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

namespace ha_plugins::truenas {

using homelab_assistant::Error;

const char* const kSettingsSchema =
    R"J({"type":"object","additionalProperties":false,"properties":{)J"
    R"J("url":{"type":"string","minLength":1,"description":"Middleware WebSocket (default wss://localhost/api/current); only wss://"},)J"
    R"J("username":{"type":"string","minLength":1,"maxLength":128,"description":"The READONLY_ADMIN account the API key belongs to"},)J"
    R"J("api_key":{"type":"string","minLength":1,"maxLength":512,"writeOnly":true,"description":"TrueNAS API key (<id>-<key>); prefer api_key_file"},)J"
    R"J("api_key_file":{"type":"string","minLength":1,"description":"File holding the API key (mode 0640 root:homelab-assistant)"},)J"
    R"J("ca_file":{"type":"string","minLength":1,"description":"Extra trusted CA certificates (PEM) for the TrueNAS certificate"},)J"
    R"J("certificate_sha256":{"type":"string","minLength":64,"maxLength":160,"description":"SHA-256 fingerprint of the TrueNAS certificate to pin (AB:CD:... or hex); replaces chain verification"},)J"
    R"J("connect_timeout_ms":{"type":"integer","minimum":100,"maximum":60000},)J"
    R"J("request_timeout_ms":{"type":"integer","minimum":100,"maximum":120000},)J"
    R"J("idle_close_s":{"type":"integer","minimum":1,"maximum":3600,"description":"Close an idle connection after this long (default 50, below nginx's 60 s)"},)J"
    R"J("login_retry_s":{"type":"integer","minimum":0,"maximum":3600,"description":"After a refused key, wait this long before logging in again (default 30)"},)J"
    R"J("cache_ttl_ms":{"type":"integer","minimum":0,"maximum":300000,"description":"Keep a middleware answer this long (default 5000; 0 = never)"},)J"
    R"J("max_items":{"type":"integer","minimum":1,"maximum":1000,"description":"Longest list in a result (default 100)"},)J"
    R"J("max_message_bytes":{"type":"integer","minimum":65536,"maximum":268435456},)J"
    R"J("stale_factor":{"type":"number","minimum":1,"maximum":100,"description":"A task is late when its last success is older than this many schedule intervals (default 1.5)"}}})J";

namespace {

std::string trim(std::string s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    size_t start = 0;
    while (start < s.size() && std::isspace(static_cast<unsigned char>(s[start]))) ++start;
    return s.substr(start);
}

// Raw API keys are "<id>-<key material>" (truenas_api_client/auth_api_key.py RAW_KEY_PATTERN).
bool looksLikeApiKey(const std::string& key) {
    const size_t dash = key.find('-');
    if (dash == 0 || dash == std::string::npos || dash + 1 >= key.size()) return false;
    for (size_t i = 0; i < dash; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(key[i]))) return false;
    }
    for (size_t i = dash + 1; i < key.size(); ++i) {
        if (!std::isalnum(static_cast<unsigned char>(key[i]))) return false;
    }
    return true;
}

}  // namespace

TruenasSettings TruenasSettings::parse(const std::string& json) {
    const PluginConfig config(json);
    // A misspelt setting must not silently fall back to a default (say, a key file that is then
    // never read); the host checks the schema too, this holds without it.
    static const char* const known[] = {"url", "username", "api_key", "api_key_file", "ca_file", "certificate_sha256",
                                        "connect_timeout_ms", "request_timeout_ms", "idle_close_s", "login_retry_s",
                                        "cache_ttl_ms", "max_items", "max_message_bytes", "stale_factor"};
    if (const auto o = objectOf(parseJson(json.empty() ? "{}" : json, "the truenas settings"))) {
        for (const auto& name : o->getNames()) {
            if (std::find(std::begin(known), std::end(known), name) == std::end(known)) {
                std::string list;
                for (const char* k : known) list += (list.empty() ? "" : ", ") + std::string(k);
                throw Error(HA_ERR_INVALID_ARGUMENT, "unknown truenas setting '" + name + "' (known: " + list + ")");
            }
        }
    }
    TruenasSettings s;
    const std::string url = config.string("url", "wss://localhost/api/current");
    try {
        s.client.url = Poco::URI(url);
    } catch (const Poco::Exception& e) {
        throw Error(HA_ERR_INVALID_ARGUMENT, "'url' is not a URL: " + e.message());
    }
    const std::string scheme = s.client.url.getScheme();
    if (scheme == "ws" || scheme == "http") {
        throw Error(HA_ERR_INVALID_ARGUMENT, "'url' " + url + " is refused: plain " + scheme +
                                                 ":// would send the API key unencrypted, and TrueNAS revokes a key that "
                                                 "arrives that way. Use wss://");
    }
    if (scheme != "wss") throw Error(HA_ERR_INVALID_ARGUMENT, "'url' must start with wss://, not " + url);
    if (!s.client.url.getUserInfo().empty()) {
        throw Error(HA_ERR_INVALID_ARGUMENT, "'url' must not carry credentials; use username and api_key_file");
    }
    if (s.client.url.getHost().empty()) throw Error(HA_ERR_INVALID_ARGUMENT, "'url' has no host: " + url);
    if (s.client.url.getPath().empty()) s.client.url.setPath("/api/current");

    s.client.username = config.string("username", "");
    const std::string inlineKey = config.string("api_key", "");
    const std::string keyFile = config.string("api_key_file", "");
    if (!inlineKey.empty() && !keyFile.empty()) {
        throw Error(HA_ERR_INVALID_ARGUMENT, "set either 'api_key' or 'api_key_file', not both");
    }
    if (!keyFile.empty()) {
        std::ifstream in(keyFile, std::ios::binary);
        if (!in) throw Error(HA_ERR_INVALID_ARGUMENT, "'api_key_file' " + keyFile + " cannot be read");
        std::ostringstream content;
        content << in.rdbuf();
        s.client.apiKey = trim(content.str());
        if (s.client.apiKey.empty()) throw Error(HA_ERR_INVALID_ARGUMENT, "'api_key_file' " + keyFile + " is empty");
        struct stat st {};
        if (::stat(keyFile.c_str(), &st) == 0 && (st.st_mode & S_IROTH)) {
            s.warnings.push_back("'api_key_file' " + keyFile + " is readable by every user of this machine (chmod o-r)");
        }
    } else {
        s.client.apiKey = trim(inlineKey);
    }
    s.configured = !s.client.apiKey.empty();
    if (s.configured) {
        const std::string where = keyFile.empty() ? "'api_key'" : "the key in 'api_key_file'";
        if (!looksLikeApiKey(s.client.apiKey)) {
            throw Error(HA_ERR_INVALID_ARGUMENT, where + " does not look like a TrueNAS API key (<id>-<key>, as shown once "
                                                         "when the key is created)");
        }
        if (s.client.username.empty()) {
            throw Error(HA_ERR_INVALID_ARGUMENT, "'username' is required with an API key: the TrueNAS user the key belongs to");
        }
    }
    s.client.caFile = config.string("ca_file", "");
    if (!s.client.caFile.empty() && !holdsPemCertificate(s.client.caFile)) {
        throw Error(HA_ERR_INVALID_ARGUMENT, "'ca_file' " + s.client.caFile + " cannot be read or holds no PEM certificate");
    }
    const std::string pin = config.string("certificate_sha256", "");
    if (!pin.empty()) {
        const auto hex = parseFingerprint(pin);
        if (!hex) {
            throw Error(HA_ERR_INVALID_ARGUMENT, "'certificate_sha256' must be a SHA-256 fingerprint: 32 bytes in hex, "
                                                 "with or without colons");
        }
        s.client.pinnedSha256 = *hex;
    }
    s.client.connectTimeout = std::chrono::milliseconds(config.integer("connect_timeout_ms", 3000, 100, 60000));
    s.client.requestTimeout = std::chrono::milliseconds(config.integer("request_timeout_ms", 8000, 100, 120000));
    s.client.loginRetry = std::chrono::seconds(config.integer("login_retry_s", 30, 0, 3600));
    s.client.connection.idleClose = std::chrono::seconds(config.integer("idle_close_s", 50, 1, 3600));
    s.client.connection.maxMessageBytes =
        static_cast<size_t>(config.integer("max_message_bytes", 16 << 20, 65536, 268435456));
    s.client.connection.frameTimeout = std::max(s.client.connectTimeout, std::chrono::milliseconds(10000));
    s.cacheTtl = std::chrono::milliseconds(config.integer("cache_ttl_ms", 5000, 0, 300000));
    s.maxItems = static_cast<size_t>(config.integer("max_items", 100, 1, 1000));
    s.staleFactor = config.number("stale_factor", 1.5, 1.0, 100.0);
    return s;
}

}  // namespace ha_plugins::truenas
