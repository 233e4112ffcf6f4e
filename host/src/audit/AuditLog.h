// Append-only JSONL audit log. Lines pass the Redactor first, so no credential reaches the file.
//
// Integrity: a record is written whole or not at all. The file stays open (O_APPEND) and each
// record is one write(2); when a write fails or comes up short (a full disk), the file is cut
// back to where the record began, so no torn line stays and the next record never glues onto
// one. The caller gets AuditError and withholds its answer. A torn tail left by a process that
// died in the middle of a write (kill -9) is cut when the file is opened.
//
// Durability (audit.sync):
//   none    write(2) only; the kernel writes back when it likes (a crash of the process loses
//           nothing, a power cut can lose the last seconds).
//   batch   (default) group commit: append() returns once an fdatasync that began after the
//           record was written has succeeded; concurrent appends share one fdatasync (the first
//           waiter syncs everything written so far while the others wait for it).
//   always  the file is opened O_DSYNC: every write(2) returns only once its record is on disk,
//           one disk flush per record, nothing shared (the strictest and slowest).
// A failed fdatasync withholds every record it was to cover, and the ones written since, and
// cuts them from the file: what the disk may not have kept is not left looking committed.
//
// appendThen() is the same record without the wait: it writes the line and returns, and `done`
// runs once the record is durable as audit.sync says (in batch mode from the log's sync thread,
// which runs one fdatasync after another while records wait; otherwise at once). A caller that
// must not answer before its record is on disk thus needs no thread parked in the group commit:
// it holds its answer and `done` releases it, or withholds it when the sync failed.
//
// logrotate (create mode) moves the file away: at most once a second an append compares the
// path's device and inode with the open file's and reopens the path when they differ (records
// of that second land in the moved file, which delaycompress keeps uncompressed), so no signal
// is needed.
#pragma once

#include "config/Config.h"
#include "secrets/Redactor.h"

#include <Poco/JSON/Object.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <sys/types.h>
#include <thread>
#include <vector>

namespace ha {

class AuditError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class AuditLog {
public:
    // How a batch reaches the disk: ::fdatasync by default (tests slow it down or fail it).
    using SyncFunction = std::function<int(int fd)>;
    // Told once whether a record written by appendThen() is durable: null when it is, else why
    // not (the record was cut from the file). Runs on the log's sync thread or the caller's; it
    // must be quick and must not append.
    using Durable = std::function<void(const AuditError* failure)>;

    // The redactor is shared (the assistant's one) and must outlive the log.
    AuditLog(std::string path, const Redactor& redactor, AuditSync sync = AuditSync::Batch, SyncFunction syncFn = {});
    AuditLog(std::string path, const Redactor&& redactor, AuditSync sync = AuditSync::Batch, SyncFunction syncFn = {}) = delete;
    ~AuditLog();
    AuditLog(const AuditLog&) = delete;
    AuditLog& operator=(const AuditLog&) = delete;

    // Opens the file (created with mode 0640) and keeps it open. Throws AuditError.
    void checkWritable();

    // Appends one record as a JSON line, durable as audit.sync says, before it returns. Throws
    // AuditError when the record could not be written (nothing of it is left in the file).
    // [thread-safe]
    void append(const Poco::JSON::Object::Ptr& record);
    // The same for a record already written as compact JSON text of one object (json::Writer).
    void append(const std::string& recordText);
    // Writes the record like append() and returns without waiting for its sync; `done` is told
    // when the record is durable (or was withheld). Throws AuditError, without calling `done`,
    // when the record could not be written at all. [thread-safe]
    void appendThen(const Poco::JSON::Object::Ptr& record, Durable done);
    void appendThen(const std::string& recordText, Durable done);
    // Waits until every appendThen() record has been told (at most `limit`); true when none is left.
    bool drain(std::chrono::milliseconds limit);

    const std::string& path() const { return path_; }
    AuditSync sync() const { return sync_; }
    // fdatasync calls made so far (batch mode), to see that concurrent appends share them.
    uint64_t syncCount() const;

    // Current UTC time as ISO 8601 with microseconds ("2026-11-24T10:23:50.123456Z").
    static std::string timestampNow();

private:
    struct Waiter {
        uint64_t seq = 0;
        enum class State { Pending, Durable, Failed } state = State::Pending;
        std::string error;
        Durable done;  // set for appendThen(): the waiter is owned by the log, not by a caller
    };
    struct Told {
        Durable done;
        std::string error;  // empty: durable
    };

    void openLocked();
    void reopenIfMovedLocked();
    std::string lineOf(const std::string& recordText) const;
    void writeLocked(const std::string& line);
    void writeWholeLocked(const std::string& line);
    void settleLocked(Waiter* waiter, const std::string* error);
    void tellSettled(std::unique_lock<std::mutex>& lock);
    void runSyncThread();
    void waitUntilDurable(std::unique_lock<std::mutex>& lock, uint64_t seq);
    void syncBatch(std::unique_lock<std::mutex>& lock);
    void dropUnsyncedLocked(const std::string& why);
    std::string where() const { return "audit log " + path_; }

    std::string path_;
    const Redactor& redactor_;
    AuditSync sync_;
    SyncFunction syncFn_;

    mutable std::mutex mutex_;
    std::condition_variable synced_;
    int fd_ = -1;
    dev_t dev_ = 0;
    ino_t ino_ = 0;
    off_t end_ = 0;          // file size after the last record written
    off_t durableEnd_ = 0;   // file size the last successful sync covered
    off_t tornAt_ = -1;      // a torn line could not be cut away yet: cut it before writing
    uint64_t written_ = 0;   // sequence number of the last record written
    bool syncing_ = false;   // a batch sync runs (outside the lock) on fd_
    std::deque<Waiter*> waiting_;  // appends waiting for their sync, in sequence order
    uint64_t syncs_ = 0;
    std::vector<Told> settled_;    // appendThen() outcomes to tell, outside the lock
    size_t untold_ = 0;            // appendThen() records not told yet
    size_t deferredWaiting_ = 0;   // of those, the ones still in waiting_
    std::condition_variable deferred_;  // the sync thread waits here for appendThen() records
    std::condition_variable allTold_;
    bool stopping_ = false;
    std::thread syncThread_;       // started by the first appendThen() in batch mode
};

}  // namespace ha
