// The last output of a capability, kept checked and condensed: reused only for the same text,
// never for a different or a broken one.
#include "plugin/LastResult.h"

#include <cppunit/extensions/HelperMacros.h>

#include <thread>
#include <vector>

namespace ha::plugin {

class LastResultTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(LastResultTest);
    CPPUNIT_TEST(testTheSameTextIsReused);
    CPPUNIT_TEST(testADifferentTextIsCondensedAnew);
    CPPUNIT_TEST(testBrokenOutputIsRefusedAndNotKept);
    CPPUNIT_TEST(testLargeOutputsAreNotKept);
    CPPUNIT_TEST(testConcurrentCallersGetTheirOwnText);
    CPPUNIT_TEST(testAFailedReadIsNotKept);
    CPPUNIT_TEST_SUITE_END();

public:
    void testTheSameTextIsReused() {
        LastResult last;
        const std::string output = R"({ "usage_percent": 22.50, "per_core": [20.8, 24] })";
        const std::string first = json::stringify(last.verbatim(output));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"usage_percent":22.5,"per_core":[20.8,24]})"), first);
        CPPUNIT_ASSERT_EQUAL(size_t(0), last.reused());
        CPPUNIT_ASSERT_EQUAL(first, json::stringify(last.verbatim(output)));
        CPPUNIT_ASSERT_EQUAL(size_t(1), last.reused());
    }

    void testADifferentTextIsCondensedAnew() {
        LastResult last;
        last.verbatim(R"({"a":1})");
        // Same length, one byte apart.
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"a":2})"), json::stringify(last.verbatim(R"({"a":2})")));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"a":1})"), json::stringify(last.verbatim(R"({"a":1})")));
        CPPUNIT_ASSERT_EQUAL(size_t(0), last.reused());
    }

    void testBrokenOutputIsRefusedAndNotKept() {
        LastResult last;
        last.verbatim(R"({"a":1})");
        CPPUNIT_ASSERT_THROW(last.verbatim(R"({"a":1)"), json::JsonError);
        CPPUNIT_ASSERT_THROW(last.verbatim(R"({"a":1)"), json::JsonError);  // refused again, not reused
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"a":1})"), json::stringify(last.verbatim(R"({"a":1})")));
        CPPUNIT_ASSERT_EQUAL(size_t(1), last.reused());
    }

    void testLargeOutputsAreNotKept() {
        LastResult last;
        const std::string large = "[\"" + std::string(LastResult::kMaxKeptBytes, 'x') + "\"]";
        CPPUNIT_ASSERT_EQUAL(large, json::stringify(last.verbatim(large)));
        CPPUNIT_ASSERT_EQUAL(large, json::stringify(last.verbatim(large)));
        CPPUNIT_ASSERT_EQUAL(size_t(0), last.reused());
    }

    void testConcurrentCallersGetTheirOwnText() {
        LastResult last;
        std::vector<std::thread> threads;
        std::vector<int> wrong(4, 0);
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&last, &wrong, t] {
                for (int i = 0; i < 2000; ++i) {
                    const std::string output = "{\"n\": " + std::to_string((t + i) % 3) + "}";
                    const std::string want = "{\"n\":" + std::to_string((t + i) % 3) + "}";
                    if (json::stringify(last.verbatim(output)) != want) ++wrong[t];
                }
            });
        }
        for (auto& th : threads) th.join();
        for (int w : wrong) CPPUNIT_ASSERT_EQUAL(0, w);
    }

    // LastRead, as PluginAnswers keeps a plugin's last findings: a read that gives nothing (an
    // unusable checks() output) is asked again next time, and does not replace the kept value.
    void testAFailedReadIsNotKept() {
        LastRead<std::vector<std::string>> last;
        int reads = 0;
        const auto read = [&](const std::string& text) -> std::optional<std::vector<std::string>> {
            ++reads;
            if (text == "broken") return std::nullopt;
            return std::vector<std::string>{text, text};
        };
        CPPUNIT_ASSERT(!last.get("broken", read));
        CPPUNIT_ASSERT(!last.get("broken", read));
        CPPUNIT_ASSERT_EQUAL(2, reads);
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), last.get("ok", read)->at(1));
        CPPUNIT_ASSERT(!last.get("broken", read));
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), last.get("ok", read)->at(0));
        CPPUNIT_ASSERT_EQUAL(4, reads);  // "ok" was read once
        CPPUNIT_ASSERT_EQUAL(size_t(1), last.reused());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LastResultTest);

}  // namespace ha::plugin
