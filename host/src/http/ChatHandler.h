// POST /chat {message, conversation_id?} -> {message, conversation_id, tool_calls_made, ...}.
// The audit line is written before the answer leaves; if it cannot be written, the client
// gets a 500 instead of an unaudited answer.
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
    ChatTurnRequest readTurn(HTTPServerRequest& request);
    void audit(const ChatTurnRequest& turn, const ChatTurnResult& result, int status, double durationMs);
    void answer(HTTPServerResponse& response, const ChatTurnRequest& turn, const ChatTurnResult& result);
};

}  // namespace ha::http
