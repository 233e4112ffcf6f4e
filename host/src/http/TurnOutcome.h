// What a finished chat turn means for the routes that answer one (/chat, /v1/chat/completions):
// the HTTP status and message of a provider failure, and the turn's audit record.
#pragma once

#include "chat/Orchestrator.h"
#include "util/Json.h"

#include <string>

namespace ha::http {

class TurnOutcome {
public:
    // nginx's code for "the client closed the connection before the answer": audit and access log.
    static constexpr int kClientClosedRequest = 499;

    // 504 for a timeout, 503 for rate limits and quota, else 502.
    static int httpStatus(CallStatus status);
    static std::string errorMessage(const ProviderFailure& failure);
    // The status the turn is audited with: 499 when the client went away, the provider's when
    // it failed, else 200.
    static int auditStatus(const ChatTurnResult& result, bool cancelled);

    // Writes the turn's members into an open audit record (ApiHandler::startAuditRecord): the
    // question, the answer, every tool call, provider, refusal, degradation, status and duration.
    static void writeAudit(json::Writer& record, const ChatTurnRequest& turn, const ChatTurnResult& result, int status,
                           double durationMs, bool streamed, bool cancelled);
};

}  // namespace ha::http
