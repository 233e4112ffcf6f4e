#include "TestSupport.h"
#include "audit/AuditLog.h"
#include "util/Json.h"

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <sstream>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <thread>
#include <vector>

namespace ha {

class AuditLogTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(AuditLogTest);
    CPPUNIT_TEST(testRedactsConfiguredSecrets);
    CPPUNIT_TEST(testRedactsKeyShapedTokens);
    CPPUNIT_TEST(testLeavesOrdinaryTextAlone);
    CPPUNIT_TEST(testAppendsOneLinePerRecord);
    CPPUNIT_TEST(testLinesNeverContainSecrets);
    CPPUNIT_TEST(testConcurrentAppendsStayWholeLines);
    CPPUNIT_TEST(testUnwritablePathIsAnError);
    CPPUNIT_TEST(testTimestampFormat);
    CPPUNIT_TEST(testShortWriteLeavesNoTornLine);
    CPPUNIT_TEST(testConcurrentAppendsShareOneSync);
    CPPUNIT_TEST(testFailedSyncWithholdsAndCutsItsRecords);
    CPPUNIT_TEST(testEverySyncMode);
    CPPUNIT_TEST(testReopensAfterLogrotateMovedTheFile);
    CPPUNIT_TEST(testCutsATornTailOnOpen);
    CPPUNIT_TEST(testAppendThenTellsOnlyAfterASyncThatCoversIt);
    CPPUNIT_TEST(testAppendThenTellsAFailedSyncAndCutsTheRecord);
    CPPUNIT_TEST(testAppendThenWithoutBatchTellsAtOnce);
    CPPUNIT_TEST(testAppendThenUnwritableThrowsAndNeverTells);
    CPPUNIT_TEST_SUITE_END();

    static json::Object::Ptr record(int n, size_t payload = 100) {
        auto rec = json::object();
        rec->set("n", n);
        rec->set("payload", std::string(payload, 'p'));
        return rec;
    }
    // Every line of the file, each checked to be a whole JSON object; fails on a torn one.
    static std::vector<int64_t> wholeLines(const std::string& path) {
        const std::string content = test::readFile(path);
        CPPUNIT_ASSERT_MESSAGE("the file ends inside a line", content.empty() || content.back() == '\n');
        std::istringstream in(content);
        std::string line;
        std::vector<int64_t> numbers;
        while (std::getline(in, line)) {
            json::Object::Ptr o;
            CPPUNIT_ASSERT_NO_THROW_MESSAGE(line.substr(0, 200), o = json::parseObject(line));
            numbers.push_back(json::getInt(o, "n").value_or(-1));
        }
        return numbers;
    }

public:
    void testRedactsConfiguredSecrets() {
        const Redactor r({"super-secret-api-key-1", "quote\"and\\slash-secret"});
        CPPUNIT_ASSERT_EQUAL(std::string("key=[REDACTED]; again [REDACTED]."),
                             r.redact("key=super-secret-api-key-1; again super-secret-api-key-1."));
        // The JSON-escaped form is masked too.
        const std::string line = json::stringify(json::Var(std::string("quote\"and\\slash-secret")));
        CPPUNIT_ASSERT_EQUAL(std::string("\"[REDACTED]\""), r.redact(line));
    }

    void testRedactsKeyShapedTokens() {
        const Redactor r;
        CPPUNIT_ASSERT_EQUAL(std::string("use [REDACTED] now"), r.redact("use gsk_abcdefghijklmnopqrstuvwxyz0123 now"));
        CPPUNIT_ASSERT_EQUAL(std::string("[REDACTED]"), r.redact("sk-proj-ABCDEFGHIJKLMNOPQRSTUV_12"));
        CPPUNIT_ASSERT_EQUAL(std::string("Authorization: Bearer [REDACTED]"),
                             r.redact("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig"));
    }

    void testLeavesOrdinaryTextAlone() {
        const Redactor r({"short", "longer-secret-value"});  // "short" is under 8 characters: ignored
        const std::string text = "disk-usage is short; task-1 and sk-short stay; risk-assessment too";
        CPPUNIT_ASSERT_EQUAL(text, r.redact(text));
    }

