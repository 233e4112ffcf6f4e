#include "http/OpenAiChunkStream.h"

#include "http/ChatEventStream.h"
#include "http/OpenAiApiHandler.h"
#include "http/OpenAiChatRequest.h"

#include <Poco/Exception.h>
#include <Poco/Logger.h>

namespace ha::http {

namespace {

bool isSpace(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

}  // namespace

OpenAiChunkStream::OpenAiChunkStream(Poco::Net::HTTPServerResponse& response, ClientProbe& probe,
                                     const Redactor& redactor, std::string completionId, std::time_t created)
    : response_(response), probe_(probe), redactor_(redactor), id_(std::move(completionId)), created_(created) {}

std::string OpenAiChunkStream::remainder(std::string_view sent, std::string_view answer) {
    size_t common = 0;
    while (common < sent.size() && common < answer.size() && sent[common] == answer[common]) ++common;
    for (size_t i = common; i < sent.size(); ++i) {
        if (!isSpace(sent[i])) return "";
    }
    return std::string(answer.substr(common));
}

json::Object::Ptr OpenAiChunkStream::chunk(const json::Object::Ptr& delta, const json::Var& finishReason) const {
    auto choice = json::object();
    choice->set("index", 0);
    choice->set("delta", delta);
    choice->set("logprobs", json::Var());
    choice->set("finish_reason", finishReason);
    auto choices = json::array();
    choices->add(choice);
    auto c = json::object();
    c->set("id", id_);
    c->set("object", "chat.completion.chunk");
    c->set("created", static_cast<Poco::Int64>(created_));
    c->set("model", OpenAiChatRequest::kModelId);
    c->set("choices", choices);
    return c;
}

void OpenAiChunkStream::open() {
    std::lock_guard<std::mutex> lock(mutex_);
    response_.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_OK);
    response_.setContentType("text/event-stream; charset=utf-8");
    response_.setChunkedTransferEncoding(true);
    response_.set("Cache-Control", "no-store");
    response_.set("X-Content-Type-Options", "nosniff");
    response_.set("X-Accel-Buffering", "no");
    try {
        out_ = &response_.send();
    } catch (const Poco::Exception&) {
        probe_.markGone();
        return;
    }
    auto delta = json::object();
    delta->set("role", "assistant");
    delta->set("content", "");
    sendFrameLocked(json::stringify(chunk(delta, json::Var())));
}

void OpenAiChunkStream::textDelta(int round, std::string_view text) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (round != round_) {
        flushHeldLocked();
        // Rounds apart, so their words do not run together.
        if (!sent_.empty() && !isSpace(sent_.back())) held_ = "\n\n";
        round_ = round;
    }
    held_.append(text);
    const size_t n = ChatEventStream::sendableLength(held_);
    if (n == 0) return;
    std::string ready = held_.substr(0, n);
    held_.erase(0, n);
    sendTextLocked(std::move(ready));
}

void OpenAiChunkStream::fallbackStarted(const ProviderFailure&, const std::string& notice) {
    std::lock_guard<std::mutex> lock(mutex_);
    flushHeldLocked();
    // The answer starts with the notice (Orchestrator::answerWithFallback).
    sendTextLocked((sent_.empty() ? "" : "\n\n") + notice + "\n");
    round_ = 0;
}

void OpenAiChunkStream::flushHeldLocked() {
    if (held_.empty()) return;
    std::string text = std::move(held_);
    held_.clear();
    sendTextLocked(std::move(text));
}

void OpenAiChunkStream::sendTextLocked(std::string text) {
    // The answer is trimmed (Orchestrator), so the streamed text does not start with blanks.
    if (sent_.empty()) {
        size_t start = 0;
        while (start < text.size() && isSpace(text[start])) ++start;
        text.erase(0, start);
    }
    if (text.empty()) return;
    sent_ += text;
    auto delta = json::object();
    delta->set("content", redactor_.redact(text));
    sendFrameLocked(json::stringify(chunk(delta, json::Var())));
}

void OpenAiChunkStream::finish(const std::string& answer) {
    std::lock_guard<std::mutex> lock(mutex_);
    flushHeldLocked();
    const std::string rest = remainder(sent_, answer);
    if (!rest.empty()) sendTextLocked(rest);
    sendFrameLocked(json::stringify(chunk(json::object(), "stop")));
    sendFrameLocked("[DONE]");
}

void OpenAiChunkStream::error(int status, const std::string& message, const std::string& code) {
    std::lock_guard<std::mutex> lock(mutex_);
    held_.clear();  // nothing of the answer after an error
    sendFrameLocked(redactor_.redact(json::stringify(OpenAiApiHandler::errorObject(status, message, code))));
    sendFrameLocked("[DONE]");
}

void OpenAiChunkStream::sendFrameLocked(const std::string& data) {
    if (out_ == nullptr || probe_.gone()) return;
    const std::string frame = "data: " + data + "\n\n";
    try {
        out_->write(frame.data(), static_cast<std::streamsize>(frame.size()));
        out_->flush();
        if (!*out_) probe_.markGone();
    } catch (const std::exception& e) {
        // Never let a write failure escape: textDelta runs inside a plugin call.
        probe_.markGone();
        Poco::Logger::get("http").debug(std::string("completion stream closed: ") + e.what());
    }
}

}  // namespace ha::http
