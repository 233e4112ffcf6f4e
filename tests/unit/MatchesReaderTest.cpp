// What a plugin's match() returns, read by the host straight from the text: the shapes an
// in-tree plugin writes (common/Answers.cpp Matches::json) and the odd ones a third-party plugin
// could write, each next to the rule that keeps or drops it.
#include "plugin/MatchesReader.h"
#include "plugin/PluginAnswers.h"

#include <cppunit/extensions/HelperMacros.h>

namespace ha::plugin {

class MatchesReaderTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(MatchesReaderTest);
    CPPUNIT_TEST(testMatchesAreRead);
    CPPUNIT_TEST(testUnusableMatchesAreDropped);
    CPPUNIT_TEST(testRepeatedMembersCountAsTheLast);
    CPPUNIT_TEST(testNamesAreBounded);
    CPPUNIT_TEST(testBrokenOutputIsRefused);
    CPPUNIT_TEST(testAtMostMaxMatches);
    CPPUNIT_TEST_SUITE_END();

    static std::vector<Match> read(const std::string& text, size_t max = 8) {
        std::string error;
        auto out = MatchesReader::read("disk", text, max, error);
        CPPUNIT_ASSERT_MESSAGE(error, out.has_value());
        CPPUNIT_ASSERT(error.empty());
        return *out;
    }

