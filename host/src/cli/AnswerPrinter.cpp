#include "cli/AnswerPrinter.h"

#include "cli/CliError.h"
#include "cli/HttpFailure.h"
#include "util/Json.h"

#include <ostream>

namespace ha::cli {

void AnswerPrinter::write(const std::string& text) {
    if (text.empty()) return;
    out_ << text << std::flush;
    atLineStart_ = text.back() == '\n';
}

void AnswerPrinter::endLine() {
    if (!atLineStart_) out_ << '\n' << std::flush;
    atLineStart_ = true;
}

void AnswerPrinter::onEvent(const std::string& event, const std::string& data) {
    json::Object::Ptr o;
    try {
        o = json::parseObject(data);
    } catch (const json::JsonError& e) {
        throw CliError(ExitCode::ServerError, "the server sent a broken '" + event + "' event: " + e.what());
    }
    if (event == "start") {
        conversationId_ = json::getString(o, "conversation_id").value_or("");
    } else if (event == "text_delta") {
        write(json::getString(o, "text").value_or(""));
        streamedText_ = true;
    } else if (event == "tool_call_finished" && verbose_) {
        err_ << "[" << json::getString(o, "capability").value_or("?") << ": "
             << json::getString(o, "decision").value_or("") << ", " << json::getString(o, "status").value_or("") << "]\n";
    } else if (event == "degraded") {
        // The model failed; the offline provider answers from here, so a partial text ends.
        endLine();
        streamedText_ = false;
        err_ << "note: " << json::getString(o, "notice").value_or("the model failed; answering offline") << "\n";
    } else if (event == "answer") {
        if (auto id = json::getString(o, "conversation_id")) conversationId_ = *id;
        if (!streamedText_) write(json::getString(o, "message").value_or(""));
        endLine();
        answered_ = true;
    } else if (event == "error") {
        endLine();
        const int status = static_cast<int>(json::getInt(o, "status").value_or(500));
        throw HttpFailure::from(status, json::getString(o, "error").value_or("the turn failed"));
    }
}

void AnswerPrinter::finish() {
    endLine();
    if (!answered_) throw CliError(ExitCode::ServerError, "the answer stream ended before the answer");
}

}  // namespace ha::cli
