#include "tools/truenas/MethodAllowlist.h"

#include <homelab_assistant/plugin.hpp>

#include <algorithm>
#include <string>

namespace ha_plugins::truenas {

const std::vector<std::string_view>& allowedMethods() {
    // No core.ping: an idle connection is closed by the plugin and reopened on demand instead.
    static const std::vector<std::string_view> methods = {
        "auth.login_ex",   "alert.list",  "pool.query",      "disk.query",
        "disk.temperatures", "app.query", "pool.snapshottask.query", "replication.query",
        "cloudsync.query", "system.info", "boot.get_state",
    };
    return methods;
}

bool isAllowedMethod(std::string_view method) {
    const auto& methods = allowedMethods();
    return std::find(methods.begin(), methods.end(), method) != methods.end();
}

void requireAllowedMethod(std::string_view method) {
    if (!isAllowedMethod(method)) {
        throw homelab_assistant::Error(HA_ERR_DENIED, "refusing to send middleware method '" + std::string(method) +
                                                          "': it is not on the read-only allowlist");
    }
}

}  // namespace ha_plugins::truenas
