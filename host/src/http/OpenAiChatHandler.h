// POST /v1/chat/completions: an OpenAI Chat Completions request answered by the Orchestrator
// exactly as /chat answers (refusal guard, policy-checked read-only tools run on the server, the
// same rate limit), the conversation taken from the request's messages (OpenAiChatRequest).
// Answers a `chat.completion`, or with "stream": true `chat.completion.chunk` frames ending in
// `data: [DONE]` (OpenAiChunkStream). A refusal is an ordinary assistant message. Every request
// is an audit line of type "openai", written before the answer leaves.
#pragma once

#include "http/OpenAiApiHandler.h"
#include "http/OpenAiChatRequest.h"

#include <ctime>

namespace ha::http {

class OpenAiChatHandler : public OpenAiApiHandler {
public:
    using OpenAiApiHandler::OpenAiApiHandler;

protected:
    void handle(HTTPServerRequest& request, HTTPServerResponse& response) override;

private:
    void audit(const ChatTurnRequest& turn, const ChatTurnResult& result, int status, double durationMs,
               bool streamed, bool cancelled, size_t historyTurns);
    json::Object::Ptr completion(const std::string& id, std::time_t created, const ChatTurnResult& result) const;
    void streamTurn(HTTPServerResponse& response, ChatTurnRequest turn, std::time_t created, uint64_t start);
};

}  // namespace ha::http
