// Server-Sent Events framing as the WHATWG HTML standard defines it ("Parsing an event stream"):
// lines end in \n, \r\n or \r (also split across reads); `data:` lines are joined with \n; a
// blank line dispatches the event; comments (lines starting with ':') and unknown fields are
// ignored; one leading space after the colon is dropped; a byte order mark at the start is
// skipped. An event left without its blank line when the stream ends is discarded.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace ha_plugins::providers {

struct SseEvent {
    std::string type = "message";  // the `event:` field
    std::string data;
};

class SseParser {
public:
    using Handler = std::function<void(const SseEvent&)>;

    // An event (or a line) larger than maxEventBytes is an error: std::length_error.
    explicit SseParser(size_t maxEventBytes = 4 * 1024 * 1024) : maxEventBytes_(maxEventBytes) {}

    // Feeds the next bytes of the stream; calls onEvent for every event they complete.
    void feed(std::string_view bytes, const Handler& onEvent);

private:
    void endLine(const Handler& onEvent);

    size_t maxEventBytes_;
    std::string line_;
    SseEvent event_;
    bool hasData_ = false;
    bool afterCR_ = false;
    bool started_ = false;
};

}  // namespace ha_plugins::providers
