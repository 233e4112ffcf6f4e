// The embedded provider used when no language model is configured (or as the fallback when the
// model fails). It knows no plugin's data: it asks every plugin's answers interface which
// capabilities answer the question, requests them as tool calls (so they pass the same policy,
// schema and audit gate as a model's calls), and once the results are back lets each plugin
// word its own result. "Is everything running correctly?" runs every plugin's checks and gives
// the verdict first. Questions nothing here can answer are said to be so, never answered with
// something else. Deterministic: the same results always give the same text. A caller that
// streams gets the text answer in word groups through CallContext::onText, like a model's.
#pragma once

#include "answers/AnswerCatalog.h"
#include "answers/HealthCheck.h"
#include "answers/QuestionRouter.h"
#include "chat/Provider.h"
#include "tools/ToolCatalog.h"

#include <string>
#include <vector>

namespace ha {

class OfflineProvider : public Provider {
public:
    OfflineProvider(const AnswerCatalog& answers, const ToolCatalog& tools);

    std::string name() const override { return "offline"; }
    ProviderReply chat(const ChatRequest& request) override;
    bool readsToolContent() const override { return false; }  // it reads Message::execution

    // Tool call ids tell the second round what the first one asked for.
    static constexpr const char* kHealthCallPrefix = "health_";
    static constexpr const char* kMatchCallPrefix = "match_";
    // A streamed answer goes out in groups of this many words.
    static constexpr size_t kWordsPerChunk = 4;

    // The text cut into groups of wordsPerChunk words, each with the whitespace after it.
    static std::vector<std::string> chunks(const std::string& text, size_t wordsPerChunk);

private:
    ProviderReply plan(const ChatRequest& request) const;
    ProviderReply compose(const ChatRequest& request) const;
    ProviderReply healthCalls() const;
    std::string healthAnswer(const std::vector<Message>& messages, const CallContext& context) const;
    ProviderReply matchAnswer(const ChatRequest& request, const QuestionText& question) const;
    std::string genericSummary(const ToolExecution& execution) const;
    // What an answer was about, for the conversation's next question.
    static Subject subjectOf(const ToolExecution& execution, const ToolCall& call, const Summary& summary);
    std::string whatICanAnswer() const;
    static ProviderReply text(std::string content);
    // Sends a text answer to the caller's onText in word groups, as a model would stream it.
    static void stream(const std::string& content, const CallContext& context);

    const AnswerCatalog& answers_;
    const ToolCatalog& tools_;
    QuestionRouter router_;
    HealthCheck health_;
};

}  // namespace ha
