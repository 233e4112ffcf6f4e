// The one redaction step: configured secrets, the heads of secrets left at a cut, log fields
// redacted before they are cut, and the log channel every logger writes through.
#include "secrets/RedactingChannel.h"
#include "secrets/Redactor.h"

#include <Poco/AutoPtr.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>

#include <cppunit/extensions/HelperMacros.h>

#include <mutex>
#include <vector>

namespace ha {

namespace {
// Keeps what reaches it.
class CapturingChannel : public Poco::Channel {
public:
    void log(const Poco::Message& m) override {
        std::lock_guard<std::mutex> lock(mutex);
        lines.push_back(m.getText());
    }
    std::mutex mutex;
    std::vector<std::string> lines;
};

constexpr const char* kSecret = "marker-secret-0123456789abcdef";
}  // namespace

class RedactorTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(RedactorTest);
    CPPUNIT_TEST(testMasksTheHeadOfASecretAtACut);
    CPPUNIT_TEST(testLeavesOrdinaryEllipsesAlone);
    CPPUNIT_TEST(testRedactsLogFieldsBeforeCutting);
    CPPUNIT_TEST(testChannelRedactsEveryLogger);
    CPPUNIT_TEST_SUITE_END();

public:
    // Something upstream cut the text before it reached the redactor (a plugin's error sink at
    // 4 KiB, a path at 200 bytes): the part of the secret that is left is masked too.
    void testMasksTheHeadOfASecretAtACut() {
        const Redactor r(std::vector<std::string>{kSecret});
        const std::string secret = kSecret;
        for (size_t n = Redactor::kMinFragment; n < secret.size(); ++n) {
            const std::string head = secret.substr(0, n);
            CPPUNIT_ASSERT_EQUAL(std::string("error: [REDACTED]..."), r.redact("error: " + head + "..."));
            CPPUNIT_ASSERT_EQUAL(std::string("cut [REDACTED]"), r.redact("cut " + head));
            CPPUNIT_ASSERT_EQUAL(std::string("a [REDACTED]... (no time left)"), r.redact("a " + head + "... (no time left)"));
        }
        CPPUNIT_ASSERT_EQUAL(std::string("x [REDACTED] y [REDACTED]..."), r.redact("x " + secret + " y " + secret.substr(0, 9) + "..."));
        // A secret with dots of its own: the cuts inside its head go with it (found by fuzz_redactor).
        const Redactor dotted(std::vector<std::string>{"dots...in...secret"});
        CPPUNIT_ASSERT_EQUAL(std::string("key [REDACTED]..."), dotted.redact("key dots...in...sec..."));
        CPPUNIT_ASSERT_EQUAL(std::string("....[REDACTED]....."), dotted.redact("....dots...in....."));
    }

    void testLeavesOrdinaryEllipsesAlone() {
        const Redactor r(std::vector<std::string>{kSecret});
        for (const std::string text : {"checking the disks...", "mar...", "wait......", "...", "", "marker", "marke"}) {
            if (text == "marker" || text == "marke") {
                // A head of the secret at the very end is masked: it may be what a cut left.
                CPPUNIT_ASSERT_EQUAL(std::string("[REDACTED]"), r.redact(text));
            } else {
                CPPUNIT_ASSERT_EQUAL(text, r.redact(text));
            }
        }
        CPPUNIT_ASSERT_EQUAL(std::string("the marker-pen is here"), r.redact("the marker-pen is here"));
    }

    void testRedactsLogFieldsBeforeCutting() {
        const Redactor r(std::vector<std::string>{kSecret});
        const std::string path = "/v1/tools/" + std::string(185, 'a') + kSecret;
        const std::string logged = r.redactForLog(path, 200);
        CPPUNIT_ASSERT_MESSAGE(logged, logged.find("marker") == std::string::npos);
        CPPUNIT_ASSERT(logged.size() <= 203);
        CPPUNIT_ASSERT_EQUAL(std::string("GET [REDACTED] x"), r.redactForLog(std::string("GET ") + kSecret + "\nx", 500));
    }

    void testChannelRedactsEveryLogger() {
        Poco::AutoPtr<CapturingChannel> sink(new CapturingChannel);
        Poco::AutoPtr<RedactingChannel> channel(new RedactingChannel(Poco::AutoPtr<Poco::Channel>(sink, true)));
        Poco::Logger& logger = Poco::Logger::create("redactor-test", channel, Poco::Message::PRIO_INFORMATION);
        logger.information(std::string("before attach: ") + kSecret);  // nothing known yet
        auto redactor = std::make_shared<Redactor>();
        channel->attach(redactor);
        redactor->addSecrets({kSecret});  // secrets added later still apply
        logger.information(std::string("key ") + kSecret + " in a line");
        logger.warning(std::string("cut ") + std::string(kSecret).substr(0, 12) + "...");
        Poco::Logger::destroy("redactor-test");
        std::lock_guard<std::mutex> lock(sink->mutex);
        CPPUNIT_ASSERT_EQUAL(size_t(3), sink->lines.size());
        CPPUNIT_ASSERT_EQUAL(std::string("key [REDACTED] in a line"), sink->lines[1]);
        CPPUNIT_ASSERT_EQUAL(std::string("cut [REDACTED]..."), sink->lines[2]);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RedactorTest);

}  // namespace ha
