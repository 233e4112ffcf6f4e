#include "http/ChatEventStream.h"

#include <Poco/Exception.h>
#include <Poco/Logger.h>

#include <cmath>

namespace ha::http {

namespace {

bool isSpace(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }
bool isContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

ChatEventStream::ChatEventStream(Poco::Net::HTTPServerResponse& response, ClientProbe& probe, const Redactor& redactor)
    : response_(response), probe_(probe), redactor_(redactor) {}

size_t ChatEventStream::sendableLength(std::string_view text) {
    size_t end = text.size();
    while (end > 0 && !isSpace(text[end - 1])) --end;
    if (text.size() - end > kMaxHeldBytes) {
        end = text.size() - kMinHeldBytes;
        while (end > 0 && isContinuationByte(text[end])) --end;
    }
    return end;
}

void ChatEventStream::open(const std::string& conversationId, const std::string& requestId) {
    std::lock_guard<std::mutex> lock(mutex_);
    response_.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_OK);
    response_.setContentType("text/event-stream; charset=utf-8");
    response_.setChunkedTransferEncoding(true);
    response_.set("Cache-Control", "no-store");
    response_.set("X-Content-Type-Options", "nosniff");
    response_.set("X-Accel-Buffering", "no");  // a reverse proxy must not hold the events back
    try {
        out_ = &response_.send();
    } catch (const Poco::Exception&) {
        probe_.markGone();
        return;
    }
    auto data = json::object();
    data->set("conversation_id", conversationId);
    data->set("request_id", requestId);
    sendLocked("start", data);
}

json::Var ChatEventStream::maskedJson(const json::Var& value) const {
    const std::string text = json::stringify(value);
    const std::string masked = redactor_.redact(text);
    if (masked == text) return value;
    try {
        return json::parse(masked);
    } catch (const json::JsonError&) {
        return masked;
    }
}

void ChatEventStream::toolCallStarted(const ToolCallStart& call) {
    auto data = json::object();
    data->set("id", masked(call.id));
    data->set("capability", masked(call.capability));
    data->set("arguments", maskedJson(call.arguments));
    send("tool_call_started", data);
}

void ChatEventStream::toolCallFinished(const ToolCallRecord& record) {
    auto data = json::object();
    data->set("id", masked(record.id));
    data->set("capability", masked(record.capability.empty() ? record.name : record.capability));
    data->set("decision", record.decision);
    data->set("status", std::string(toString(record.status)));
    data->set("duration_ms", std::round(record.durationMs * 1000.0) / 1000.0);
    data->set("error", record.error.empty() ? json::Var() : json::Var(masked(record.error)));
    if (record.decision != "allowed") data->set("reason", masked(record.reason));
    send("tool_call_finished", data);
}

void ChatEventStream::textDelta(int round, std::string_view text) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (round != round_) {
        flushTextLocked();
        round_ = round;
    }
    held_.append(text);
    const size_t n = sendableLength(held_);
    if (n == 0) return;
    auto data = json::object();
    data->set("text", masked(std::string_view(held_).substr(0, n)));
    data->set("round", round_);
    held_.erase(0, n);
    sendLocked("text_delta", data);
}

void ChatEventStream::flushTextLocked() {
    if (held_.empty()) return;
    auto data = json::object();
    data->set("text", masked(held_));
    data->set("round", round_);
    held_.clear();
    sendLocked("text_delta", data);
}

void ChatEventStream::fallbackStarted(const ProviderFailure& failure, const std::string& notice) {
    auto data = json::object();
    data->set("provider", failure.provider);
    data->set("status", std::string(toString(failure.status)));
    data->set("notice", masked(notice));
    send("degraded", data);
}

void ChatEventStream::refusal(const Refusal& refusal, const std::string& message) {
    auto data = json::object();
    data->set("category", refusal.category);
    data->set("reason", masked(refusal.reason));
    data->set("message", masked(message));
    send("refusal", data);
}

void ChatEventStream::answer(const std::string& body) {
    std::lock_guard<std::mutex> lock(mutex_);
    flushTextLocked();
    sendTextLocked("answer", redactor_.redact(body));
}

void ChatEventStream::error(int status, const std::string& message, const std::string& conversationId) {
    auto data = json::object();
    data->set("status", status);
    data->set("error", masked(message));
    data->set("conversation_id", conversationId);
    std::lock_guard<std::mutex> lock(mutex_);
    held_.clear();  // nothing of the answer after an error
    sendLocked("error", data);
}

void ChatEventStream::send(const char* event, const json::Object::Ptr& data) {
    std::lock_guard<std::mutex> lock(mutex_);
    flushTextLocked();
    sendLocked(event, data);
}

void ChatEventStream::sendLocked(const char* event, const json::Object::Ptr& data) {
    sendTextLocked(event, json::stringify(data));
}

void ChatEventStream::sendTextLocked(const char* event, const std::string& json) {
    if (out_ == nullptr || probe_.gone()) return;
    // JSON text from the writers is one line (newlines inside strings are escaped), as one
    // `data:` field needs.
    const std::string frame = std::string("event: ") + event + "\ndata: " + json + "\n\n";
    try {
        out_->write(frame.data(), static_cast<std::streamsize>(frame.size()));
        out_->flush();
        if (!*out_) probe_.markGone();
    } catch (const std::exception& e) {
        // Never let a write failure escape: textDelta runs inside a plugin call.
        probe_.markGone();
        Poco::Logger::get("http").debug(std::string("event stream closed: ") + e.what());
    }
}

}  // namespace ha::http
