// The streamed answer of one POST /v1/chat/completions with "stream": true, as OpenAI sends it:
// `data: {chat.completion.chunk}` frames (the first carries the role, then content deltas, the
// last finish_reason "stop"), then `data: [DONE]`. The chunk format has no place for the
// server's tool calls, so they are not shown (they are audited); the text of every model round
// is streamed, rounds apart by a blank line, and the fallback's notice when the model failed.
// What the final answer has beyond the streamed text (a refusal, the held-back tail) goes out
// before finish_reason. An error after the headers is a `data: {"error": {...}}` frame (what
// OpenAI's clients raise). Text is held to whole words and masked, as in ChatEventStream.
#pragma once

#include "chat/Orchestrator.h"
#include "chat/TurnObserver.h"
#include "http/ClientProbe.h"
#include "secrets/Redactor.h"
#include "util/Json.h"

#include <Poco/Net/HTTPServerResponse.h>

#include <ctime>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>

namespace ha::http {

class OpenAiChunkStream : public TurnObserver {
public:
    OpenAiChunkStream(Poco::Net::HTTPServerResponse& response, ClientProbe& probe, const Redactor& redactor,
                      std::string completionId, std::time_t created);

    // Sends the 200 text/event-stream headers and the role chunk.
    void open();

    void toolCallStarted(const ToolCallStart&) override {}
    void toolCallFinished(const ToolCallRecord&) override {}
    void textDelta(int round, std::string_view text) override;
    void fallbackStarted(const ProviderFailure& failure, const std::string& notice) override;

    // The last frames: what `answer` has beyond the streamed text, finish_reason, [DONE].
    void finish(const std::string& answer);
    void error(int status, const std::string& message, const std::string& code);

    bool clientGone() const { return probe_.gone(); }

    // What of `answer` still has to be sent after `sent` went out: the rest after their common
    // prefix, when what was sent beyond it is only whitespace; nothing when they differ (text
    // already streamed cannot be taken back).
    static std::string remainder(std::string_view sent, std::string_view answer);

private:
    json::Object::Ptr chunk(const json::Object::Ptr& delta, const json::Var& finishReason) const;
    // Sends text as a content delta (masked) and notes it as sent.
    void sendTextLocked(std::string text);
    void flushHeldLocked();
    void sendFrameLocked(const std::string& data);

    Poco::Net::HTTPServerResponse& response_;
    ClientProbe& probe_;
    const Redactor& redactor_;
    const std::string id_;
    const std::time_t created_;
    std::ostream* out_ = nullptr;
    std::mutex mutex_;  // text comes from the provider's call thread, the rest from the turn's
    int round_ = 0;
    std::string held_;  // this round's text not sent yet
    std::string sent_;  // all text sent, unmasked (to compare with the answer)
};

}  // namespace ha::http
