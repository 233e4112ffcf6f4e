#include "common/CommandRunner.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <mutex>
#include <poll.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace ha_plugins {

namespace {

constexpr auto kKillGrace = std::chrono::milliseconds(1000);    // for a killed child to die
constexpr auto kDrainGrace = std::chrono::milliseconds(200);    // for pipes after the child exited

uint64_t monotonicNs() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

// Children that survived SIGKILL past the grace period (uninterruptible sleep in a driver, as a
// suspended pool can cause). Reaped whenever the runner runs again, so none stays a zombie.
std::mutex g_unreapedMutex;
std::vector<pid_t> g_unreaped;

void reapAbandoned() {
    std::lock_guard<std::mutex> lock(g_unreapedMutex);
    g_unreaped.erase(std::remove_if(g_unreaped.begin(), g_unreaped.end(),
                                    [](pid_t pid) {
                                        int status = 0;
                                        const pid_t r = ::waitpid(pid, &status, WNOHANG);
                                        return r == pid || (r < 0 && errno == ECHILD);
                                    }),
                     g_unreaped.end());
}

class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() { reset(); }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }
    void reset(int fd = -1) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }

private:
    int fd_ = -1;
};

// A descriptor that becomes readable when the child exits (Linux 5.3+); -1 where unsupported
// (old kernels, seccomp filters), then the runner polls waitpid instead.
int openPidFd(pid_t pid) {
#ifdef SYS_pidfd_open
    const long fd = ::syscall(SYS_pidfd_open, pid, 0);
    if (fd >= 0) {
        ::fcntl(static_cast<int>(fd), F_SETFD, FD_CLOEXEC);
        return static_cast<int>(fd);
    }
#endif
    (void)pid;
    return -1;
}

// Non-blocking read of what is available; false at end of file or error.
bool drain(int fd, std::string& into, size_t limit, bool& overLimit) {
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n > 0) {
            const size_t room = into.size() < limit ? limit - into.size() : 0;
            into.append(buf, std::min(room, static_cast<size_t>(n)));
            if (static_cast<size_t>(n) > room) overLimit = true;
            continue;
        }
        if (n == 0) return false;
        if (errno == EINTR) continue;
        return errno == EAGAIN || errno == EWOULDBLOCK;
    }
}

// Waits for the child up to `until` (monotonic ns). Returns true with its status once it exited.
bool waitChild(pid_t pid, int pidFd, uint64_t until, int& status) {
    for (;;) {
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) return true;
        if (r < 0 && errno == ECHILD) {
            status = -1;  // someone else collected it (SIGCHLD ignored by the host)
            return true;
        }
        const uint64_t now = monotonicNs();
        if (now >= until) return false;
        const int waitMs = static_cast<int>(std::min<uint64_t>((until - now) / 1000000 + 1, 10));
        if (pidFd >= 0) {
            pollfd p{pidFd, POLLIN, 0};
            ::poll(&p, 1, waitMs);
        } else {
            ::usleep(static_cast<useconds_t>(std::min(waitMs, 2)) * 1000);
        }
    }
}

// A host started without stdin/stdout gets pipe ends numbered 0-2, which the child's own
// 0-2 set-up would overwrite: move them above.
int aboveStdio(int fd) {
    if (fd > 2) return fd;
    const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
    ::close(fd);
    return moved;
}

void killGroup(pid_t pid) {
    ::kill(-pid, SIGKILL);  // the command and anything it started (it leads its own group)
    ::kill(pid, SIGKILL);
}

}  // namespace

std::string CommandResult::firstErrorLine() const {
    for (const std::string* text : {&err, &out}) {
        size_t start = 0;
        while (start < text->size()) {
            size_t end = text->find('\n', start);
            if (end == std::string::npos) end = text->size();
            std::string line = text->substr(start, end - start);
            const auto b = line.find_first_not_of(" \t\r");
            if (b != std::string::npos) {
                line = line.substr(b, line.find_last_not_of(" \t\r") - b + 1);
                if (line.size() > 300) line = line.substr(0, 300) + "...";
                return line;
            }
            start = end + 1;
        }
    }
    return "";
}

std::string CommandResult::describe(const std::string& program) const {
    switch (outcome) {
        case Outcome::Exited: {
            if (exitCode == 0) return program + " succeeded";
            std::string s = program + " exited with status " + std::to_string(exitCode);
            const std::string line = firstErrorLine();
            return line.empty() ? s : s + ": " + line;
        }
        case Outcome::Signalled: return program + " was killed by signal " + std::to_string(signal);
        case Outcome::TimedOut:
            return program + " did not finish within " + std::to_string(static_cast<long long>(durationMs)) + " ms";
        case Outcome::OutputTooLarge: return program + " printed more output than the configured bound";
        case Outcome::NotFound: return program + " was not found (" + spawnError + ")";
        case Outcome::SpawnFailed: return program + " could not be started: " + spawnError;
    }
    return program + " failed";
}

CommandRunner::CommandRunner(std::vector<std::string> environment) : environment_(std::move(environment)) {}