    static std::string refusal(const std::string& text) {
        std::string error;
        CPPUNIT_ASSERT(!MatchesReader::read("disk", text, 8, error).has_value());
        return error;
    }

public:
    void testMatchesAreRead() {
        const auto m = read(R"({"matches":[{"capability":"disk.usage","arguments":{"path":"/srv","depth":{"b":2,"a":1}},)"
                            R"("score":1,"names":["srv"]},{"capability":"disk.usage","arguments":{},"score":0.65}]})");
        CPPUNIT_ASSERT_EQUAL(size_t(2), m.size());
        CPPUNIT_ASSERT_EQUAL(std::string("disk"), m[0].plugin);
        CPPUNIT_ASSERT_EQUAL(std::string("disk.usage"), m[0].capability);
        // Arguments as a document would write them: members sorted by name.
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"depth":{"a":1,"b":2},"path":"/srv"})"), m[0].arguments);
        CPPUNIT_ASSERT_EQUAL(1.0, m[0].score);
        CPPUNIT_ASSERT(m[0].names == std::vector<std::string>{"srv"});
        CPPUNIT_ASSERT_EQUAL(std::string("{}"), m[1].arguments);
        CPPUNIT_ASSERT_EQUAL(0.65, m[1].score);
        CPPUNIT_ASSERT(m[1].names.empty());
        CPPUNIT_ASSERT(read(R"({"matches":[]})").empty());  // what most plugins answer
        CPPUNIT_ASSERT(read(R"({})").empty());
    }

    void testUnusableMatchesAreDropped() {
        const auto m = read(
            R"({"note":{"matches":[{"capability":"x.y","score":1}]},)"
            R"("matches":[1,"x",null,[{"capability":"in.array","score":1}],)"
            R"({"score":1},{"capability":"","score":1},{"capability":"no.score"},)"
            R"({"capability":"score.string","score":"1"},{"capability":"score.bool","score":true},)"
            R"({"capability":["a.b"],"score":1},{"capability":"score.array","score":[1]},)"
            R"({"capability":"disk.usage","score":7,"arguments":[1],"names":"root","extra":{"score":0}},)"
            R"({"capability":"disk.usage","score":-2,"arguments":"{\"a\":1}"}]})");
        CPPUNIT_ASSERT_EQUAL(size_t(2), m.size());
        CPPUNIT_ASSERT_EQUAL(1.0, m[0].score);  // clamped
        CPPUNIT_ASSERT_EQUAL(std::string("{}"), m[0].arguments);  // not an object: none
        CPPUNIT_ASSERT(m[0].names.empty());
        CPPUNIT_ASSERT_EQUAL(0.0, m[1].score);
        CPPUNIT_ASSERT_EQUAL(std::string("{}"), m[1].arguments);
        CPPUNIT_ASSERT(read(R"({"matches":{"capability":"disk.usage","score":1}})").empty());
        CPPUNIT_ASSERT(read(R"({"matches":"disk.usage"})").empty());
    }

    void testRepeatedMembersCountAsTheLast() {
        const auto m = read(
            R"({"matches":[{"capability":"first.list","score":1}],)"
            R"("matches":[{"capability":"a.b","capability":"disk.usage","score":0.2,"score":0.9,)"
            R"("arguments":{"x":1},"arguments":{"p":1,"p":2},"names":["a"],"names":["b","c"]},)"
            R"({"capability":"disk.usage","score":1,"arguments":{"x":1},"arguments":null,"names":["a"],"names":7},)"
            R"({"capability":"disk.usage","score":1,"score":"high"}]})");
        CPPUNIT_ASSERT_EQUAL(size_t(2), m.size());
        CPPUNIT_ASSERT_EQUAL(std::string("disk.usage"), m[0].capability);
        CPPUNIT_ASSERT_EQUAL(0.9, m[0].score);
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"p":2})"), m[0].arguments);
        CPPUNIT_ASSERT((m[0].names == std::vector<std::string>{"b", "c"}));
        CPPUNIT_ASSERT_EQUAL(std::string("{}"), m[1].arguments);
        CPPUNIT_ASSERT(m[1].names.empty());
        CPPUNIT_ASSERT(read(R"({"matches":[{"capability":"disk.usage","score":1}],"matches":null})").empty());
    }

    void testNamesAreBounded() {
        const std::string longName(100, 'n');
        const auto m = read(R"({"matches":[{"capability":"disk.usage","score":1,"names":[")" + longName +
                            R"(",1,{"a":"b"},["c"],"caf\u00e9",null,"f","g","h","i","j"]}]})");
        CPPUNIT_ASSERT_EQUAL(size_t(1), m.size());
        // Strings among the first eight entries; the rest is not read.
        CPPUNIT_ASSERT((m[0].names == std::vector<std::string>{std::string(64, 'n'), "caf\xc3\xa9", "f", "g"}));
    }

    void testBrokenOutputIsRefused() {
        CPPUNIT_ASSERT_EQUAL(std::string("match() returned invalid JSON: empty document"), refusal(""));
        CPPUNIT_ASSERT_EQUAL(std::string("match() returned JSON that is not an object"), refusal("[]"));
        CPPUNIT_ASSERT_EQUAL(std::string("match() returned JSON that is not an object"), refusal("null"));
        CPPUNIT_ASSERT(refusal(R"({"matches":[)").find("match() returned invalid JSON: ") == 0);
        CPPUNIT_ASSERT(refusal(R"({"matches":[{"capability":"\xff","score":1}]})").find("invalid JSON") != std::string::npos);
        CPPUNIT_ASSERT(refusal(std::string(R"({"a":1})") + '\0' + "{}").find("NUL byte") != std::string::npos);
        CPPUNIT_ASSERT(refusal(R"({"matches":[]} {})").find("invalid JSON") != std::string::npos);
        // A number no double holds is refused as a document would be (not read as infinity).
        CPPUNIT_ASSERT(refusal(R"({"matches":[{"capability":"a.b","score":1e999}]})").find("Number too big") != std::string::npos);
        std::string deep = R"({"matches":[{"capability":"a.b","score":1,"arguments":)";
        for (int i = 0; i < 70; ++i) deep += "{\"a\":";
        CPPUNIT_ASSERT(refusal(deep).find("nesting deeper than 64 levels") != std::string::npos);
        // The size cap comes first (PluginAnswers), before anything is read; no matches then.
        std::string error;
        const std::string huge = R"({"x":")" + std::string(PluginAnswers::kMaxOutputBytes, 'a') + R"("})";
        CPPUNIT_ASSERT(PluginAnswers::readMatches("disk", huge, error).empty());
        CPPUNIT_ASSERT(error.find("match() returned") == 0 && error.find("bytes (at most 65536)") != std::string::npos);
        error.clear();
        CPPUNIT_ASSERT(PluginAnswers::readMatches("disk", "{", error).empty());
        CPPUNIT_ASSERT(error.find("invalid JSON") != std::string::npos);
    }

    void testAtMostMaxMatches() {
        std::string text = R"({"matches":[)";
        for (int i = 0; i < 10; ++i) text += std::string(i ? "," : "") + R"({"capability":"c.)" + std::to_string(i) + R"(","score":0.5})";
        text += "]}";
        const auto m = read(text, 3);
        CPPUNIT_ASSERT_EQUAL(size_t(3), m.size());
        CPPUNIT_ASSERT_EQUAL(std::string("c.2"), m[2].capability);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MatchesReaderTest);

}  // namespace ha::plugin
