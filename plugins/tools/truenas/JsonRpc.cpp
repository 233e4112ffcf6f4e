#include "tools/truenas/JsonRpc.h"

#include <Poco/JSON/Stringifier.h>

#include <sstream>

namespace ha_plugins::truenas {

using homelab_assistant::Error;

namespace {

std::string jsonString(std::string_view s) {
    std::ostringstream out;
    Poco::JSON::Stringifier::formatString(std::string(s), out);
    return out.str();
}

// The middleware's reason, short and on one line (tracebacks are in data.trace, never used).
std::string shortReason(const RpcError& e) {
    std::string r = e.reason.empty() ? e.message : e.reason;
    for (char& c : r) {
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    }
    if (r.size() > 300) r = r.substr(0, 300) + "...";
    return r;
}

}  // namespace

std::string encodeRequest(uint64_t id, std::string_view method, std::string_view paramsJson) {
    std::string out = R"({"jsonrpc":"2.0","id":)";
    out += std::to_string(id);
    out += R"(,"method":)";
    out += jsonString(method);
    out += R"(,"params":)";
    out += paramsJson.empty() ? std::string_view("[]") : paramsJson;
    out += '}';
    return out;
}

RpcMessage parseMessage(const std::string& frame) {
    const auto o = objectOf(parseJson(frame, "a message from TrueNAS"));
    if (!o) throw Error(HA_ERR_UNAVAILABLE, "TrueNAS sent a message that is not a JSON object");
    RpcMessage m;
    const bool hasId = o->has("id") && !o->get("id").isEmpty();
    if (!hasId) {
        if (auto method = optionalText(o, "method")) {
            m.kind = RpcMessage::Kind::Notification;
            m.method = *method;
        }
        // An error without an id answers a request the server could not parse: nothing waits for it.
        return m;
    }
    const auto id = integer(o, "id");
    if (!id || *id <= 0) return m;  // not an id this client issued
    m.id = static_cast<uint64_t>(*id);
    m.kind = RpcMessage::Kind::Response;
    if (auto e = childObject(o, "error")) {
        RpcError err;
        err.code = integer(e, "code").value_or(0);
        err.message = text(e, "message");
        if (auto data = childObject(e, "data")) {
            err.errname = text(data, "errname");
            err.reason = text(data, "reason");
        }
        m.error = err;
    } else if (o->has("result")) {
        m.result = o->get("result");
    } else {
        m.error = RpcError{-32603, "response without result or error", "", ""};
    }
    return m;
}

Error errorFor(std::string_view method, const RpcError& e) {
    const std::string m(method);
    const std::string reason = shortReason(e);
    switch (e.code) {
        case -32601:
            return Error(HA_ERR_UNSUPPORTED, "this TrueNAS has no method " + m + " (TrueNAS 25.04 or later is needed)");
        case -32602:
            return Error(HA_ERR_INTERNAL, "TrueNAS rejected the parameters of " + m + ": " + reason);
        case -32600:
        case -32700:
            return Error(HA_ERR_INTERNAL, "TrueNAS could not read the request for " + m + ": " + reason);
        case -32000:
            return Error(HA_ERR_RATE_LIMITED, "TrueNAS is busy with too many calls from this session (" + m + "); retry shortly");
        default:
            break;
    }
    if (e.errname == "EACCES") {
        return Error(HA_ERR_DENIED, "TrueNAS refused " + m + " for this account (" + reason +
                                        "): give its group the Read-Only Administrator privilege "
                                        "(Credentials > Groups > Privileges)");
    }
    if (e.errname == "ENOTAUTHENTICATED") return Error(HA_ERR_DENIED, "the TrueNAS session is not logged in (" + m + ")");
    if (e.errname == "EBUSY" && reason.find("Rate Limit") != std::string::npos) {
        return Error(HA_ERR_RATE_LIMITED, "TrueNAS rate-limits this client (" + m + "); retry later");
    }
    return Error(HA_ERR_UNAVAILABLE, "TrueNAS could not answer " + m + ": " + reason);
}

bool needsLogin(const RpcError& e) {
    return e.errname == "ENOTAUTHENTICATED" || (e.errname == "EACCES" && e.reason.find("expired") != std::string::npos);
}

std::string loginParams(const std::string& username, const std::string& apiKey) {
    // user_info=false: the answer then carries no account details the plugin would have to drop.
    return R"([{"mechanism":"API_KEY_PLAIN","username":)" + jsonString(username) + R"(,"api_key":)" + jsonString(apiKey) +
           R"(,"login_options":{"user_info":false}}])";
}

LoginOutcome loginOutcome(const Var& result, const std::string& username) {
    const auto o = objectOf(result);
    const std::string type = o ? text(o, "response_type") : (result.isBoolean() && result.extract<bool>() ? "SUCCESS" : "");
    const std::string who = "user '" + username + "'";
    const std::string newKey = " Create a key for " + who + " (TrueNAS: user menu > My API Keys > Add) and put it in the "
                               "truenas setting api_key_file.";
    if (type == "SUCCESS") return {true, HA_OK, ""};
    if (type == "AUTH_ERR") {
        return {false, HA_ERR_DENIED,
                "TrueNAS rejected the API key for " + who + " (AUTH_ERR: the key is wrong or was revoked, or there is no such "
                "user)." + newKey};
    }
    if (type == "EXPIRED") {
        return {false, HA_ERR_DENIED,
                "the TrueNAS API key for " + who + " has expired or was revoked (EXPIRED; TrueNAS revokes a key that was sent "
                "over plain ws:// or http://)." + newKey};
    }
    if (type == "DENIED") {
        return {false, HA_ERR_DENIED,
                "TrueNAS accepted the key but " + who + " may not use the API (DENIED): give the user's group the Read-Only "
                "Administrator privilege (Credentials > Groups > Privileges)."};
    }
    if (type == "OTP_REQUIRED") {
        return {false, HA_ERR_DENIED, "TrueNAS asks " + who + " for a one-time password (OTP_REQUIRED); API keys skip "
                                                                "two-factor authentication, so this is not an API key login."};
    }
    if (type == "REDIRECT") {
        return {false, HA_ERR_UNAVAILABLE, "this TrueNAS controller is the standby node (REDIRECT): point the truenas "
                                           "setting url at the active controller."};
    }
    return {false, HA_ERR_UNAVAILABLE, "TrueNAS answered the login with an unknown response_type '" + type + "'"};
}

}  // namespace ha_plugins::truenas
