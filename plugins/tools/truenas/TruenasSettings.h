// The truenas plugin's settings (plugins.settings.truenas), checked once in create(): a bad
// value fails the plugin's start with a message naming the setting. Plain ws:// is refused
// outright: TrueNAS revokes an API key that arrives over an unencrypted connection
// (plugins/auth_/login_ex_impl.py, "API key revoked due to insecure transport").
#pragma once

#include "tools/truenas/MiddlewareClient.h"
#include "tools/truenas/ViewContext.h"

#include <chrono>
#include <string>
#include <vector>

namespace ha_plugins::truenas {

struct TruenasSettings {
    ClientSettings client;
    bool configured = false;  // an API key is set; without one the plugin answers "not set up"
    std::chrono::milliseconds cacheTtl{5000};
    size_t maxItems = 100;
    double staleFactor = 1.5;
    std::vector<std::string> warnings;  // for the log: e.g. a key file other users can read

    // Throws homelab_assistant::Error(HA_ERR_INVALID_ARGUMENT). Never puts the key in a message.
    static TruenasSettings parse(const std::string& json);
};

// The JSON Schema of the settings (ABI 1.1 settings_schema); api_key is "writeOnly".
extern const char* const kSettingsSchema;

}  // namespace ha_plugins::truenas
