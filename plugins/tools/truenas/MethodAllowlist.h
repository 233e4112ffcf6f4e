// The exact middleware methods this plugin may ever send, the login included. Every request
// passes requireAllowedMethod() in RpcConnection::request(), the only code that writes requests
// to the socket, so nothing else can leave the plugin whatever a caller asks for. All of them
// only read (TrueNAS gives a READONLY_ADMIN account nothing else anyway).
#pragma once

#include <string_view>
#include <vector>

namespace ha_plugins::truenas {

const std::vector<std::string_view>& allowedMethods();
// Exact, case-sensitive comparison: "pool.query " or "Pool.query" are not allowed.
bool isAllowedMethod(std::string_view method);
// Throws homelab_assistant::Error(HA_ERR_DENIED) naming the method unless it is allowed.
void requireAllowedMethod(std::string_view method);

}  // namespace ha_plugins::truenas
