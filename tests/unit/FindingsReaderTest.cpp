// What a plugin's checks() returns, read by the host straight from the text: the shapes an
// in-tree plugin writes (common/Answers.cpp Findings::json) and the odd ones a third-party plugin
// could write, each next to the rule that keeps or drops it.
#include "plugin/FindingsReader.h"
#include "plugin/PluginAnswers.h"

#include <cppunit/extensions/HelperMacros.h>

namespace ha::plugin {

class FindingsReaderTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(FindingsReaderTest);
    CPPUNIT_TEST(testFindingsAndEvidenceAreRead);
    CPPUNIT_TEST(testUnusableFindingsAreDropped);
    CPPUNIT_TEST(testRepeatedMembersCountAsTheLast);
    CPPUNIT_TEST(testStringsAreBounded);
    CPPUNIT_TEST(testBrokenOutputIsRefused);
    CPPUNIT_TEST(testAtMostMaxFindings);
    CPPUNIT_TEST_SUITE_END();

    static std::vector<Finding> read(const std::string& text, size_t max = 256) {
        std::string error;
        auto out = FindingsReader::read("zfs", text, max, error);
        CPPUNIT_ASSERT_MESSAGE(error, out.has_value());
        CPPUNIT_ASSERT(error.empty());
        return *out;
    }

    static std::string refusal(const std::string& text) {
        std::string error;
        CPPUNIT_ASSERT(!FindingsReader::read("zfs", text, 256, error).has_value());
        return error;
    }

public:
    void testFindingsAndEvidenceAreRead() {
        const auto f = read(
            R"({"findings":[{"severity":"critical","check":"zfs.pool_health","subject":"tank","message":" Pool tank is DEGRADED. ",)"
            R"("evidence":{"state":"DEGRADED","errors":{"read":0,"cksum":1.5e-3,"big":18446744073709551615},"vdevs":["sda",null,true]}},)"
            R"({"severity":"ok","check":"zfs.scrub","subject":"tank","message":"Last scrub 3 days ago."}]})");
        CPPUNIT_ASSERT_EQUAL(size_t(2), f.size());
        CPPUNIT_ASSERT_EQUAL(std::string("zfs"), f[0].plugin);
        CPPUNIT_ASSERT(f[0].severity == Severity::Critical);
        CPPUNIT_ASSERT_EQUAL(std::string("zfs.pool_health"), f[0].check);
        CPPUNIT_ASSERT_EQUAL(std::string("tank"), f[0].subject);
        CPPUNIT_ASSERT_EQUAL(std::string("Pool tank is DEGRADED."), f[0].message);  // trimmed
        // Evidence as it was written, members in their order, numbers as the host writes them.
        CPPUNIT_ASSERT_EQUAL(
            std::string(R"({"state":"DEGRADED","errors":{"read":0,"cksum":0.0015,"big":18446744073709551615},"vdevs":["sda",null,true]})"),
            json::stringify(f[0].evidence));
        CPPUNIT_ASSERT(json::isObject(f[0].evidence));
        CPPUNIT_ASSERT_EQUAL(std::string("DEGRADED"), json::getString(json::asObject(f[0].evidence), "state").value_or(""));
        CPPUNIT_ASSERT(f[1].severity == Severity::Ok);
        CPPUNIT_ASSERT(f[1].evidence.isEmpty());
        // In a finding's JSON as /status and the health report show it.
        CPPUNIT_ASSERT(json::stringify(f[0].toJson()).find(R"("evidence":{"state":"DEGRADED")") != std::string::npos);
        CPPUNIT_ASSERT(json::stringify(f[1].toJson()).find("evidence") == std::string::npos);
    }

