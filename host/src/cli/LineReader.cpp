#include "cli/LineReader.h"

#include <cerrno>
#include <unistd.h>

namespace ha::cli {

bool LineReader::fill() {
    if (eof_) return false;
    char chunk[65536];
    for (;;) {
        const ssize_t n = ::read(fd_, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            eof_ = true;
            return false;
        }
        buffer_.append(chunk, static_cast<size_t>(n));
        return true;
    }
}

std::optional<InputLine> LineReader::next() {
    InputLine line;
    size_t scanned = 0;  // bytes after pos_ known to hold no newline
    for (;;) {
        const size_t newline = buffer_.find('\n', pos_ + scanned);
        if (newline != std::string::npos) {
            if (!line.tooLong) line.text = buffer_.substr(pos_, newline - pos_);
            pos_ = newline + 1;
            break;
        }
        scanned = buffer_.size() - pos_;
        if (scanned > maxBytes_) line.tooLong = true;
        if (line.tooLong) {  // drop what was read of it; keep looking for its end
            buffer_.clear();
            pos_ = 0;
            scanned = 0;
        } else if (pos_ > 0) {
            buffer_.erase(0, pos_);
            pos_ = 0;
        }
        if (!fill()) {
            if (line.tooLong) break;
            if (buffer_.empty()) return std::nullopt;
            line.text = buffer_;
            buffer_.clear();
            break;
        }
    }
    if (!line.text.empty() && line.text.back() == '\r') line.text.pop_back();
    return line;
}

}  // namespace ha::cli
