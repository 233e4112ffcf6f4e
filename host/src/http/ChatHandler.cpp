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

std::string providerErrorMessage(const ProviderFailure& f) {
    const std::string who = "the language model provider '" + f.provider + "'";
    switch (f.status) {
        case CallStatus::Denied: return who + " rejected the credentials: " + f.message;
        case CallStatus::RateLimited: return who + " is rate limiting requests: " + f.message;
        case CallStatus::Quota: return who + " reports an exhausted quota: " + f.message;
        case CallStatus::Timeout: return who + " did not answer in time";
        default: return who + " failed: " + f.message;
    }
}

json::Array::Ptr stringArray(const std::vector<std::string>& items) {
    auto a = json::array();
    for (const auto& s : items) a->add(s);
    return a;
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

ChatTurnRequest ChatHandler::readTurn(HTTPServerRequest& request) {
    const json::Object::Ptr body = readJsonObject(request, false);
    if (!body->has("message") || !body->get("message").isString()) {
        throw HttpError(400, "field 'message' is required and must be a string");
    }
    ChatTurnRequest turn;
    turn.message = body->get("message").extract<std::string>();
    if (text::trim(turn.message).empty()) throw HttpError(400, "field 'message' must not be empty");
    const size_t maxChars = static_cast<size_t>(ctx_.config.chat.maxMessageChars);
    if (text::utf8Length(turn.message) > maxChars) {
        throw HttpError(400, "field 'message' is longer than " + std::to_string(maxChars) + " characters");
    }
    if (body->has("conversation_id") && !body->get("conversation_id").isEmpty()) {
        const json::Var v = body->get("conversation_id");
        if (!v.isString() || !validConversationId(v.extract<std::string>())) {
            throw HttpError(400, "field 'conversation_id' must be a string of 1-128 characters from [A-Za-z0-9._:-]");
        }
        turn.conversationId = v.extract<std::string>();
    } else {
        turn.conversationId = Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
    }
    turn.context = callContext();
    return turn;
}

void ChatHandler::audit(const ChatTurnRequest& turn, const ChatTurnResult& result, int status, double durationMs) {
    auto calls = json::array();
    std::vector<std::string> names;
    for (const auto& call : result.toolCalls) {
        calls->add(call.toJson());
        names.push_back(call.capability.empty() ? call.name : call.capability);
    }
    auto record = auditRecord("chat");
    record->set("conversation_id", turn.conversationId);
    record->set("user_message", turn.message);
    record->set("assistant_response", result.answer);
    record->set("tool_calls", stringArray(names));  // the original service's field: capability names
    record->set("tool_call_details", calls);
    record->set("provider", result.provider);
    if (!result.model.empty()) record->set("model", result.model);
    record->set("rounds", result.rounds);
    record->set("refused", result.refusal.has_value());
    if (result.refusal) {
        record->set("refusal_reason", result.refusal->reason);
        record->set("refusal_category", result.refusal->category);
    }
    if (result.fallbackFrom) {
        record->set("degraded", true);
        record->set("provider_error", providerErrorMessage(*result.fallbackFrom));
    }
    record->set("status", status);
    if (result.error) record->set("error", providerErrorMessage(*result.error));
    record->set("duration_ms", std::round(durationMs * 1000.0) / 1000.0);
    writeAudit(record, "the answer");
}

void ChatHandler::answer(HTTPServerResponse& response, const ChatTurnRequest& turn, const ChatTurnResult& result) {
    if (result.error) {
        auto err = json::object();
        err->set("error", providerErrorMessage(*result.error));
        err->set("conversation_id", turn.conversationId);
        if (result.error->status == CallStatus::RateLimited) response.set("Retry-After", "30");
        sendJson(response, httpStatusForProvider(result.error->status), err);
        return;
    }
    auto out = json::object();
    out->set("message", result.answer);
    out->set("conversation_id", turn.conversationId);
    out->set("tool_calls_made", stringArray(result.toolsMade()));
    out->set("refused", result.refusal.has_value());
    out->set("provider", result.provider);
    if (result.degraded()) {
        out->set("degraded", true);
        out->set("notice", result.notice);
    }
    sendJson(response, 200, out);
}

void ChatHandler::handle(HTTPServerRequest& request, HTTPServerResponse& response) {
    authenticate(request, response);
    const uint64_t start = Deadline::nowNs();
    const ChatTurnRequest turn = readTurn(request);
    const ChatTurnResult result = ctx_.orchestrator.handle(turn);
    const int status = result.error ? httpStatusForProvider(result.error->status) : 200;
    audit(turn, result, status, elapsedMs(start));
    answer(response, turn, result);
}

}  // namespace ha::http