    void testAppendsOneLinePerRecord() {
        test::TempDir dir;
        const Redactor redactor;
        AuditLog log(dir.file("audit.jsonl"), redactor);
        log.checkWritable();
        struct stat st{};
        CPPUNIT_ASSERT_EQUAL(0, ::stat(dir.file("audit.jsonl").c_str(), &st));
        CPPUNIT_ASSERT_EQUAL(0640u, static_cast<unsigned>(st.st_mode & 0777));
        for (int i = 0; i < 3; ++i) {
            auto rec = json::object();
            rec->set("n", i);
            rec->set("text", "line\nbreak");
            log.append(rec);
        }
        std::istringstream in(test::readFile(dir.file("audit.jsonl")));
        std::string line;
        int n = 0;
        while (std::getline(in, line)) {
            auto o = json::parseObject(line);
            CPPUNIT_ASSERT_EQUAL(int64_t(n), *json::getInt(o, "n"));
            CPPUNIT_ASSERT_EQUAL(std::string("line\nbreak"), *json::getString(o, "text"));
            ++n;
        }
        CPPUNIT_ASSERT_EQUAL(3, n);
    }

    void testLinesNeverContainSecrets() {
        test::TempDir dir;
        const Redactor redactor(std::vector<std::string>{"the-api-key-0123456789"});
        AuditLog log(dir.file("audit.jsonl"), redactor);
        auto rec = json::object();
        rec->set("user_message", "my key is the-api-key-0123456789, and gsk_abcdefghijklmnopqrstuvwxyz");
        log.append(rec);
        const std::string content = test::readFile(dir.file("audit.jsonl"));
        CPPUNIT_ASSERT(content.find("the-api-key-0123456789") == std::string::npos);
        CPPUNIT_ASSERT(content.find("gsk_abcdef") == std::string::npos);
        CPPUNIT_ASSERT(content.find("my key is [REDACTED], and [REDACTED]") != std::string::npos);
    }

