// Append-only JSONL audit log: one line per record, written with a single write(2) on an
// O_APPEND descriptor and flushed to the kernel before the caller answers. Lines pass the
// Redactor first, so no credential reaches the file.
#pragma once

#include "secrets/Redactor.h"

#include <Poco/JSON/Object.h>

#include <mutex>
#include <stdexcept>
#include <string>

namespace ha {

class AuditError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class AuditLog {
public:
    // The redactor is shared (the assistant's one) and must outlive the log.
    AuditLog(std::string path, const Redactor& redactor);
    AuditLog(std::string path, const Redactor&& redactor) = delete;

    // Creates the file (mode 0640) if needed and checks it can be appended to. Throws AuditError.
    void checkWritable() const;

    // Appends one record as a JSON line. Throws AuditError when the line cannot be written.
    void append(const Poco::JSON::Object::Ptr& record);

    const std::string& path() const { return path_; }

    // Current UTC time as ISO 8601 with microseconds ("2026-11-24T10:23:50.123456Z").
    static std::string timestampNow();

private:
    void writeLine(const std::string& line) const;

    std::string path_;
    const Redactor& redactor_;
    std::mutex mutex_;
};

}  // namespace ha
