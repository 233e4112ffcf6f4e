#include "http/TurnOutcome.h"

#include <cmath>

namespace ha::http {

int TurnOutcome::httpStatus(CallStatus s) {
    switch (s) {
        case CallStatus::Timeout: return 504;
        case CallStatus::RateLimited:
        case CallStatus::Quota: return 503;
        default: return 502;
    }
}

std::string TurnOutcome::errorMessage(const ProviderFailure& f) {
    const std::string who = "the language model provider '" + f.provider + "'";
    switch (f.status) {
        case CallStatus::Denied: return who + " rejected the credentials: " + f.message;
        case CallStatus::RateLimited: return who + " is rate limiting requests: " + f.message;
        case CallStatus::Quota: return who + " reports an exhausted quota: " + f.message;
        case CallStatus::Timeout: return who + " did not answer in time";
        default: return who + " failed: " + f.message;
    }
}

int TurnOutcome::auditStatus(const ChatTurnResult& result, bool cancelled) {
    if (cancelled) return kClientClosedRequest;
    return result.error ? httpStatus(result.error->status) : 200;
}

void TurnOutcome::writeAudit(json::Writer& record, const ChatTurnRequest& turn, const ChatTurnResult& result,
                             int status, double durationMs, bool streamed, bool cancelled) {
    record.member("conversation_id", turn.conversationId)
        .member("user_message", turn.message)
        .member("assistant_response", result.answer);
    record.key("tool_calls").startArray();  // the original service's field: capability names
    for (const auto& call : result.toolCalls) record.string(call.capability.empty() ? call.name : call.capability);
    record.endArray().key("tool_call_details").startArray();
    for (const auto& call : result.toolCalls) call.write(record);
    record.endArray().member("provider", result.provider);
    if (!result.model.empty()) record.member("model", result.model);
    record.key("rounds").integer(result.rounds).key("refused").boolean(result.refusal.has_value());
    if (result.refusal) record.member("refusal_reason", result.refusal->reason).member("refusal_category", result.refusal->category);
    if (result.fallbackFrom) record.key("degraded").boolean(true).member("provider_error", errorMessage(*result.fallbackFrom));
    record.key("status").integer(status);
    if (cancelled) {
        record.key("cancelled").boolean(true).member("error", "the client went away before the answer was complete");
    } else if (result.error) {
        record.member("error", errorMessage(*result.error));
    }
    if (streamed) record.key("streamed").boolean(true);
    record.key("duration_ms").number(std::round(durationMs * 1000.0) / 1000.0);
}

}  // namespace ha::http
