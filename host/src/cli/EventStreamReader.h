// Server-Sent Events from pieces of text as they arrive: `event:` and `data:` lines, an event
// ending at a blank line (the server's /chat stream and an MCP answer sent as SSE).
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace ha::cli {

class EventStreamReader {
public:
    using Handler = std::function<void(const std::string& event, const std::string& data)>;

    explicit EventStreamReader(Handler onEvent) : onEvent_(std::move(onEvent)) {}

    // Throws CliError(ServerError) when a line grows past 16 MiB.
    void feed(std::string_view piece);
    // The end of the stream: an event not yet ended by a blank line is delivered too.
    void finish();

private:
    void line(const std::string& text);
    void dispatch();

    Handler onEvent_;
    std::string partial_;
    std::string event_;
    std::string data_;
    bool hasData_ = false;
};

}  // namespace ha::cli