    void testUnusableFindingsAreDropped() {
        const auto f = read(
            R"({"note":{"findings":[{"severity":"ok","message":"nested elsewhere: not a finding"}]},)"
            R"("findings":[1,"x",null,[{"severity":"ok","message":"in an array in the list"}],)"
            R"({"severity":"fatal","message":"unknown severity"},)"
            R"({"severity":"warning","message":"   "},)"
            R"({"severity":"warning"},)"
            R"({"severity":["warning"],"message":"severity not a string"},)"
            R"({"severity":"warning","message":{"text":"message not a string"}},)"
            R"({"severity":"warning","message":"kept","check":7,"subject":{"a":1},"evidence":[1,2],"extra":{"evidence":{"x":1}}},)"
            R"({"severity":"warning","message":"evidence a string","evidence":"{\"a\":1}"}]})");
        CPPUNIT_ASSERT_EQUAL(size_t(2), f.size());
        CPPUNIT_ASSERT_EQUAL(std::string("kept"), f[0].message);
        CPPUNIT_ASSERT_EQUAL(std::string(""), f[0].check);    // not a string: absent
        CPPUNIT_ASSERT_EQUAL(std::string(""), f[0].subject);
        CPPUNIT_ASSERT(f[0].evidence.isEmpty());              // an array is no evidence, nor a nested one
        CPPUNIT_ASSERT(f[1].evidence.isEmpty());
        CPPUNIT_ASSERT(read(R"({})").empty());
        CPPUNIT_ASSERT(read(R"({"findings":{"severity":"ok","message":"an object, not a list"}})").empty());
        CPPUNIT_ASSERT(read(R"({"findings":"none"})").empty());
    }

    void testRepeatedMembersCountAsTheLast() {
        const auto f = read(
            R"({"findings":[{"severity":"ok","message":"first list"}],)"
            R"("findings":[{"severity":"ok","severity":"critical","message":"a","message":"b",)"
            R"("evidence":{"x":1},"evidence":{"y":2}},{"severity":"ok","message":"m","evidence":{"x":1},"evidence":3}]})");
        CPPUNIT_ASSERT_EQUAL(size_t(2), f.size());
        CPPUNIT_ASSERT(f[0].severity == Severity::Critical);
        CPPUNIT_ASSERT_EQUAL(std::string("b"), f[0].message);
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"y":2})"), json::stringify(f[0].evidence));
        CPPUNIT_ASSERT(f[1].evidence.isEmpty());
        CPPUNIT_ASSERT(read(R"({"findings":[{"severity":"ok","message":"m"}],"findings":7})").empty());
    }

    void testStringsAreBounded() {
        const std::string longCheck(100, 'c'), longMessage(2000, 'm');
        const auto f = read(R"({"findings":[{"severity":"warning","check":")" + longCheck + R"(","message":")" +
                            longMessage + R"(","subject":"caf\u00e9"}]})");
        CPPUNIT_ASSERT_EQUAL(size_t(1), f.size());
        CPPUNIT_ASSERT_EQUAL(size_t(64), f[0].check.size());
        CPPUNIT_ASSERT_EQUAL(size_t(1024), f[0].message.size());
        CPPUNIT_ASSERT_EQUAL(std::string("caf\xc3\xa9"), f[0].subject);  // escapes read
    }

    void testBrokenOutputIsRefused() {
        CPPUNIT_ASSERT_EQUAL(std::string("checks() returned invalid JSON: empty document"), refusal(""));
        CPPUNIT_ASSERT_EQUAL(std::string("checks() returned JSON that is not an object"), refusal("[]"));
        CPPUNIT_ASSERT_EQUAL(std::string("checks() returned JSON that is not an object"), refusal("\"findings\""));
        CPPUNIT_ASSERT_EQUAL(std::string("checks() returned JSON that is not an object"), refusal("3"));
        CPPUNIT_ASSERT(refusal(R"({"findings":[)").find("checks() returned invalid JSON: ") == 0);
        CPPUNIT_ASSERT(refusal("x").find("checks() returned invalid JSON: ") == 0);
        CPPUNIT_ASSERT(refusal(R"({"findings":[{"severity":"ok","message":"\xff"}]})").find("invalid JSON") != std::string::npos);
        CPPUNIT_ASSERT(refusal(std::string(R"({"a":1})") + '\0' + "{}").find("NUL byte") != std::string::npos);
        CPPUNIT_ASSERT(refusal(R"({"findings":[]} {})").find("invalid JSON") != std::string::npos);
        std::string deep = R"({"findings":[{"severity":"ok","message":"m","evidence":)";
        for (int i = 0; i < 70; ++i) deep += "[";
        CPPUNIT_ASSERT(refusal(deep).find("nesting deeper than 64 levels") != std::string::npos);
        // The size cap comes first (PluginAnswers), before anything is read.
        std::string error;
        const std::string huge = R"({"x":")" + std::string(PluginAnswers::kMaxOutputBytes, 'a') + R"("})";
        CPPUNIT_ASSERT(!PluginAnswers::readFindings("zfs", huge, error).has_value());
        CPPUNIT_ASSERT(error.find("bytes (at most 65536)") != std::string::npos);
    }

    void testAtMostMaxFindings() {
        std::string text = R"({"findings":[)";
        for (int i = 0; i < 10; ++i) text += std::string(i ? "," : "") + R"({"severity":"ok","message":"m)" + std::to_string(i) + R"("})";
        text += "]}";
        const auto f = read(text, 3);
        CPPUNIT_ASSERT_EQUAL(size_t(3), f.size());
        CPPUNIT_ASSERT_EQUAL(std::string("m2"), f[2].message);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(FindingsReaderTest);

}  // namespace ha::plugin
