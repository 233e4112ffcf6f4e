#include "audit/AuditLog.h"

#include "util/Json.h"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

namespace ha {

namespace {

std::string errorText(int err) { return std::strerror(err); }

// A file that does not end with a newline ends in a record that was being written when the
// process died (kill -9, a crash): its answer never left. It is cut back to the last whole
// line, so the next record starts a line of its own. Returns the size after the cut.
off_t cutTornTail(int fd, off_t size) {
    char buf[4096];
    off_t end = size;
    while (end > 0) {
        const off_t start = end > static_cast<off_t>(sizeof buf) ? end - static_cast<off_t>(sizeof buf) : 0;
        const ssize_t n = ::pread(fd, buf, static_cast<size_t>(end - start), start);
        if (n != end - start) return size;  // unreadable (O_WRONLY on an odd file system): leave it
        for (ssize_t i = n; i > 0; --i) {
            if (buf[i - 1] == '\n') {
                const off_t keep = start + i;
                return keep == size || ::ftruncate(fd, keep) == 0 ? keep : size;
            }
        }
        end = start;
    }
    return ::ftruncate(fd, 0) == 0 ? 0 : size;
}

}  // namespace

AuditLog::AuditLog(std::string path, const Redactor& redactor, AuditSync sync, SyncFunction syncFn)
    : path_(std::move(path)), redactor_(redactor), sync_(sync), syncFn_(std::move(syncFn)) {
    if (!syncFn_) syncFn_ = [](int fd) { return ::fdatasync(fd); };
}

AuditLog::~AuditLog() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;  // the sync thread still syncs and tells what waits, then ends
        deferred_.notify_all();
    }
    if (syncThread_.joinable()) syncThread_.join();
    std::lock_guard<std::mutex> lock(mutex_);
    if (fd_ >= 0) ::close(fd_);
}

void AuditLog::checkWritable() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (fd_ < 0) openLocked();
}

uint64_t AuditLog::syncCount() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return syncs_;
}

void AuditLog::openLocked() {
    // Read too: a torn tail left by a crash is found and cut on open (cutTornTail).
    const int flags = O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (sync_ == AuditSync::Always ? O_DSYNC : 0);
    const int fd = ::open(path_.c_str(), flags, 0640);
    if (fd < 0) throw AuditError(where() + " cannot be opened for appending: " + errorText(errno));
    struct stat st{};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        const int err = errno;
        ::close(fd);
        throw AuditError(where() + " is not a regular file" + (err ? ": " + errorText(err) : ""));
    }
    const off_t size = cutTornTail(fd, st.st_size);
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
    dev_ = st.st_dev;
    ino_ = st.st_ino;
    end_ = durableEnd_ = size;
    tornAt_ = -1;
}

void AuditLog::reopenIfMovedLocked() {
    // Every append looks (one stat, far cheaper than the write): a record written a moment after
    // logrotate moved the file, or after the path became unusable, must not go to the old file.
    // Not while a batch sync runs on the open file; the next append looks again.
    if (syncing_) return;
    struct stat st{};
    if (::stat(path_.c_str(), &st) == 0 && st.st_dev == dev_ && st.st_ino == ino_) return;
    // Moved or removed: what is still waiting for its sync in the old file gets it first.
    if (!waiting_.empty()) {
        syncing_ = true;
        const int rc = syncFn_(fd_);
        const int err = errno;
        syncing_ = false;
        ++syncs_;
        if (rc != 0) {
            dropUnsyncedLocked("fdatasync failed: " + errorText(err));
        } else {
            durableEnd_ = end_;
            for (Waiter* w : waiting_) settleLocked(w, nullptr);
            waiting_.clear();
        }
        synced_.notify_all();
        deferred_.notify_all();
    }
    try {
        openLocked();
    } catch (const AuditError&) {
        // Records belong at the configured path: none go on into the moved file, and every
        // append tries the path again until it can be opened (the answers are withheld meanwhile).
        ::close(fd_);
        fd_ = -1;
        throw;
    }
}

std::string AuditLog::lineOf(const std::string& recordText) const {
    std::string line = redactor_.redact(recordText);
    line.push_back('\n');
    return line;
}

void AuditLog::writeLocked(const std::string& line) {
    if (fd_ < 0) {
        openLocked();
    } else {
        reopenIfMovedLocked();
    }
    writeWholeLocked(line);
    ++written_;
}

void AuditLog::append(const Poco::JSON::Object::Ptr& record) { append(json::stringify(record)); }

void AuditLog::append(const std::string& recordText) {
    const std::string line = lineOf(recordText);
    std::unique_lock<std::mutex> lock(mutex_);
    writeLocked(line);
    // none: the kernel's page cache has it; always: the O_DSYNC write returned after the disk.
    if (sync_ == AuditSync::Batch) waitUntilDurable(lock, written_);
}

void AuditLog::appendThen(const Poco::JSON::Object::Ptr& record, Durable done) {
    appendThen(json::stringify(record), std::move(done));
}

