#include "audit/AuditLog.h"

#include "util/Json.h"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <sys/time.h>
#include <unistd.h>

namespace ha {

AuditLog::AuditLog(std::string path, const Redactor& redactor) : path_(std::move(path)), redactor_(redactor) {}

namespace {
int openForAppend(const std::string& path) {
    // Opened per line: survives logrotate's move/create without a reopen signal.
    return ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
}
}  // namespace

void AuditLog::checkWritable() const {
    const int fd = openForAppend(path_);
    if (fd < 0) throw AuditError("audit log " + path_ + " cannot be opened for appending: " + std::strerror(errno));
    ::close(fd);
}

void AuditLog::append(const Poco::JSON::Object::Ptr& record) {
    std::string line = redactor_.redact(json::stringify(record));
    line.push_back('\n');
    std::lock_guard<std::mutex> lock(mutex_);
    writeLine(line);
}

void AuditLog::writeLine(const std::string& line) const {
    const int fd = openForAppend(path_);
    if (fd < 0) throw AuditError("audit log " + path_ + ": " + std::strerror(errno));
    size_t done = 0;
    while (done < line.size()) {
        const ssize_t n = ::write(fd, line.data() + done, line.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const int err = errno;
            ::close(fd);
            throw AuditError("audit log " + path_ + ": write failed: " + std::strerror(err));
        }
        done += static_cast<size_t>(n);
    }
    if (::close(fd) != 0) throw AuditError("audit log " + path_ + ": close failed: " + std::strerror(errno));
}

std::string AuditLog::timestampNow() {
    timeval tv{};
    ::gettimeofday(&tv, nullptr);
    tm utc{};
    ::gmtime_r(&tv.tv_sec, &utc);
    char buf[64];
    const size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &utc);
    std::snprintf(buf + n, sizeof buf - n, ".%06ldZ", static_cast<long>(tv.tv_usec));
    return buf;
}

}  // namespace ha
