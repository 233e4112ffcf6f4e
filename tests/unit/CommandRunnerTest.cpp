// The plugins' command runner against real child processes (/bin/sh scripts): exit status,
// captured output, the minimal environment, deadlines that kill the whole process group,
// the output bound, missing programs; and the time-bounded result cache.
#include "TestSupport.h"

#include "common/CommandRunner.h"
#include "common/ResultCache.h"

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <chrono>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdexcept>
#include <thread>
#include <unistd.h>

namespace ha {

using ha_plugins::CommandLimits;
using ha_plugins::CommandResult;
using ha_plugins::CommandRunner;
using ha_plugins::ResultCache;

namespace {

std::string script(const test::TempDir& dir, const std::string& name, const std::string& body) {
    const std::string path = dir.file(name);
    test::writeFile(path, "#!/bin/sh\n" + body);
    ::chmod(path.c_str(), 0755);
    return path;
}

CommandLimits limits(int timeoutMs, size_t maxOut = 1 << 20) {
    CommandLimits l;
    l.timeout = std::chrono::milliseconds(timeoutMs);
    l.maxOutputBytes = maxOut;
    return l;
}

// Running, not a zombie waiting for whichever init adopted it.
bool alive(pid_t pid) {
    if (::kill(pid, 0) != 0 && errno != EPERM) return false;
    const std::string stat = test::readFile("/proc/" + std::to_string(pid) + "/stat");
    const size_t paren = stat.rfind(')');
    return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] != 'Z';
}

}  // namespace

class CommandRunnerTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(CommandRunnerTest);
    CPPUNIT_TEST(testExitStatusAndOutput);
    CPPUNIT_TEST(testFixedArgvNoShell);
    CPPUNIT_TEST(testMinimalEnvironmentAndStdin);
    CPPUNIT_TEST(testHostDescriptorsStayInHost);
    CPPUNIT_TEST(testDeadlineKillsProcessGroup);
    CPPUNIT_TEST(testCallerDeadlineWins);
    CPPUNIT_TEST(testOutputBound);
    CPPUNIT_TEST(testStderrBoundDoesNotBlock);
    CPPUNIT_TEST(testMissingAndRelativePrograms);
    CPPUNIT_TEST(testSignalled);
    CPPUNIT_TEST(testCacheRunsOnceForABurst);
    CPPUNIT_TEST(testCacheExpiresAndFailuresAreNotCached);
    CPPUNIT_TEST(testCacheWaiterGivesUp);
    CPPUNIT_TEST_SUITE_END();

