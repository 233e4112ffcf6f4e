#include "secrets/RedactingChannel.h"

#include <Poco/Message.h>

namespace ha {

RedactingChannel::RedactingChannel(Poco::AutoPtr<Poco::Channel> inner)
    : inner_(std::move(inner)), lines_(dynamic_cast<LogLineWriter*>(inner_.get())) {}

void RedactingChannel::attach(std::shared_ptr<const Redactor> redactor) { redactor_.store(std::move(redactor)); }

void RedactingChannel::open() { inner_->open(); }

void RedactingChannel::close() { inner_->close(); }

void RedactingChannel::log(const Poco::Message& message) {
    const std::shared_ptr<const Redactor> redactor = redactor_.load();
    if (!redactor) {
        inner_->log(message);
        return;
    }
    inner_->log(Poco::Message(message, redactor->redact(message.getText())));
}

}  // namespace ha

namespace ha {

void RedactingChannel::logLine(Poco::Message::Priority priority, const std::string& source, std::string_view text) {
    const std::shared_ptr<const Redactor> redactor = redactor_.load();
    const std::string redacted = redactor ? redactor->redact(text) : std::string(text);
    if (lines_) {
        lines_->writeLine(priority, source, redacted);
        return;
    }
    inner_->log(Poco::Message(source, redacted, priority));
}

}  // namespace ha