void AuditLog::appendThen(const std::string& recordText, Durable done) {
    const std::string line = lineOf(recordText);
    std::unique_lock<std::mutex> lock(mutex_);
    writeLocked(line);
    if (sync_ != AuditSync::Batch) {
        lock.unlock();
        done(nullptr);
        return;
    }
    auto* waiter = new Waiter;  // deleted by settleLocked
    waiter->seq = written_;
    waiter->done = std::move(done);
    waiting_.push_back(waiter);
    ++deferredWaiting_;
    ++untold_;
    if (!syncThread_.joinable()) syncThread_ = std::thread([this] { runSyncThread(); });
    deferred_.notify_one();
}

bool AuditLog::drain(std::chrono::milliseconds limit) {
    std::unique_lock<std::mutex> lock(mutex_);
    return allTold_.wait_for(lock, limit, [&] { return untold_ == 0; });
}

void AuditLog::runSyncThread() {
    ::pthread_setname_np(::pthread_self(), "audit-sync");
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        deferred_.wait(lock, [&] { return stopping_ || !settled_.empty() || (deferredWaiting_ > 0 && !syncing_); });
        if (!settled_.empty()) {
            tellSettled(lock);
        } else if (deferredWaiting_ > 0 && !syncing_) {
            // One fdatasync after another while records wait: each covers all written before it.
            syncBatch(lock);
        } else if (deferredWaiting_ == 0) {
            return;  // stopping, and nothing is left to sync or tell
        } else {
            synced_.wait(lock);  // stopping while an append() leads a sync: wait for it
        }
    }
}

void AuditLog::settleLocked(Waiter* waiter, const std::string* error) {
    if (!waiter->done) {
        waiter->state = error ? Waiter::State::Failed : Waiter::State::Durable;
        if (error) waiter->error = *error;
        return;
    }
    settled_.push_back(Told{std::move(waiter->done), error ? *error : std::string()});
    --deferredWaiting_;
    delete waiter;
    deferred_.notify_one();  // the sync thread tells it
}

void AuditLog::tellSettled(std::unique_lock<std::mutex>& lock) {
    std::vector<Told> told;
    told.swap(settled_);
    lock.unlock();
    for (Told& t : told) {
        if (t.error.empty()) {
            t.done(nullptr);
        } else {
            const AuditError failure(t.error);
            t.done(&failure);
        }
    }
    lock.lock();
    untold_ -= told.size();
    if (untold_ == 0) allTold_.notify_all();
}

void AuditLog::writeWholeLocked(const std::string& line) {
    if (tornAt_ >= 0) {
        // An earlier torn line is still there: cut it first, or write nothing at all.
        if (::ftruncate(fd_, tornAt_) != 0) {
            throw AuditError(where() + ": a torn line from an earlier failed write cannot be cut away: " + errorText(errno));
        }
        end_ = tornAt_;
        tornAt_ = -1;
    }
    // The end of the file (not our own count: a copytruncate may have emptied it meanwhile).
    const off_t start = ::lseek(fd_, 0, SEEK_END);
    if (start < 0) throw AuditError(where() + ": " + errorText(errno));
    size_t done = 0;
    while (done < line.size()) {
        const ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n > 0) {
            done += static_cast<size_t>(n);
            continue;
        }
        const int err = n < 0 ? errno : EIO;
        std::string message = where() + ": write failed: " + errorText(err);
        // Whole or nothing: cut the part that was written (ftruncate needs no free space).
        if (done > 0 && ::ftruncate(fd_, start) != 0) {
            tornAt_ = start;
            message += "; the partial line will be cut before the next record";
        }
        end_ = start;
        throw AuditError(message);
    }
    end_ = start + static_cast<off_t>(line.size());
}

void AuditLog::waitUntilDurable(std::unique_lock<std::mutex>& lock, uint64_t seq) {
    Waiter me;
    me.seq = seq;
    waiting_.push_back(&me);
    while (me.state == Waiter::State::Pending) {
        if (!syncing_) {
            syncBatch(lock);  // lead: one fdatasync for everything written so far
        } else {
            synced_.wait(lock);
        }
    }
    if (me.state == Waiter::State::Failed) throw AuditError(me.error);
}

void AuditLog::syncBatch(std::unique_lock<std::mutex>& lock) {
    syncing_ = true;
    const uint64_t target = written_;
    const off_t targetEnd = end_;
    const int fd = fd_;  // stays open: nothing reopens or closes it while syncing_
    lock.unlock();
    const int rc = syncFn_(fd);
    const int err = errno;
    lock.lock();
    syncing_ = false;
    ++syncs_;
    if (rc == 0) {
        durableEnd_ = targetEnd;
        while (!waiting_.empty() && waiting_.front()->seq <= target) {
            settleLocked(waiting_.front(), nullptr);
            waiting_.pop_front();
        }
    } else {
        dropUnsyncedLocked("fdatasync failed: " + errorText(err));
    }
    synced_.notify_all();
    deferred_.notify_all();
}

void AuditLog::dropUnsyncedLocked(const std::string& why) {
    // Everything after the last durable point goes: the records this sync was to cover and the
    // ones written since (all of them are still waiting, so all of them are withheld).
    struct stat st{};
    if (::fstat(fd_, &st) == 0 && st.st_size > durableEnd_ && ::ftruncate(fd_, durableEnd_) != 0) tornAt_ = durableEnd_;
    end_ = durableEnd_;
    const std::string error = where() + ": " + why;
    for (Waiter* w : waiting_) settleLocked(w, &error);
    waiting_.clear();
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
