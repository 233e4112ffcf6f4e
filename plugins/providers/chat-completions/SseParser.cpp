#include "providers/chat-completions/SseParser.h"

#include <stdexcept>

namespace ha_plugins::providers {

void SseParser::feed(std::string_view bytes, const Handler& onEvent) {
    if (!started_ && !bytes.empty()) {
        started_ = true;
        if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
    }
    for (char c : bytes) {
        if (c == '\n' && afterCR_) {  // the \n of a \r\n
            afterCR_ = false;
            continue;
        }
        afterCR_ = c == '\r';
        if (c == '\n' || c == '\r') {
            endLine(onEvent);
            continue;
        }
        line_ += c;
        if (line_.size() + event_.data.size() > maxEventBytes_) {
            throw std::length_error("an event of the stream is larger than " + std::to_string(maxEventBytes_) + " bytes");
        }
    }
}

void SseParser::endLine(const Handler& onEvent) {
    if (line_.empty()) {
        if (hasData_) onEvent(event_);
        event_ = SseEvent{};
        hasData_ = false;
        return;
    }
    std::string_view line(line_);
    if (line.front() != ':') {
        const size_t colon = line.find(':');
        const std::string_view field = line.substr(0, colon);
        std::string_view value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
        if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        if (field == "data") {
            if (hasData_) event_.data += '\n';
            event_.data.append(value);
            hasData_ = true;
        } else if (field == "event") {
            event_.type = std::string(value);
        }
        // id and retry matter to a reconnecting browser, not here; other fields are ignored.
    }
    line_.clear();
}

}  // namespace ha_plugins::providers
