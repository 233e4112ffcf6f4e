// One /chat turn: refusal guard -> provider loop with policy-checked tool calls (at most N
// rounds, at most M calls) -> answer, with every tool call recorded for the audit log. When the
// model fails and a fallback is configured, the turn is answered by the offline provider with a
// one-line notice of what failed.
#pragma once

#include "chat/ConversationStore.h"
#include "chat/Provider.h"
#include "chat/RequestGuard.h"
#include "chat/TurnObserver.h"
#include "metrics/Metrics.h"
#include "tools/ToolExecutor.h"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace ha {

struct ChatTurnRequest {
    ChatTurnRequest() = default;
    ChatTurnRequest(std::string text, std::string conversation, CallContext callContext = {})
        : message(std::move(text)), conversationId(std::move(conversation)), context(std::move(callContext)) {}

    std::string message;
    std::string conversationId;
    CallContext context;
    // Sees the turn as it happens (a streamed answer); null when nobody watches. Outlives handle().
    TurnObserver* observer = nullptr;
    // The earlier turns as the client keeps them (an OpenAI-compatible request carries the whole
    // conversation): used instead of the stored history of conversationId, and the turn is not
    // stored.
    std::optional<std::vector<Turn>> history;
};

// A provider failure, as the client and the audit log see it.
struct ProviderFailure {
    CallStatus status = CallStatus::Internal;
    std::string provider;
    std::string message;
};

struct ChatTurnResult {
    std::string answer;
    std::vector<ToolCallRecord> toolCalls;
    std::optional<Refusal> refusal;
    std::string provider;  // the provider that answered
    std::string model;
    int rounds = 0;
    std::optional<Subject> subject;
    // The turn failed: no answer (status and message for the client).
    std::optional<ProviderFailure> error;
    // The model failed but the fallback answered: what failed, and the notice shown.
    std::optional<ProviderFailure> fallbackFrom;
    std::string notice;

    bool degraded() const { return fallbackFrom.has_value(); }
    // Capabilities that ran (policy-allowed), in order: the seed's "tool_calls_made".
    std::vector<std::string> toolsMade() const;
};

class Orchestrator {
public:
    struct Options {
        int maxToolRounds = 5;
        // Tool calls executed per turn; further calls the model asks for are refused with a
        // reason (and audited), never dropped.
        int maxToolCallsPerTurn = 16;
        std::chrono::milliseconds turnTimeout{60000};
        std::chrono::milliseconds fallbackTimeout{15000};
        size_t toolResultMaxBytes = 16 * 1024;
    };

    // fallback may be null (llm.fallback: error), or the provider that answers when `provider`
    // fails (llm.fallback: offline); it must not be `provider` itself.
    // metrics, when given, counts refusals and every model round.
    Orchestrator(const ToolExecutor& executor, Provider& provider, Provider* fallback, const RequestGuard& guard,
                 ConversationStore& conversations, Options options, metrics::Metrics* metrics = nullptr);

    ChatTurnResult handle(const ChatTurnRequest& request);

    // The system prompt: the third refusal layer and the rules for reading tool output.
    static std::string systemPrompt();

    // Tool result as sent back to the model: {"ok":true,"result":...} or {"ok":false,"error":...},
    // cut to maxBytes (then {"ok":true,"truncated":true,"partial":"..."}).
    static std::string toolMessageContent(const ToolExecution& ex, size_t maxBytes);

    Provider& provider() { return provider_; }

private:
    // The provider loop for one question; result.error is set when the provider failed.
    ChatTurnResult converse(Provider& provider, const ChatTurnRequest& request, Deadline deadline) const;
    // What one model round's provider call gets: the request's context, plus the observer as
    // the receiver of streamed text.
    static CallContext roundContext(const ChatTurnRequest& request, int round);
    std::vector<Message> initialMessages(const ChatTurnRequest& request) const;
    // Runs or refuses every tool call of one reply and appends the tool messages (with the text a
    // model reads when `withContent`).
    void runToolCalls(std::string content, std::vector<ToolCall> calls, bool lastRound, bool withContent,
                      const ChatTurnRequest& request, Deadline deadline, std::vector<Message>& messages,
                      ChatTurnResult& result) const;
    ChatTurnResult answerWithFallback(const ChatTurnRequest& request, ChatTurnResult failed) const;
    void remember(const ChatTurnRequest& request, const ChatTurnResult& result);
    std::vector<Turn> historyOf(const ChatTurnRequest& request) const;

    const ToolExecutor& executor_;
    Provider& provider_;
    Provider* fallback_;
    const RequestGuard& guard_;
    // One model round, counted and timed; throws ProviderError as provider.chat does.
    ProviderReply ask(Provider& provider, const ChatRequest& request) const;

    ConversationStore& conversations_;
    Options options_;
    metrics::Metrics* metrics_;
};

}  // namespace ha
