// The Server-Sent Events answer of one POST /chat (README: streaming). Events, each one line of
// JSON in `data:`:
//   start               {conversation_id, request_id}
//   tool_call_started   {id, capability, arguments}
//   tool_call_finished  {id, capability, decision, status, duration_ms, error, reason?}
//   text_delta          {text, round}
//   degraded            {provider, status, notice}   the model failed; the offline provider answers
//   refusal             {category, reason, message}
//   answer              exactly the JSON answer of a non-streaming POST /chat   (last event)
//   error               {status, error, conversation_id}                          (last event)
// Written only through Poco's HTTPServerResponse (chunked, one flush per event), so any
// connection layer that implements it carries it. A write that fails marks the client gone
// (which cancels the turn). Everything sent is masked by the redactor; streamed text is held
// back to the last whitespace so that a secret split across fragments is still masked.
#pragma once

#include "chat/Orchestrator.h"
#include "chat/TurnObserver.h"
#include "http/ClientProbe.h"
#include "secrets/Redactor.h"
#include "util/Json.h"

#include <Poco/Net/HTTPServerResponse.h>

#include <mutex>
#include <ostream>
#include <string>
#include <string_view>

namespace ha::http {

class ChatEventStream : public TurnObserver {
public:
    ChatEventStream(Poco::Net::HTTPServerResponse& response, ClientProbe& probe, const Redactor& redactor);

    // Sends the 200 text/event-stream headers and the start event.
    void open(const std::string& conversationId, const std::string& requestId);

    void toolCallStarted(const ToolCallStart& call) override;
    void toolCallFinished(const ToolCallRecord& record) override;
    void textDelta(int round, std::string_view text) override;
    void fallbackStarted(const ProviderFailure& failure, const std::string& notice) override;

    void refusal(const Refusal& refusal, const std::string& message);
    // The last event: the answer (its JSON text, redacted here as every event is), or the error
    // that ends the turn.
    void answer(const std::string& body);
    void error(int status, const std::string& message, const std::string& conversationId);

    // A write failed or the connection layer saw the peer close.
    bool clientGone() const { return probe_.gone(); }

    // Text this long without whitespace is sent anyway, all but its last kMaxHeldBytes.
    static constexpr size_t kMaxHeldBytes = 1024;
    static constexpr size_t kMinHeldBytes = 256;
    // How much of `text` (raw, not yet sent) may be sent now: up to and including its last
    // whitespace, or all but kMinHeldBytes when more than kMaxHeldBytes follow it; never inside
    // a UTF-8 sequence.
    static size_t sendableLength(std::string_view text);

private:
    void send(const char* event, const json::Object::Ptr& data);
    void sendLocked(const char* event, const json::Object::Ptr& data);
    void sendTextLocked(const char* event, const std::string& json);
    // Sends what is held of the current round's text (before any other event).
    void flushTextLocked();
    std::string masked(std::string_view text) const { return redactor_.redact(text); }
    json::Var maskedJson(const json::Var& value) const;

    Poco::Net::HTTPServerResponse& response_;
    ClientProbe& probe_;
    const Redactor& redactor_;
    std::ostream* out_ = nullptr;
    std::mutex mutex_;  // events come from the turn thread and the provider's call thread
    int round_ = 0;
    std::string held_;  // this round's text not sent yet
};

}  // namespace ha::http