public:
    void testExitStatusAndOutput() {
        test::TempDir dir;
        const auto sh = script(dir, "a.sh", "echo out-line\necho err-line >&2\nexit 3\n");
        const CommandResult r = CommandRunner().run({sh}, limits(5000));
        CPPUNIT_ASSERT(r.outcome == CommandResult::Outcome::Exited);
        CPPUNIT_ASSERT_EQUAL(3, r.exitCode);
        CPPUNIT_ASSERT_EQUAL(std::string("out-line\n"), r.out);
        CPPUNIT_ASSERT_EQUAL(std::string("err-line\n"), r.err);
        CPPUNIT_ASSERT(!r.succeeded());
        CPPUNIT_ASSERT_EQUAL(std::string("a exited with status 3: err-line"), r.describe("a"));
        const CommandResult ok = CommandRunner().run({"/bin/true"}, limits(5000));
        CPPUNIT_ASSERT(ok.succeeded());
    }

    void testFixedArgvNoShell() {
        // Arguments reach the program as they are: no word splitting, globbing or substitution.
        test::TempDir dir;
        const auto sh = script(dir, "args.sh", "for a in \"$@\"; do printf '[%s]' \"$a\"; done\n");
        const CommandResult r = CommandRunner().run({sh, "a b", "*", "$(id)", ";ls"}, limits(5000));
        CPPUNIT_ASSERT_EQUAL(std::string("[a b][*][$(id)][;ls]"), r.out);
    }

    void testMinimalEnvironmentAndStdin() {
        ::setenv("HA_RUNNER_SECRET", "hunter2", 1);
        test::TempDir dir;
        const auto sh = script(dir, "env.sh", "env | sort\nread line && echo \"stdin: $line\" || echo stdin-empty\n");
        const CommandResult r = CommandRunner().run({sh}, limits(5000));
        ::unsetenv("HA_RUNNER_SECRET");
        CPPUNIT_ASSERT(r.out.find("HA_RUNNER_SECRET") == std::string::npos);
        CPPUNIT_ASSERT(r.out.find("LC_ALL=C\n") != std::string::npos);
        CPPUNIT_ASSERT(r.out.find("TZ=UTC\n") != std::string::npos);
        CPPUNIT_ASSERT(r.out.find("PATH=/usr/sbin:/usr/bin:/sbin:/bin\n") != std::string::npos);
        CPPUNIT_ASSERT(r.out.find("stdin-empty") != std::string::npos);
        const CommandResult custom = CommandRunner({"ONLY=1"}).run({"/usr/bin/env"}, limits(5000));
        CPPUNIT_ASSERT_EQUAL(std::string("ONLY=1\n"), custom.out);
    }

    void testHostDescriptorsStayInHost() {
        test::TempDir dir;
        const int fd = ::open(dir.file("held").c_str(), O_CREAT | O_WRONLY, 0600);  // no O_CLOEXEC
        CPPUNIT_ASSERT(fd > 2);
        const auto sh = script(dir, "fds.sh", "ls /proc/self/fd\n");
        const CommandResult r = CommandRunner().run({sh}, limits(5000));
        ::close(fd);
        // Only 0-2 and the descriptor ls itself opens to read the directory.
        CPPUNIT_ASSERT(r.out.find("\n" + std::to_string(fd) + "\n") == std::string::npos || fd == 3);
        size_t lines = 0;
        for (char c : r.out) lines += c == '\n' ? 1 : 0;
        CPPUNIT_ASSERT_MESSAGE(r.out, lines <= 4);
    }

    void testDeadlineKillsProcessGroup() {
        test::TempDir dir;
        // The script starts a grandchild, records both pids, then hangs like a stuck zpool.
        const auto sh = script(dir, "hang.sh", "sleep 60 &\necho $! > " + dir.file("grandchild") + "\necho $$ > " +
                                                   dir.file("child") + "\necho started\nwait\n");
        const auto t0 = std::chrono::steady_clock::now();
        const CommandResult r = CommandRunner().run({sh}, limits(300));
        const auto took = std::chrono::steady_clock::now() - t0;
        CPPUNIT_ASSERT(r.outcome == CommandResult::Outcome::TimedOut);
        CPPUNIT_ASSERT_EQUAL(std::string("started\n"), r.out);  // what it printed before the deadline
        CPPUNIT_ASSERT(took < std::chrono::milliseconds(2000));
        CPPUNIT_ASSERT(r.durationMs >= 290 && r.durationMs < 1000);
        CPPUNIT_ASSERT(r.reaped);
        const pid_t child = std::stoi(test::readFile(dir.file("child")));
        const pid_t grandchild = std::stoi(test::readFile(dir.file("grandchild")));
        CPPUNIT_ASSERT(!alive(child));  // killed and reaped: not even a zombie
        for (int i = 0; i < 100 && alive(grandchild); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        CPPUNIT_ASSERT(!alive(grandchild));  // killed with its group (reaped by init)
        CPPUNIT_ASSERT_EQUAL(size_t(0), CommandRunner::unreapedChildren());
    }

    void testCallerDeadlineWins() {
        timespec ts{};
        clock_gettime(CLOCK_MONOTONIC, &ts);
        const uint64_t in200ms = static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec) + 200000000ull;
        const CommandResult r = CommandRunner().run({"/bin/sleep", "10"}, limits(10000), in200ms);
        CPPUNIT_ASSERT(r.outcome == CommandResult::Outcome::TimedOut);
        CPPUNIT_ASSERT(r.durationMs < 1000);
    }

    void testOutputBound() {
        const auto t0 = std::chrono::steady_clock::now();
        const CommandResult r = CommandRunner().run({"/usr/bin/yes", "a line of endless output"}, limits(10000, 100000));
        CPPUNIT_ASSERT(r.outcome == CommandResult::Outcome::OutputTooLarge);
        CPPUNIT_ASSERT_EQUAL(size_t(100000), r.out.size());
        CPPUNIT_ASSERT(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(3));
        CPPUNIT_ASSERT(r.reaped);
    }

    void testStderrBoundDoesNotBlock() {
        // A command that floods stderr past its bound still runs to its end (it is drained).
        test::TempDir dir;
        const auto sh = script(dir, "noisy.sh", "i=0; while [ $i -lt 3000 ]; do echo 'warning: something' >&2; i=$((i+1)); done\necho done\n");
        CommandLimits l = limits(10000);
        l.maxErrorBytes = 1000;
        const CommandResult r = CommandRunner().run({sh}, l);
        CPPUNIT_ASSERT(r.succeeded());
        CPPUNIT_ASSERT_EQUAL(std::string("done\n"), r.out);
        CPPUNIT_ASSERT_EQUAL(size_t(1000), r.err.size());
    }

    void testMissingAndRelativePrograms() {
        const CommandResult missing = CommandRunner().run({"/nonexistent/zpool", "list"}, limits(5000));
        CPPUNIT_ASSERT(missing.outcome == CommandResult::Outcome::NotFound);
        CPPUNIT_ASSERT(missing.describe("zpool").find("not found") != std::string::npos);
        const CommandResult relative = CommandRunner().run({"zpool", "list"}, limits(5000));
        CPPUNIT_ASSERT(relative.outcome == CommandResult::Outcome::SpawnFailed);
        CPPUNIT_ASSERT(CommandRunner().run({}, limits(5000)).outcome == CommandResult::Outcome::SpawnFailed);
        test::TempDir dir;
        test::writeFile(dir.file("notexec"), "#!/bin/sh\n");
        ::chmod(dir.file("notexec").c_str(), 0644);
        const CommandResult denied = CommandRunner().run({dir.file("notexec")}, limits(5000));
        CPPUNIT_ASSERT(denied.outcome == CommandResult::Outcome::SpawnFailed);
        CPPUNIT_ASSERT(denied.spawnError.find("ermission") != std::string::npos);
    }

    void testSignalled() {
        test::TempDir dir;
        const auto sh = script(dir, "self.sh", "kill -SEGV $$\n");
        const CommandResult r = CommandRunner().run({sh}, limits(5000));
        CPPUNIT_ASSERT(r.outcome == CommandResult::Outcome::Signalled);
        CPPUNIT_ASSERT_EQUAL(SIGSEGV, r.signal);
    }

    void testCacheRunsOnceForABurst() {
        ResultCache<int> cache(std::chrono::seconds(5));
        std::atomic<int> made{0};
        std::vector<std::thread> threads;
        std::vector<int> seen(8, 0);
        for (int t = 0; t < 8; ++t) {
            threads.emplace_back([&, t] {
                auto v = cache.get(
                    "zpool status",
                    [&] {
                        std::this_thread::sleep_for(std::chrono::milliseconds(200));
                        return ++made;
                    },
                    std::chrono::steady_clock::now() + std::chrono::seconds(5));
                seen[static_cast<size_t>(t)] = v.value_or(-1);
            });
        }
        for (auto& th : threads) th.join();
        CPPUNIT_ASSERT_EQUAL(1, made.load());
        for (int v : seen) CPPUNIT_ASSERT_EQUAL(1, v);
        CPPUNIT_ASSERT_EQUAL(size_t(1), cache.runs());
        CPPUNIT_ASSERT_EQUAL(size_t(7), cache.hits());
    }

    void testCacheExpiresAndFailuresAreNotCached() {
        ResultCache<int> cache(std::chrono::milliseconds(100));
        int made = 0;
        const auto make = [&] { return ++made; };
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        CPPUNIT_ASSERT_EQUAL(1, *cache.get("k", make, until));
        CPPUNIT_ASSERT_EQUAL(1, *cache.get("k", make, until));
        CPPUNIT_ASSERT_EQUAL(2, *cache.get("other", make, until));  // keys apart
        std::this_thread::sleep_for(std::chrono::milliseconds(150));
        CPPUNIT_ASSERT_EQUAL(3, *cache.get("k", make, until));
        CPPUNIT_ASSERT_THROW(cache.get("bad", [&]() -> int { throw std::runtime_error("no"); }, until), std::runtime_error);
        CPPUNIT_ASSERT_EQUAL(4, *cache.get("bad", make, until));  // the exception was not remembered
        ResultCache<int> off(std::chrono::milliseconds(0));
        CPPUNIT_ASSERT_EQUAL(5, *off.get("k", make, until));
        CPPUNIT_ASSERT_EQUAL(6, *off.get("k", make, until));
        ResultCache<int> small(std::chrono::seconds(5), 2);
        for (int i = 0; i < 10; ++i) small.get("key" + std::to_string(i), make, until);
        CPPUNIT_ASSERT(!small.age("key0"));  // the oldest went
        CPPUNIT_ASSERT(small.age("key9"));
    }

    void testCacheWaiterGivesUp() {
        ResultCache<int> cache(std::chrono::seconds(5));
        std::thread slow([&] {
            cache.get(
                "k",
                [] {
                    std::this_thread::sleep_for(std::chrono::milliseconds(500));
                    return 1;
                },
                std::chrono::steady_clock::now() + std::chrono::seconds(5));
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        const auto t0 = std::chrono::steady_clock::now();
        auto v = cache.get("k", [] { return 2; }, std::chrono::steady_clock::now() + std::chrono::milliseconds(100));
        CPPUNIT_ASSERT(!v);
        CPPUNIT_ASSERT(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(400));
        slow.join();
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CommandRunnerTest);

}  // namespace ha
