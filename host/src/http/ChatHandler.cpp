#include "http/ChatHandler.h"

#include "util/Deadline.h"
#include "util/Text.h"

#include <Poco/UUIDGenerator.h>

#include <cmath>

namespace ha::http {

namespace {

int httpStatusForProvider(CallStatus s) {
    switch (s) {
        case CallStatus::Timeout: return 504;
        case CallStatus::RateLimited:
        case CallStatus::Quota: return 503;
        default: return 502;
    }
}

std::string providerErrorMessage(const ChatTurnResult& r) {
    const std::string who = "the language model provider '" + r.provider + "'";
    switch (*r.error) {
        case CallStatus::Denied: return who + " rejected the credentials: " + r.errorMessage;
        case CallStatus::RateLimited: return who + " is rate limiting requests: " + r.errorMessage;
        case CallStatus::Quota: return who + " reports an exhausted quota: " + r.errorMessage;
        case CallStatus::Timeout: return who + " did not answer in time";
        default: return who + " failed: " + r.errorMessage;
    }
}

}  // namespace

bool ChatHandler::validConversationId(const std::string& id) {
    if (id.empty() || id.size() > 128) return false;
    for (char c : id) {
        const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == ':' || c == '-';
        if (!ok) return false;
    }
    return true;
}

void ChatHandler::handle(HTTPServerRequest& request, HTTPServerResponse& response) {
    authenticate(request, response);
    const uint64_t start = Deadline::nowNs();
    const json::Object::Ptr body = readJsonObject(request, false);

    if (!body->has("message") || !body->get("message").isString()) {
        throw HttpError(400, "field 'message' is required and must be a string");
    }
    const std::string message = body->get("message").extract<std::string>();
    if (text::trim(message).empty()) throw HttpError(400, "field 'message' must not be empty");
    const size_t maxChars = static_cast<size_t>(ctx_.config.chat.maxMessageChars);
    if (text::utf8Length(message) > maxChars) {
        throw HttpError(400, "field 'message' is longer than " + std::to_string(maxChars) + " characters");
    }
    std::string conversationId;
    if (body->has("conversation_id") && !body->get("conversation_id").isEmpty()) {
        const json::Var v = body->get("conversation_id");
        if (!v.isString() || !validConversationId(v.extract<std::string>())) {
            throw HttpError(400, "field 'conversation_id' must be a string of 1-128 characters from [A-Za-z0-9._:-]");
        }
        conversationId = v.extract<std::string>();
    } else {
        conversationId = Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
    }

    const ChatTurnResult result = ctx_.orchestrator.handle({message, conversationId});
    const int status = result.error ? httpStatusForProvider(*result.error) : 200;
    const std::string errorMessage = result.error ? providerErrorMessage(result) : "";

    auto calls = json::array();
    auto names = json::array();
    for (const auto& call : result.toolCalls) {
        calls->add(call.toJson());
        names->add(call.capability.empty() ? call.name : call.capability);
    }
    auto made = json::array();
    for (const auto& name : result.toolsMade()) made->add(name);

    auto record = auditRecord("chat");
    record->set("conversation_id", conversationId);
    record->set("user_message", message);
    record->set("assistant_response", result.answer);
    record->set("tool_calls", names);  // the original service's field: capability names
    record->set("tool_call_details", calls);
    record->set("provider", result.provider);
    if (!result.model.empty()) record->set("model", result.model);
    record->set("rounds", result.rounds);
    record->set("refused", result.refusal.has_value());
    if (result.refusal) {
        record->set("refusal_reason", result.refusal->reason);
        record->set("refusal_category", result.refusal->category);
    }
    record->set("status", status);
    if (result.error) record->set("error", errorMessage);
    record->set("duration_ms", std::round(elapsedMs(start) * 1000.0) / 1000.0);
    writeAudit(record, "the answer");

    if (result.error) {
        auto err = json::object();
        err->set("error", errorMessage);
        err->set("conversation_id", conversationId);
        if (*result.error == CallStatus::RateLimited) response.set("Retry-After", "30");
        sendJson(response, status, err);
        return;
    }
    auto out = json::object();
    out->set("message", result.answer);
    out->set("conversation_id", conversationId);
    out->set("tool_calls_made", made);
    out->set("refused", result.refusal.has_value());
    out->set("provider", result.provider);
    sendJson(response, 200, out);
}

}  // namespace ha::http
