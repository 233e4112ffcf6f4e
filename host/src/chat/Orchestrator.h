// One /chat turn: refusal guard -> provider loop with policy-checked tool calls (at most N
// rounds) -> answer, with every tool call recorded for the audit log.
#pragma once

#include "chat/ConversationStore.h"
#include "chat/Provider.h"
#include "chat/RequestGuard.h"
#include "tools/ToolExecutor.h"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace ha {

struct ChatTurnRequest {
    std::string message;
    std::string conversationId;
};

struct ChatTurnResult {
    std::string answer;
    std::vector<ToolCallRecord> toolCalls;
    std::optional<Refusal> refusal;
    std::string provider;
    std::string model;
    int rounds = 0;
    // Set when the provider failed; the answer is then empty.
    std::optional<CallStatus> error;
    std::string errorMessage;

    // Capabilities that ran (policy-allowed), in order: the seed's "tool_calls_made".
    std::vector<std::string> toolsMade() const;
};

class Orchestrator {
public:
    struct Options {
        int maxToolRounds = 5;
        int maxToolCallsPerRound = 8;
        std::chrono::milliseconds turnTimeout{60000};
        size_t toolResultMaxBytes = 16 * 1024;
    };

    Orchestrator(const ToolExecutor& executor, Provider& provider, const RequestGuard& guard,
                 ConversationStore& conversations, Options options);

    ChatTurnResult handle(const ChatTurnRequest& request);

    // The system prompt: the third refusal layer and the rules for reading tool output.
    static std::string systemPrompt();

    // Tool result as sent back to the model: {"ok":true,"result":...} or {"ok":false,"error":...},
    // cut to maxBytes (then {"ok":true,"truncated":true,"partial":"..."}).
    static std::string toolMessageContent(const ToolExecution& ex, size_t maxBytes);

    Provider& provider() { return provider_; }

private:
    json::Array::Ptr initialMessages(const ChatTurnRequest& request);

    const ToolExecutor& executor_;
    Provider& provider_;
    const RequestGuard& guard_;
    ConversationStore& conversations_;
    Options options_;
};

}  // namespace ha
