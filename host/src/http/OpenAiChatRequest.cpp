#include "http/OpenAiChatRequest.h"

#include "http/HttpError.h"
#include "util/Text.h"

namespace ha::http {

namespace {

[[noreturn]] void invalid(const std::string& message) { throw HttpError(400, message, {}, "invalid_request"); }

// A message's text: a string, or an array of {"type":"text","text":...} parts (joined).
std::string contentOf(const json::Object::Ptr& message, const std::string& where, bool nullAllowed) {
    const json::Var content = message->get("content");
    if (content.isEmpty()) {
        if (nullAllowed) return "";
        invalid(where + ".content is required");
    }
    if (content.isString()) return content.extract<std::string>();
    const json::Array::Ptr parts = json::asArray(content);
    if (!parts) invalid(where + ".content must be a string or an array of text parts");
    std::string text;
    for (size_t i = 0; i < parts->size(); ++i) {
        const json::Object::Ptr part = json::asObject(parts->get(static_cast<unsigned>(i)));
        const std::string at = where + ".content[" + std::to_string(i) + "]";
        if (!part) invalid(at + " must be an object");
        const auto type = json::getString(part, "type");
        if (type != "text") {
            invalid(at + " has type '" + type.value_or("") + "': only text content is supported");
        }
        const auto partText = json::getString(part, "text");
        if (!partText) invalid(at + ".text must be a string");
        if (!text.empty()) text += "\n";
        text += *partText;
    }
    return text;
}

void appendParagraph(std::string& to, const std::string& text) {
    if (text.empty()) return;
    if (!to.empty()) to += "\n\n";
    to += text;
}

}  // namespace

OpenAiChatRequest OpenAiChatRequest::parse(const json::Object::Ptr& body, const Limits& limits) {
    OpenAiChatRequest out;
    if (body->has("model") && !body->get("model").isEmpty()) {
        const auto model = json::getString(body, "model");
        if (!model) invalid("'model' must be a string");
        if (*model != kModelId) {
            throw HttpError(404, "The model '" + text::truncateUtf8(*model, 100) + "' does not exist: this server offers '" +
                                     kModelId + "' (GET /v1/models)",
                            {}, "model_not_found");
        }
    }
    if (body->has("stream") && !body->get("stream").isEmpty()) {
        const auto stream = json::getBool(body, "stream");
        if (!stream) invalid("'stream' must be true or false");
        out.stream = *stream;
    }
    if (body->has("n") && !body->get("n").isEmpty() && json::getInt(body, "n") != 1) {
        invalid("'n' must be 1: one answer per request");
    }
    if (body->has("temperature") && !body->get("temperature").isEmpty()) {
        // Accepted for compatibility and ignored: the provider's own setting applies.
        const auto t = json::getNumber(body, "temperature");
        if (!t || *t < 0 || *t > 2) invalid("'temperature' must be a number from 0 to 2");
    }
    for (const char* field : {"tools", "functions"}) {
        const json::Array::Ptr list = json::getArray(body, field);
        if ((list && list->size() > 0) || (!list && body->has(field) && !body->get(field).isEmpty())) {
            invalid(std::string("'") + field +
                    "' is not supported: the assistant's read-only tools run on the server");
        }
    }

    if (!body->has("messages") || body->get("messages").isEmpty()) invalid("'messages' is required");
    const json::Array::Ptr messages = json::getArray(body, "messages");
    if (!messages) invalid("'messages' must be an array of messages");
    if (messages->size() == 0) invalid("'messages' must not be empty");

    std::vector<Turn> turns;
    std::string pendingUser;     // user text not answered yet
    bool lastWasUser = false;
    for (size_t i = 0; i < messages->size(); ++i) {
        const std::string where = "messages[" + std::to_string(i) + "]";
        const json::Object::Ptr message = json::asObject(messages->get(static_cast<unsigned>(i)));
        if (!message) invalid(where + " must be an object");
        const auto role = json::getString(message, "role");
        if (!role) invalid(where + ".role is required and must be a string");
        if (*role == "tool" || *role == "function") {
            invalid(where + " has role '" + *role + "': tool results are not accepted, the tools run on the server");
        }
        if (*role != "system" && *role != "developer" && *role != "user" && *role != "assistant") {
            invalid(where + ".role '" + text::truncateUtf8(*role, 40) +
                    "' is not one of system, developer, user, assistant");
        }
        if (*role == "assistant" && message->has("tool_calls") && !message->get("tool_calls").isEmpty()) {
            const json::Array::Ptr calls = json::getArray(message, "tool_calls");
            if (!calls || calls->size() > 0) invalid(where + ".tool_calls is not supported: the tools run on the server");
        }
        const std::string content = contentOf(message, where, *role == "assistant");
        if (!text::isValidUtf8(content)) invalid(where + ".content is not valid UTF-8");
        if (text::utf8Length(content) > limits.maxMessageChars) {
            invalid(where + ".content is longer than " + std::to_string(limits.maxMessageChars) + " characters");
        }
        if (*role == "system" || *role == "developer") continue;
        if (*role == "user") {
            appendParagraph(pendingUser, content);
            lastWasUser = true;
            continue;
        }
        // An assistant message answers the user text before it (or adds to the previous answer).
        if (pendingUser.empty() && !turns.empty()) {
            appendParagraph(turns.back().assistant, content);
        } else {
            turns.emplace_back(pendingUser, content);
        }
        pendingUser.clear();
        lastWasUser = false;
    }
    if (!lastWasUser) invalid("the last message must have role 'user': it is the question");
    out.question = pendingUser;
    if (text::trim(out.question).empty()) invalid("the last user message must not be empty");
    if (text::utf8Length(out.question) > limits.maxMessageChars) {
        invalid("the question (the last user messages) is longer than " + std::to_string(limits.maxMessageChars) +
                " characters");
    }
    // The most recent turns within the limits, as the conversation store keeps them.
    size_t bytes = 0;
    size_t keep = 0;
    for (auto it = turns.rbegin(); it != turns.rend() && keep < limits.maxTurns; ++it) {
        if (bytes + it->bytes() > limits.maxHistoryBytes) break;
        bytes += it->bytes();
        ++keep;
    }
    out.history.assign(turns.end() - static_cast<std::ptrdiff_t>(keep), turns.end());
    return out;
}

}  // namespace ha::http
