#include "http/OpenAiChatHandler.h"

#include "http/OpenAiChunkStream.h"
#include "http/TurnOutcome.h"
#include "util/Deadline.h"
#include "util/Text.h"

#include <Poco/Logger.h>

namespace ha::http {

namespace {

// The code of a provider failure in OpenAI's error object.
std::string providerCode(int status) {
    return status == 504 ? "timeout" : status == 503 ? "provider_unavailable" : "provider_error";
}

}  // namespace

void OpenAiChatHandler::audit(const ChatTurnRequest& turn, const ChatTurnResult& result, int status,
                              double durationMs, bool streamed, bool cancelled, size_t historyTurns) {
    json::Writer record;
    TurnOutcome::writeAudit(startAuditRecord(record, "openai"), turn, result, status, durationMs, streamed, cancelled);
    record.key("history_turns").integer(static_cast<int64_t>(historyTurns));
    writeAudit(record.endObject().text(), "the answer");
}

json::Object::Ptr OpenAiChatHandler::completion(const std::string& id, std::time_t created,
                                                const ChatTurnResult& result) const {
    auto message = json::object();
    message->set("role", "assistant");
    message->set("content", result.answer);  // a refusal too: said as the assistant
    message->set("refusal", json::Var());
    auto choice = json::object();
    choice->set("index", 0);
    choice->set("message", message);
    choice->set("logprobs", json::Var());
    choice->set("finish_reason", "stop");
    auto choices = json::array();
    choices->add(choice);
    auto out = json::object();
    out->set("id", id);
    out->set("object", "chat.completion");
    out->set("created", static_cast<Poco::Int64>(created));
    out->set("model", OpenAiChatRequest::kModelId);
    out->set("choices", choices);
    return out;
}

void OpenAiChatHandler::streamTurn(HTTPServerResponse& response, ChatTurnRequest turn, std::time_t created,
                                   uint64_t start) {
    OpenAiChunkStream chunks(response, clientProbe(), ctx_.redactor, turn.conversationId, created);
    noteStatus(200);
    chunks.open();
    turn.observer = &chunks;
    ChatTurnResult result;
    try {
        result = ctx_.orchestrator.handle(turn);
    } catch (const std::exception& e) {
        // The headers are out: the error can only be a frame now.
        Poco::Logger::get("http").error("request " + requestId() + " failed: " + text::sanitizeForLog(e.what()));
        chunks.error(500, "internal error (request " + requestId() + ")", "internal_error");
        return;
    }
    const bool cancelled = chunks.clientGone();
    const int status = TurnOutcome::auditStatus(result, cancelled);
    try {
        audit(turn, result, status, elapsedMs(start), true, cancelled, turn.history ? turn.history->size() : 0);
    } catch (const HttpError& e) {
        chunks.error(e.status(), e.what(), "audit_unavailable");
        return;
    }
    if (cancelled) {
        noteStatus(TurnOutcome::kClientClosedRequest);
        return;
    }
    if (result.error) {
        chunks.error(status, TurnOutcome::errorMessage(*result.error), providerCode(status));
        return;
    }
    chunks.finish(result.answer);
}

void OpenAiChatHandler::handle(HTTPServerRequest& request, HTTPServerResponse& response) {
    requireMethod(request, "POST");
    authenticate(request, response);
    const uint64_t start = Deadline::nowNs();
    const std::time_t created = std::time(nullptr);
    OpenAiChatRequest::Limits limits;
    limits.maxMessageChars = static_cast<size_t>(ctx_.config.chat.maxMessageChars);
    limits.maxTurns = static_cast<size_t>(ctx_.config.chat.historyTurns);
    limits.maxHistoryBytes = static_cast<size_t>(ctx_.config.chat.historyMaxBytes);
    OpenAiChatRequest parsed = OpenAiChatRequest::parse(readJsonObject(request, false), limits);

    ChatTurnRequest turn;
    turn.message = std::move(parsed.question);
    turn.conversationId = "chatcmpl-" + requestId();
    turn.history = std::move(parsed.history);
    turn.context = callContext();
    if (parsed.stream) {
        streamTurn(response, std::move(turn), created, start);
        return;
    }
    const ChatTurnResult result = ctx_.orchestrator.handle(turn);
    const bool cancelled = clientProbe().gone();
    const int status = TurnOutcome::auditStatus(result, cancelled);
    audit(turn, result, status, elapsedMs(start), false, cancelled, turn.history->size());
    if (cancelled) {
        noteStatus(TurnOutcome::kClientClosedRequest);
        return;
    }
    if (result.error) {
        if (result.error->status == CallStatus::RateLimited) response.set("Retry-After", "30");
        sendError(response, status, TurnOutcome::errorMessage(*result.error), providerCode(status));
        return;
    }
    sendJson(response, 200, completion(turn.conversationId, created, result));
}

}  // namespace ha::http
