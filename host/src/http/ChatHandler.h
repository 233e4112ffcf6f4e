// POST /chat {message, conversation_id?, stream?} -> {message, conversation_id, tool_calls_made,
// ...}; with Accept: text/event-stream (or "stream": true) the answer is streamed as events
// (ChatEventStream). The audit line is written before the answer leaves; if it cannot be
// written, the client gets a 500 (or the 500 error event) instead of an unaudited answer.
#pragma once

#include "http/ApiHandler.h"

namespace ha::http {

class ChatHandler : public ApiHandler {
public:
    using ApiHandler::ApiHandler;

    // Conversation ids chosen by clients: [A-Za-z0-9._:-]{1,128}.
    static bool validConversationId(const std::string& id);

protected:
    void handle(HTTPServerRequest& request, HTTPServerResponse& response) override;

private:
    // Sets `stream` from the body's "stream" field, else from the Accept header.
    ChatTurnRequest readTurn(HTTPServerRequest& request, bool& stream);
    void audit(const ChatTurnRequest& turn, const ChatTurnResult& result, int status, double durationMs,
               bool streamed = false, bool cancelled = false);
    // The answer's JSON text, as /chat returns it and the stream's last event carries it.
    static std::string answerText(const ChatTurnRequest& turn, const ChatTurnResult& result);
    void answer(HTTPServerResponse& response, const ChatTurnRequest& turn, const ChatTurnResult& result);
    void streamTurn(HTTPServerResponse& response, ChatTurnRequest turn, uint64_t start);
};

}  // namespace ha::http
