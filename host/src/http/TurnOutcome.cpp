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

void TurnOutcome::fillAudit(json::Object& record, const ChatTurnRequest& turn, const ChatTurnResult& result,
                            int status, double durationMs, bool streamed, bool cancelled) {
    auto calls = json::array();
    auto names = json::array();
    for (const auto& call : result.toolCalls) {
        calls->add(call.toJson());
        names->add(call.capability.empty() ? call.name : call.capability);
    }
    record.set("conversation_id", turn.conversationId);
    record.set("user_message", turn.message);
    record.set("assistant_response", result.answer);
    record.set("tool_calls", names);  // the original service's field: capability names
    record.set("tool_call_details", calls);
    record.set("provider", result.provider);
    if (!result.model.empty()) record.set("model", result.model);
    record.set("rounds", result.rounds);
    record.set("refused", result.refusal.has_value());
    if (result.refusal) {
        record.set("refusal_reason", result.refusal->reason);
        record.set("refusal_category", result.refusal->category);
    }
    if (result.fallbackFrom) {
        record.set("degraded", true);
        record.set("provider_error", errorMessage(*result.fallbackFrom));
    }
    record.set("status", status);
    if (cancelled) {
        record.set("cancelled", true);
        record.set("error", "the client went away before the answer was complete");
    } else if (result.error) {
        record.set("error", errorMessage(*result.error));
    }
    if (streamed) record.set("streamed", true);
    record.set("duration_ms", std::round(durationMs * 1000.0) / 1000.0);
}

}  // namespace ha::http
