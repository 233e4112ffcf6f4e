// An OpenAI Chat Completions request (POST /v1/chat/completions) read into one chat turn: the
// question is the trailing user message(s), the earlier user/assistant messages are the
// conversation (the client keeps it; nothing is stored). System and developer messages are
// ignored: the server's own system prompt holds the read-only rules, and a client's cannot
// loosen them. Client-side tools, tool messages, non-text content and n > 1 are 400s; a model
// other than kModelId is a 404 model_not_found. Pure: no I/O, so it is unit-tested directly.
#pragma once

#include "chat/ConversationStore.h"
#include "util/Json.h"

#include <cstddef>
#include <string>
#include <vector>

namespace ha::http {

struct OpenAiChatRequest {
    static constexpr const char* kModelId = "homelab-assistant";

    struct Limits {
        size_t maxMessageChars = 4000;  // per message, as for POST /chat
        size_t maxTurns = 10;           // earlier turns kept (the oldest are dropped)
        size_t maxHistoryBytes = 32 * 1024;
    };

    std::string question;
    std::vector<Turn> history;
    bool stream = false;

    // Throws HttpError (400, or 404 for an unknown model) naming the field at fault.
    static OpenAiChatRequest parse(const json::Object::Ptr& body, const Limits& limits);
};

}  // namespace ha::http
