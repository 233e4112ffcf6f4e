#include "util/LogLineWriter.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <unistd.h>

namespace ha {

namespace {

// "YYYY-MM-DD HH:MM:SS" of the current second, rebuilt only when the second changes.
struct SecondText {
    time_t second = -1;
    char text[24] = {};
    size_t size = 0;
};

size_t appendTimestamp(char* out) {
    thread_local SecondText cached;
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(now).count();
    const time_t second = static_cast<time_t>(us / 1000000);
    if (second != cached.second) {
        struct tm tm {};
        gmtime_r(&second, &tm);
        cached.size = std::strftime(cached.text, sizeof cached.text, "%Y-%m-%d %H:%M:%S", &tm);
        cached.second = second;
    }
    const int ms = static_cast<int>((us / 1000) % 1000);
    std::copy(cached.text, cached.text + cached.size, out);
    out[cached.size] = '.';
    out[cached.size + 1] = static_cast<char>('0' + ms / 100);
    out[cached.size + 2] = static_cast<char>('0' + ms / 10 % 10);
    out[cached.size + 3] = static_cast<char>('0' + ms % 10);
    return cached.size + 4;
}

void writeAll(int fd, const char* data, size_t size) {
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // nowhere to report a failing log: drop the line
        data += n;
        size -= static_cast<size_t>(n);
    }
}

}  // namespace

LogLineWriter::LogLineWriter(int fd) : fd_(fd) {}

std::string_view LogLineWriter::priorityName(Poco::Message::Priority priority) {
    switch (priority) {
        case Poco::Message::PRIO_FATAL: return "Fatal";
        case Poco::Message::PRIO_CRITICAL: return "Critical";
        case Poco::Message::PRIO_ERROR: return "Error";
        case Poco::Message::PRIO_WARNING: return "Warning";
        case Poco::Message::PRIO_NOTICE: return "Notice";
        case Poco::Message::PRIO_INFORMATION: return "Information";
        case Poco::Message::PRIO_DEBUG: return "Debug";
        case Poco::Message::PRIO_TRACE: return "Trace";
    }
    return "Information";
}

void LogLineWriter::log(const Poco::Message& message) {
    writeLine(message.getPriority(), message.getSource(), message.getText());
}

void LogLineWriter::writeLine(Poco::Message::Priority priority, std::string_view source, std::string_view text) {
    const std::string_view level = priorityName(priority);
    std::string line;
    line.resize(24 + 3 + level.size() + 2 + source.size() + 2 + text.size() + 1);
    char* out = line.data();
    out += appendTimestamp(out);
    *out++ = ' ';
    *out++ = '[';
    out = std::copy(level.begin(), level.end(), out);
    *out++ = ']';
    *out++ = ' ';
    out = std::copy(source.begin(), source.end(), out);
    *out++ = ':';
    *out++ = ' ';
    out = std::copy(text.begin(), text.end(), out);
    *out++ = '\n';
    writeAll(fd_, line.data(), static_cast<size_t>(out - line.data()));
}

}  // namespace ha
