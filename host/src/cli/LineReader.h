// Lines from a file descriptor (stdin), each bounded: a longer line is reported as too long and
// skipped to its end, never held whole. Reads with read(2), so nothing is buffered past a line
// that a caller has not asked for yet.
#pragma once

#include <optional>
#include <string>

namespace ha::cli {

struct InputLine {
    std::string text;  // without the line end
    bool tooLong = false;
};

class LineReader {
public:
    LineReader(int fd, size_t maxBytes) : fd_(fd), maxBytes_(maxBytes) {}

    // The next line; the last one may lack its newline. nullopt at the end of the input.
    std::optional<InputLine> next();

private:
    bool fill();

    int fd_;
    size_t maxBytes_;
    std::string buffer_;
    size_t pos_ = 0;
    bool eof_ = false;
};

}  // namespace ha::cli