    void testConcurrentAppendsStayWholeLines() {
        test::TempDir dir;
        const Redactor redactor;
        AuditLog log(dir.file("audit.jsonl"), redactor);
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&log, t] {
                for (int i = 0; i < 50; ++i) {
                    auto rec = json::object();
                    rec->set("thread", t);
                    rec->set("payload", std::string(2000, static_cast<char>('a' + t)));
                    log.append(rec);
                }
            });
        }
        for (auto& th : threads) th.join();
        std::istringstream in(test::readFile(dir.file("audit.jsonl")));
        std::string line;
        int n = 0;
        while (std::getline(in, line)) {
            CPPUNIT_ASSERT_NO_THROW(json::parseObject(line));
            ++n;
        }
        CPPUNIT_ASSERT_EQUAL(200, n);
    }

    void testUnwritablePathIsAnError() {
        const Redactor redactor;
        AuditLog log("/nonexistent-dir/audit.jsonl", redactor);
        CPPUNIT_ASSERT_THROW(log.checkWritable(), AuditError);
        CPPUNIT_ASSERT_THROW(log.append(json::object()), AuditError);
    }

    void testTimestampFormat() {
        const std::string ts = AuditLog::timestampNow();
        CPPUNIT_ASSERT_EQUAL(size_t(27), ts.size());  // 2026-11-24T10:23:50.123456Z
        CPPUNIT_ASSERT_EQUAL('T', ts[10]);
        CPPUNIT_ASSERT_EQUAL('Z', ts.back());
    }

    // A write that comes up short (a full disk; here the file size limit, which fails the same
    // way without root) leaves nothing of its record, and the next record is a line of its own.
    // Before, the partial line stayed and the next record was glued onto it.
    void testShortWriteLeavesNoTornLine() {
        test::TempDir dir;
        const Redactor redactor;
        AuditLog log(dir.file("audit.jsonl"), redactor, AuditSync::None);
        log.append(record(1));
        struct stat st{};
        CPPUNIT_ASSERT_EQUAL(0, ::stat(dir.file("audit.jsonl").c_str(), &st));
        struct rlimit saved{};
        CPPUNIT_ASSERT_EQUAL(0, ::getrlimit(RLIMIT_FSIZE, &saved));
        const auto oldHandler = ::signal(SIGXFSZ, SIG_IGN);  // EFBIG instead of the signal
        struct rlimit small = saved;
        small.rlim_cur = static_cast<rlim_t>(st.st_size) + 40;  // room for 40 bytes of the next line
        CPPUNIT_ASSERT_EQUAL(0, ::setrlimit(RLIMIT_FSIZE, &small));
        bool failed = false;
        try {
            log.append(record(2, 500));
        } catch (const AuditError& e) {
            failed = true;
            CPPUNIT_ASSERT_MESSAGE(e.what(), std::string(e.what()).find("write failed") != std::string::npos);
        }
        ::setrlimit(RLIMIT_FSIZE, &saved);
        ::signal(SIGXFSZ, oldHandler);
        CPPUNIT_ASSERT(failed);
        CPPUNIT_ASSERT(wholeLines(dir.file("audit.jsonl")) == std::vector<int64_t>({1}));
        log.append(record(3));  // space is back: a clean record on a line of its own
        CPPUNIT_ASSERT(wholeLines(dir.file("audit.jsonl")) == std::vector<int64_t>({1, 3}));
    }

    // Group commit: appends that arrive while a sync runs wait for the next one, which covers
    // them all; each append returns only after a sync that covers its record.
    void testConcurrentAppendsShareOneSync() {
        test::TempDir dir;
        const Redactor redactor;
        std::atomic<int> syncs{0};
        AuditLog log(dir.file("audit.jsonl"), redactor, AuditSync::Batch, [&](int fd) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a slow disk
            ++syncs;
            return ::fdatasync(fd);
        });
        std::atomic<int> returnedUnsynced{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 8; ++t) {
            threads.emplace_back([&, t] {
                for (int i = 0; i < 10; ++i) {
                    log.append(record(t * 100 + i));
                    if (syncs.load() == 0) ++returnedUnsynced;
                }
            });
        }
        for (auto& th : threads) th.join();
        CPPUNIT_ASSERT_EQUAL(0, returnedUnsynced.load());
        CPPUNIT_ASSERT_EQUAL(size_t(80), wholeLines(dir.file("audit.jsonl")).size());
        CPPUNIT_ASSERT_EQUAL(uint64_t(syncs.load()), log.syncCount());
        // 80 records, 8 writers: about one sync per round of writers, far fewer than records.
        CPPUNIT_ASSERT_MESSAGE(std::to_string(syncs.load()) + " syncs", syncs.load() <= 40);
    }

    // A failed fdatasync: what it was to cover is withheld from every waiting caller and cut
    // from the file, so no record of a withheld answer looks committed.
    void testFailedSyncWithholdsAndCutsItsRecords() {
        test::TempDir dir;
        const Redactor redactor;
        std::atomic<bool> fail{false};
        AuditLog log(dir.file("audit.jsonl"), redactor, AuditSync::Batch, [&](int fd) {
            if (fail) {
                errno = EIO;
                return -1;
            }
            return ::fdatasync(fd);
        });
        log.append(record(1));
        fail = true;
        CPPUNIT_ASSERT_THROW(log.append(record(2)), AuditError);
        CPPUNIT_ASSERT(wholeLines(dir.file("audit.jsonl")) == std::vector<int64_t>({1}));
        fail = false;
        log.append(record(3));
        CPPUNIT_ASSERT(wholeLines(dir.file("audit.jsonl")) == std::vector<int64_t>({1, 3}));
    }

    // The worker-free group commit: appendThen() returns at once, and each record is told durable
    // only after an fdatasync that started after it was written; the syncs are shared.
    void testAppendThenTellsOnlyAfterASyncThatCoversIt() {
        test::TempDir dir;
        const Redactor redactor;
        std::atomic<int> started{0}, completed{0};
        std::atomic<int> told{0}, toldEarly{0}, toldFailed{0};
        {
            AuditLog log(dir.file("audit.jsonl"), redactor, AuditSync::Batch, [&](int fd) {
                ++started;
                std::this_thread::sleep_for(std::chrono::milliseconds(5));  // a slow disk
                const int rc = ::fdatasync(fd);
                ++completed;
                return rc;
            });
            std::vector<std::thread> threads;
            for (int t = 0; t < 4; ++t) {
                threads.emplace_back([&, t] {
                    for (int i = 0; i < 50; ++i) {
                        const int before = started.load();  // a sync covering it starts after the write
                        log.appendThen(record(t * 100 + i), [&, before](const AuditError* failure) {
                            if (failure != nullptr) ++toldFailed;
                            if (completed.load() < before + 1) ++toldEarly;
                            ++told;
                        });
                    }
                });
            }
            for (auto& th : threads) th.join();
            CPPUNIT_ASSERT(log.drain(std::chrono::seconds(10)));
            CPPUNIT_ASSERT_EQUAL(200, told.load());
            CPPUNIT_ASSERT_EQUAL(0, toldEarly.load());
            CPPUNIT_ASSERT_EQUAL(0, toldFailed.load());
            CPPUNIT_ASSERT_EQUAL(uint64_t(completed.load()), log.syncCount());
            CPPUNIT_ASSERT_MESSAGE(std::to_string(completed.load()) + " syncs", completed.load() < 200);
            // A record left waiting when the log goes is still synced and told.
            log.appendThen(record(999), [&](const AuditError* failure) {
                if (failure == nullptr) ++told;
            });
        }
        CPPUNIT_ASSERT_EQUAL(201, told.load());
        CPPUNIT_ASSERT_EQUAL(size_t(201), wholeLines(dir.file("audit.jsonl")).size());
    }

    void testAppendThenTellsAFailedSyncAndCutsTheRecord() {
        test::TempDir dir;
        const Redactor redactor;
        std::atomic<bool> fail{false};
        AuditLog log(dir.file("audit.jsonl"), redactor, AuditSync::Batch, [&](int fd) {
            if (fail) {
                errno = EIO;
                return -1;
            }
            return ::fdatasync(fd);
        });
        log.append(record(1));
        fail = true;
        std::string why;
        std::atomic<int> told{0};
        log.appendThen(record(2), [&](const AuditError* failure) {
            if (failure != nullptr) why = failure->what();
            ++told;
        });
        CPPUNIT_ASSERT(log.drain(std::chrono::seconds(10)));
        CPPUNIT_ASSERT_EQUAL(1, told.load());
        CPPUNIT_ASSERT_MESSAGE(why, why.find("fdatasync failed") != std::string::npos);
        CPPUNIT_ASSERT(wholeLines(dir.file("audit.jsonl")) == std::vector<int64_t>({1}));
        fail = false;
        bool durable = false;
        log.appendThen(record(3), [&](const AuditError* failure) { durable = failure == nullptr; });
        CPPUNIT_ASSERT(log.drain(std::chrono::seconds(10)));
        CPPUNIT_ASSERT(durable);
        CPPUNIT_ASSERT(wholeLines(dir.file("audit.jsonl")) == std::vector<int64_t>({1, 3}));
    }

    void testAppendThenWithoutBatchTellsAtOnce() {
        for (AuditSync mode : {AuditSync::None, AuditSync::Always}) {
            test::TempDir dir;
            const Redactor redactor;
            AuditLog log(dir.file("audit.jsonl"), redactor, mode);
            bool told = false;
            log.appendThen(record(1), [&](const AuditError* failure) { told = failure == nullptr; });
            CPPUNIT_ASSERT(told);  // before appendThen() returned
            CPPUNIT_ASSERT_EQUAL(size_t(1), wholeLines(dir.file("audit.jsonl")).size());
        }
    }

    void testAppendThenUnwritableThrowsAndNeverTells() {
        test::TempDir dir;
        const Redactor redactor;
        AuditLog log(dir.file("missing/audit.jsonl"), redactor, AuditSync::Batch);
        bool told = false;
        CPPUNIT_ASSERT_THROW(log.appendThen(record(1), [&](const AuditError*) { told = true; }), AuditError);
        CPPUNIT_ASSERT(log.drain(std::chrono::seconds(1)));
        CPPUNIT_ASSERT(!told);
    }

    void testEverySyncMode() {
        for (AuditSync mode : {AuditSync::None, AuditSync::Batch, AuditSync::Always}) {
            test::TempDir dir;
            const Redactor redactor;
            AuditLog log(dir.file("audit.jsonl"), redactor, mode);
            log.checkWritable();
            for (int i = 0; i < 5; ++i) log.append(record(i));
            CPPUNIT_ASSERT_EQUAL(size_t(5), wholeLines(dir.file("audit.jsonl")).size());
            CPPUNIT_ASSERT_EQUAL(uint64_t(mode == AuditSync::Batch ? 5 : 0), log.syncCount());
        }
    }

    // logrotate's create mode: the file is moved and a new one created; the very next record
    // goes to the new file (nothing is lost: the moved file has the rest). When the path cannot
    // be opened, appends fail (no record into the moved file) until it can be again.
    void testReopensAfterLogrotateMovedTheFile() {
        test::TempDir dir;
        const Redactor redactor;
        AuditLog log(dir.file("audit.jsonl"), redactor);
        log.append(record(1));
        CPPUNIT_ASSERT_EQUAL(0, ::rename(dir.file("audit.jsonl").c_str(), dir.file("audit.jsonl.1").c_str()));
        log.append(record(2));
        CPPUNIT_ASSERT(wholeLines(dir.file("audit.jsonl.1")) == std::vector<int64_t>({1}));
        CPPUNIT_ASSERT(wholeLines(dir.file("audit.jsonl")) == std::vector<int64_t>({2}));
        CPPUNIT_ASSERT_EQUAL(0, ::rename(dir.file("audit.jsonl").c_str(), dir.file("audit.jsonl.2").c_str()));
        CPPUNIT_ASSERT_EQUAL(0, ::mkdir(dir.file("audit.jsonl").c_str(), 0700));
        CPPUNIT_ASSERT_THROW(log.append(record(3)), AuditError);
        CPPUNIT_ASSERT_THROW(log.append(record(4)), AuditError);
        CPPUNIT_ASSERT(wholeLines(dir.file("audit.jsonl.2")) == std::vector<int64_t>({2}));
        CPPUNIT_ASSERT_EQUAL(0, ::rmdir(dir.file("audit.jsonl").c_str()));
        log.append(record(5));
        CPPUNIT_ASSERT(wholeLines(dir.file("audit.jsonl")) == std::vector<int64_t>({5}));
        struct stat st{};
        CPPUNIT_ASSERT_EQUAL(0, ::stat(dir.file("audit.jsonl").c_str(), &st));
        CPPUNIT_ASSERT_EQUAL(0640u, static_cast<unsigned>(st.st_mode & 0777));
    }

    // A process killed in the middle of a write leaves a torn last line; the next start cuts
    // it, so the next record does not glue onto it.
    void testCutsATornTailOnOpen() {
        test::TempDir dir;
        const Redactor redactor;
        test::writeFile(dir.file("audit.jsonl"), "{\"n\":1}\n{\"n\":2}\n{\"n\":3,\"payl");
        {
            AuditLog log(dir.file("audit.jsonl"), redactor);
            log.append(record(4));
        }
        CPPUNIT_ASSERT(wholeLines(dir.file("audit.jsonl")) == std::vector<int64_t>({1, 2, 4}));
        test::writeFile(dir.file("torn-only.jsonl"), std::string(10000, 'x'));  // no line end at all
        AuditLog only(dir.file("torn-only.jsonl"), redactor);
        only.append(record(5));
        CPPUNIT_ASSERT(wholeLines(dir.file("torn-only.jsonl")) == std::vector<int64_t>({5}));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AuditLogTest);

}  // namespace ha
