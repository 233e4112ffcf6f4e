#include "TestSupport.h"
#include "audit/AuditLog.h"
#include "util/Json.h"

#include <cppunit/extensions/HelperMacros.h>

#include <sstream>
#include <sys/stat.h>
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
    CPPUNIT_TEST_SUITE_END();

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
};

CPPUNIT_TEST_SUITE_REGISTRATION(AuditLogTest);

}  // namespace ha
