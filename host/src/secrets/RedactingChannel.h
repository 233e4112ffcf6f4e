// The Poco channel every log line passes (installed in front of the console by the app): its
// text goes through the Redactor before the inner channel sees it, so no logger anywhere in
// the process (the access log, a plugin's host.log, Poco's own) can write a configured secret.
// Until a redactor is attached (start-up, before the configuration is read) lines pass as they
// are: no secret is known yet.
#pragma once

#include "secrets/Redactor.h"
#include "util/LogLineWriter.h"

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>

#include <atomic>
#include <memory>

namespace ha {

class RedactingChannel : public Poco::Channel {
public:
    explicit RedactingChannel(Poco::AutoPtr<Poco::Channel> inner);

    // The redactor to apply from now on (shared: log lines may come from threads that outlive
    // whoever attached it). [thread-safe]
    void attach(std::shared_ptr<const Redactor> redactor);

    void open() override;
    void close() override;
    void log(const Poco::Message& message) override;
    // The same for a caller with the text at hand (the access log): when the inner channel is
    // a LogLineWriter the line is written without building a Poco::Message. [thread-safe]
    void logLine(Poco::Message::Priority priority, const std::string& source, std::string_view text);

private:
    Poco::AutoPtr<Poco::Channel> inner_;
    LogLineWriter* lines_;  // inner_ as a LogLineWriter, or null
    std::atomic<std::shared_ptr<const Redactor>> redactor_;
};

}  // namespace ha
