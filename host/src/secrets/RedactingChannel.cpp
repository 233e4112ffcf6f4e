#include "secrets/RedactingChannel.h"

#include <Poco/Message.h>

namespace ha {

RedactingChannel::RedactingChannel(Poco::AutoPtr<Poco::Channel> inner) : inner_(std::move(inner)) {}

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
