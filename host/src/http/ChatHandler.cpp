#include "http/ChatHandler.h"

#include "http/ChatEventStream.h"
#include "http/TurnOutcome.h"

#include "util/Deadline.h"
#include "util/RandomUuid.h"
#include "util/Text.h"

#include <Poco/Logger.h>


namespace ha::http {

namespace {

bool acceptsEventStream(const HTTPServerRequest& request) {
    return text::toLower(request.get("Accept", "")).find("text/event-stream") != std::string::npos;
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

ChatTurnRequest ChatHandler::readTurn(HTTPServerRequest& request, bool& stream) {
    const json::Object::Ptr body = readJsonObject(request, false);
    stream = acceptsEventStream(request);
    if (body->has("stream") && !body->get("stream").isEmpty()) {
        const json::Var v = body->get("stream");
        if (!v.isBoolean()) throw HttpError(400, "field 'stream' must be true or false");
        stream = v.extract<bool>();
    }
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
        turn.conversationId = randomUuid();
    }
    turn.context = callContext();
    return turn;
}

void ChatHandler::audit(const ChatTurnRequest& turn, const ChatTurnResult& result, int status, double durationMs,
                        bool streamed, bool cancelled) {
    json::Writer record;
    TurnOutcome::writeAudit(startAuditRecord(record, "chat"), turn, result, status, durationMs, streamed, cancelled);
    writeAudit(record.endObject().text(), "the answer");
}

void ChatHandler::answer(HTTPServerResponse& response, const ChatTurnRequest& turn, const ChatTurnResult& result) {
    if (result.error) {
        auto err = json::object();
        err->set("error", TurnOutcome::errorMessage(*result.error));
        err->set("conversation_id", turn.conversationId);
        if (result.error->status == CallStatus::RateLimited) response.set("Retry-After", "30");
        sendJson(response, TurnOutcome::httpStatus(result.error->status), err);
        return;
    }
    sendJsonText(response, 200, answerText(turn, result));
}

std::string ChatHandler::answerText(const ChatTurnRequest& turn, const ChatTurnResult& result) {
    json::Writer out;
    out.startObject().member("message", result.answer).member("conversation_id", turn.conversationId);
    out.key("tool_calls_made").startArray();
    for (const std::string& capability : result.toolsMade()) out.string(capability);
    out.endArray().key("refused").boolean(result.refusal.has_value()).member("provider", result.provider);
    if (result.degraded()) out.key("degraded").boolean(true).member("notice", result.notice);
    return out.endObject().text();
}

void ChatHandler::streamTurn(HTTPServerResponse& response, ChatTurnRequest turn, uint64_t start) {
    ChatEventStream events(response, clientProbe(), ctx_.redactor);
    noteStatus(200);
    events.open(turn.conversationId, requestId());
    turn.observer = &events;
    ChatTurnResult result;
    try {
        result = ctx_.orchestrator.handle(turn);
    } catch (const std::exception& e) {
        // The headers are out: the error can only be an event now.
        Poco::Logger::get("http").error("request " + requestId() + " failed: " + text::sanitizeForLog(e.what()));
        events.error(500, "internal error (request " + requestId() + ")", turn.conversationId);
        return;
    }
    const bool cancelled = events.clientGone();
    const int status = TurnOutcome::auditStatus(result, cancelled);
    try {
        audit(turn, result, status, elapsedMs(start), true, cancelled);
    } catch (const HttpError& e) {
        events.error(e.status(), e.what(), turn.conversationId);
        return;
    }
    if (cancelled) {
        noteStatus(TurnOutcome::kClientClosedRequest);
        return;
    }
    if (result.error) {
        events.error(status, TurnOutcome::errorMessage(*result.error), turn.conversationId);
        return;
    }
    if (result.refusal) events.refusal(*result.refusal, result.answer);
    events.answer(answerText(turn, result));
}

void ChatHandler::handle(HTTPServerRequest& request, HTTPServerResponse& response) {
    authenticate(request, response);
    const uint64_t start = Deadline::nowNs();
    bool stream = false;
    ChatTurnRequest turn = readTurn(request, stream);
    if (stream) {
        streamTurn(response, std::move(turn), start);
        return;
    }
    const ChatTurnResult result = ctx_.orchestrator.handle(turn);
    // A client that hung up is audited as such; it is sent nothing.
    const bool cancelled = clientProbe().gone();
    const int status = TurnOutcome::auditStatus(result, cancelled);
    audit(turn, result, status, elapsedMs(start), false, cancelled);
    if (cancelled) {
        noteStatus(TurnOutcome::kClientClosedRequest);
        return;
    }
    answer(response, turn, result);
}

}  // namespace ha::http
