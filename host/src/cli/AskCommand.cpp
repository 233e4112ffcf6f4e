#include "cli/AskCommand.h"

#include "cli/AnswerPrinter.h"
#include "cli/CliError.h"
#include "cli/EventStreamReader.h"
#include "cli/HttpFailure.h"
#include "cli/LineReader.h"
#include "util/Json.h"
#include "util/Text.h"

#include <ostream>

namespace ha::cli {

namespace {
constexpr int kMaxPromptTurns = 1000;
constexpr size_t kMaxQuestionBytes = 64 * 1024;  // the server's own limit (chat.max_message_chars) is lower
}

std::string AskCommand::turn(const std::string& question, const std::string& conversation) {
    auto body = json::object();
    body->set("message", question);
    if (!conversation.empty()) body->set("conversation_id", conversation);
    body->set("stream", true);
    AnswerPrinter printer(out_, err_, verbose_);
    EventStreamReader events([&printer](const std::string& event, const std::string& data) { printer.onEvent(event, data); });
    const ApiResponse response = client_.send(
        "POST", "/chat", json::stringify(body),
        {{"X-API-Key", client_.settings().apiKey}, {"Content-Type", "application/json"}, {"Accept", "text/event-stream"}},
        [&events](std::string_view piece) { events.feed(piece); });
    if (response.status != 200) throw HttpFailure::from(response);
    if (!response.streamed) throw CliError(ExitCode::ServerError, "the server did not stream the answer");
    events.finish();
    printer.finish();
    return printer.conversationId();
}

ExitCode AskCommand::ask(const std::string& question, const std::string& conversation) {
    const std::string id = turn(question, conversation);
    err_ << "conversation: " << id << "\n";
    return ExitCode::Answered;
}

ExitCode AskCommand::promptLoop(std::string conversation, int inputFd) {
    LineReader input(inputFd, kMaxQuestionBytes);
    err_ << "Ask about " << client_.baseUrl() << " (an empty line or Ctrl-D ends).\n";
    for (int i = 0; i < kMaxPromptTurns; ++i) {
        err_ << "> " << std::flush;
        const auto line = input.next();
        if (!line || text::trim(line->text).empty()) {
            err_ << "\n";
            return ExitCode::Answered;
        }
        if (line->tooLong) {
            err_ << "homelab-assistant: that question is over 64 KiB; ask a shorter one\n";
            continue;
        }
        try {
            conversation = turn(text::trim(line->text), conversation);
        } catch (const CliError& e) {
            err_ << "homelab-assistant: " << e.what() << "\n";
            // Without a server or the key, the next question fares no better.
            if (e.code() == ExitCode::Unreachable || e.code() == ExitCode::AuthRefused) return e.code();
        }
    }
    err_ << "homelab-assistant: " << kMaxPromptTurns << " questions in one session; start another\n";
    return ExitCode::Answered;
}

}  // namespace ha::cli
