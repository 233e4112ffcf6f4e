// Prints one streamed /chat turn as it arrives: the text deltas to stdout at once, the answer's
// message when nothing was streamed (a refusal), the fallback notice and (verbose) the
// capability calls to stderr. Ends with the answer event, or with the error event as a CliError.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

namespace ha::cli {

class AnswerPrinter {
public:
    AnswerPrinter(std::ostream& out, std::ostream& err, bool verbose) : out_(out), err_(err), verbose_(verbose) {}

    // One event of the stream. Throws CliError for an error event or broken event data.
    void onEvent(const std::string& event, const std::string& data);
    // After the stream ended. Throws CliError(ServerError) when it ended without an answer.
    void finish();

    const std::string& conversationId() const { return conversationId_; }

private:
    void write(const std::string& text);
    void endLine();

    std::ostream& out_;
    std::ostream& err_;
    bool verbose_;
    std::string conversationId_;
    bool streamedText_ = false;  // text of the current attempt went out
    bool atLineStart_ = true;
    bool answered_ = false;
};

}  // namespace ha::cli