std::vector<std::string> CommandRunner::defaultEnvironment() {
    return {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", "TZ=UTC"};
}

size_t CommandRunner::unreapedChildren() {
    reapAbandoned();
    std::lock_guard<std::mutex> lock(g_unreapedMutex);
    return g_unreaped.size();
}

CommandResult CommandRunner::run(const std::vector<std::string>& argv, const CommandLimits& limits,
                                 uint64_t deadlineNs) const {
    reapAbandoned();
    CommandResult result;
    const uint64_t started = monotonicNs();
    const uint64_t timeoutNs = static_cast<uint64_t>(std::max<int64_t>(limits.timeout.count(), 0)) * 1000000ull;
    const uint64_t deadline = std::min(deadlineNs, started + timeoutNs);
    const auto finish = [&]() -> CommandResult& {
        result.durationMs = static_cast<double>(monotonicNs() - started) / 1e6;
        return result;
    };
    if (argv.empty() || argv[0].empty() || argv[0][0] != '/') {
        result.outcome = CommandResult::Outcome::SpawnFailed;
        result.spawnError = "the command must be an absolute path";
        return finish();
    }

    int outPipe[2], errPipe[2];
    if (::pipe2(outPipe, O_CLOEXEC) != 0) {
        result.spawnError = std::strerror(errno);
        return finish();
    }
    Fd outRead(aboveStdio(outPipe[0])), outWrite(aboveStdio(outPipe[1]));
    if (::pipe2(errPipe, O_CLOEXEC) != 0) {
        result.spawnError = std::strerror(errno);
        return finish();
    }
    Fd errRead(aboveStdio(errPipe[0])), errWrite(aboveStdio(errPipe[1]));

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, outWrite.get(), 1);
    posix_spawn_file_actions_adddup2(&actions, errWrite.get(), 2);
    // Descriptors the host left open without O_CLOEXEC (sockets, files) stay in the host.
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);

    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);    // the host may block signals in its threads
    posix_spawnattr_setsigdefault(&attr, &all);  // and ignore SIGPIPE
    posix_spawnattr_setpgroup(&attr, 0);         // own group: a deadline kills what it started too
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);

    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::vector<char*> env;
    for (const auto& e : environment_) env.push_back(const_cast<char*>(e.c_str()));
    env.push_back(nullptr);

    pid_t pid = -1;
    const int spawned = ::posix_spawn(&pid, argv[0].c_str(), &actions, &attr, args.data(), env.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (spawned != 0) {
        result.outcome = spawned == ENOENT || spawned == ENOTDIR ? CommandResult::Outcome::NotFound
                                                                 : CommandResult::Outcome::SpawnFailed;
        result.spawnError = std::string(std::strerror(spawned)) + ": " + argv[0];
        return finish();
    }
    outWrite.reset();
    errWrite.reset();
    ::fcntl(outRead.get(), F_SETFL, O_NONBLOCK);
    ::fcntl(errRead.get(), F_SETFL, O_NONBLOCK);
    Fd pidFd(openPidFd(pid));

    bool outOpen = true, errOpen = true, exited = false, tooLarge = false, errOverflow = false;
    int status = 0;
    uint64_t exitedAt = 0;
    while (outOpen || errOpen) {
        const uint64_t now = monotonicNs();
        if (now >= deadline) break;
        if (exited && now - exitedAt >= static_cast<uint64_t>(kDrainGrace.count()) * 1000000ull) break;
        pollfd fds[3];
        nfds_t n = 0;
        if (outOpen) fds[n++] = {outRead.get(), POLLIN, 0};
        if (errOpen) fds[n++] = {errRead.get(), POLLIN, 0};
        const bool watchPid = !exited && pidFd.get() >= 0;
        if (watchPid) fds[n++] = {pidFd.get(), POLLIN, 0};
        uint64_t waitNs = deadline - now;
        if (!exited && pidFd.get() < 0) waitNs = std::min<uint64_t>(waitNs, 20000000ull);  // re-check waitpid
        if (exited) waitNs = std::min<uint64_t>(waitNs, 10000000ull);
        const int r = ::poll(fds, n, static_cast<int>(waitNs / 1000000ull) + 1);
        if (r < 0 && errno != EINTR) break;
        if (outOpen) outOpen = drain(outRead.get(), result.out, limits.maxOutputBytes, tooLarge);
        if (errOpen) errOpen = drain(errRead.get(), result.err, limits.maxErrorBytes, errOverflow);
        if (tooLarge) break;
        if (!exited && ::waitpid(pid, &status, WNOHANG) == pid) {
            exited = true;
            exitedAt = monotonicNs();
        }
    }

    // Output complete (or poll failed): the exit may still be a moment away.
    if (!exited && !tooLarge) exited = waitChild(pid, pidFd.get(), deadline, status);
    if (exited) {
        // Anything it left behind in its group holds no claim on the caller.
        ::kill(-pid, SIGKILL);
        if (tooLarge) {
            result.outcome = CommandResult::Outcome::OutputTooLarge;
        } else if (status == -1) {
            result.outcome = CommandResult::Outcome::Exited;
            result.exitCode = -1;
        } else if (WIFEXITED(status)) {
            result.outcome = CommandResult::Outcome::Exited;
            result.exitCode = WEXITSTATUS(status);
        } else {
            result.outcome = CommandResult::Outcome::Signalled;
            result.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
        }
        return finish();
    }

    killGroup(pid);
    result.outcome = tooLarge ? CommandResult::Outcome::OutputTooLarge : CommandResult::Outcome::TimedOut;
    finish();  // the time until the kill, not the time spent reaping
    const double measured = result.durationMs;
    const uint64_t graceUntil = monotonicNs() + static_cast<uint64_t>(kKillGrace.count()) * 1000000ull;
    if (!waitChild(pid, pidFd.get(), graceUntil, status)) {
        result.reaped = false;
        std::lock_guard<std::mutex> lock(g_unreapedMutex);
        g_unreaped.push_back(pid);
    }
    result.durationMs = measured;
    return result;
}

}  // namespace ha_plugins
