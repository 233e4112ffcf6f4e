#include "cli/EventStreamReader.h"

#include "cli/CliError.h"

namespace ha::cli {

namespace {
constexpr size_t kMaxLineBytes = 16 * 1024 * 1024;
}

void EventStreamReader::feed(std::string_view piece) {
    for (char c : piece) {
        if (c != '\n') {
            partial_.push_back(c);
            if (partial_.size() > kMaxLineBytes) throw CliError(ExitCode::ServerError, "an event stream line over 16 MiB");
            continue;
        }
        if (!partial_.empty() && partial_.back() == '\r') partial_.pop_back();
        line(partial_);
        partial_.clear();
    }
}

void EventStreamReader::finish() {
    if (!partial_.empty()) line(partial_);
    partial_.clear();
    dispatch();
}

void EventStreamReader::line(const std::string& text) {
    if (text.empty()) {
        dispatch();
        return;
    }
    if (text.front() == ':') return;  // a comment (keep-alive)
    const size_t colon = text.find(':');
    const std::string field = text.substr(0, colon);
    std::string value = colon == std::string::npos ? "" : text.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.erase(0, 1);
    if (field == "event") {
        event_ = value;
    } else if (field == "data") {
        if (hasData_) data_.push_back('\n');
        data_ += value;
        hasData_ = true;
    }
}

void EventStreamReader::dispatch() {
    if (hasData_) onEvent_(event_.empty() ? "message" : event_, data_);
    event_.clear();
    data_.clear();
    hasData_ = false;
}

}  // namespace ha::cli
