// JSON-RPC 2.0 as TrueNAS's middleware speaks it over /api/current (truenas/middleware
// src/middlewared_docs/docs/jsonrpc.rst, api/base/server/ws_handler/rpc.py): requests with an
// integer id and a params array, responses with result or error {code, message, data{errname,
// reason, ...}}, and notifications (no id) that a client which subscribes to nothing ignores.
// Pure functions: framing, the meaning of errors and of auth.login_ex answers.
#pragma once

#include "tools/truenas/JsonValue.h"

#include <homelab_assistant/plugin.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ha_plugins::truenas {

struct RpcError {
    int64_t code = 0;      // -32601 method not found, -32602 invalid params, -32001 call error ...
    std::string message;   // "Method call error"
    std::string errname;   // data.errname: "EACCES", "ENOTAUTHENTICATED", "EBUSY" ...
    std::string reason;    // data.reason: the middleware's own sentence
};

struct RpcMessage {
    enum class Kind { Response, Notification, Other };
    Kind kind = Kind::Other;
    uint64_t id = 0;  // responses to our requests only (we send positive integer ids)
    Var result;
    std::optional<RpcError> error;
    std::string method;  // notifications
};

// {"jsonrpc":"2.0","id":id,"method":method,"params":params}; paramsJson must be a JSON array.
std::string encodeRequest(uint64_t id, std::string_view method, std::string_view paramsJson);
// Classifies one text frame. Throws homelab_assistant::Error(HA_ERR_UNAVAILABLE) for a frame that
// is not a JSON object (the connection is then not trusted any more).
RpcMessage parseMessage(const std::string& frame);

// The plugin's error for an error answer to `method`: status and an actionable message.
homelab_assistant::Error errorFor(std::string_view method, const RpcError& error);
// The session is not (or no longer) logged in: log in again once, then retry.
bool needsLogin(const RpcError& error);

// params of auth.login_ex for API_KEY_PLAIN; the only text that ever holds the key.
std::string loginParams(const std::string& username, const std::string& apiKey);

struct LoginOutcome {
    bool ok = false;
    int32_t status = HA_OK;  // HA_ERR_DENIED for a refused key, HA_ERR_UNAVAILABLE otherwise
    std::string message;     // never contains the key
};
// What an auth.login_ex result means (response_type SUCCESS, AUTH_ERR, EXPIRED, DENIED,
// OTP_REQUIRED, REDIRECT; plugins/auth.py login_ex).
LoginOutcome loginOutcome(const Var& result, const std::string& username);

}  // namespace ha_plugins::truenas
