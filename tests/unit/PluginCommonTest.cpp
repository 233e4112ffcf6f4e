// Helpers every in-tree plugin shares (plugins/common): how a question's words are found, and
// the values read again on a thread of their own for instant match() functions, and the results
// kept for memory-only calls.
#include "common/Answers.h"
#include "common/RefreshedValue.h"
#include "common/SameAnswer.h"
#include "common/ShortCache.h"
#include "common/TextFile.h"

#include "TestSupport.h"

#include <homelab_assistant/plugin.hpp>

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <stdexcept>
#include <thread>

namespace ha {

using ha_plugins::RefreshedValue;
using ha_plugins::ShortCache;
using homelab_assistant::Call;
using homelab_assistant::Error;
using ha_plugins::answers::Question;
using namespace std::chrono_literals;

class PluginCommonTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(PluginCommonTest);
    CPPUNIT_TEST(testWholeWordsAndPhrases);
    CPPUNIT_TEST(testMalformedInputIsRefused);
    CPPUNIT_TEST(testValueIsReadOnceWithinItsTtl);
    CPPUNIT_TEST(testOldValueIsReadAgain);
    CPPUNIT_TEST(testHangingReadIsNotWaitedFor);
    CPPUNIT_TEST(testFailedReadKnowsNothing);
    CPPUNIT_TEST(testKeptResultAnswersMemoryOnlyCalls);
    CPPUNIT_TEST(testFailuresAreKeptButNotTimeouts);
    CPPUNIT_TEST(testNoCacheNeverAnswersFromMemory);
    CPPUNIT_TEST(testSameInputGetsTheKeptAnswer);
    CPPUNIT_TEST(testLeastRecentlyUsedInputIsForgotten);
    CPPUNIT_TEST(testFailuresAndLargeInputsAreNotKept);
    CPPUNIT_TEST(testCaFileMustHoldACertificate);
    CPPUNIT_TEST_SUITE_END();

    static double ms(std::chrono::steady_clock::duration d) {
        return std::chrono::duration<double, std::milli>(d).count();
    }

public:
    void testWholeWordsAndPhrases() {
        const Question q = Question::parse(test::answersInput("Is the disk space of disks2 OK?", {"disk.usage"}));
        CPPUNIT_ASSERT_EQUAL(std::string(" is the disk space of disks2 ok "), q.text);
        CPPUNIT_ASSERT(q.has("is"));     // first word
        CPPUNIT_ASSERT(q.has("ok"));     // last word
        CPPUNIT_ASSERT(q.has("disk"));
        CPPUNIT_ASSERT(!q.has("disks"));  // a prefix of a word is not the word
        CPPUNIT_ASSERT(!q.has("isk"));    // nor a part of one
        CPPUNIT_ASSERT(!q.has("s"));
        CPPUNIT_ASSERT(!q.has(""));
        CPPUNIT_ASSERT(q.hasPhrase("disk space"));
        CPPUNIT_ASSERT(!q.hasPhrase("space disk"));
        CPPUNIT_ASSERT(!q.hasPhrase("disk spac"));
        CPPUNIT_ASSERT(q.hasAny({"memory", "ok"}));
        CPPUNIT_ASSERT(!q.hasAny({"memory", "cpu"}));
        CPPUNIT_ASSERT(q.allows("disk.usage"));
        CPPUNIT_ASSERT(!q.allows("disk.smart"));
        // A word found once after a false start ("disks2" before " disk ").
        const Question later = Question::parse(test::answersInput("disks2 and disk", {}));
        CPPUNIT_ASSERT(later.has("disk"));
    }

    void testMalformedInputIsRefused() {
        for (const char* bad : {"", "{", "[]", "\"text\"", "{\"text\": }"}) {
            try {
                Question::parse(bad);
                CPPUNIT_FAIL(std::string("accepted: ") + bad);
            } catch (const homelab_assistant::Error& e) {
                CPPUNIT_ASSERT_EQUAL(static_cast<int32_t>(HA_ERR_INVALID_ARGUMENT), e.status());
            }
        }
        // Missing members are empty, never a crash; text is made from the words.
        const Question q = Question::parse(R"({"words":["is","it","up"]})");
        CPPUNIT_ASSERT_EQUAL(std::string(" is it up "), q.text);
        CPPUNIT_ASSERT(q.subjectArguments && q.subjectData && q.subjectPlugin.empty());
    }

    void testValueIsReadOnceWithinItsTtl() {
        std::atomic<int> reads{0};
        RefreshedValue<int> value([&] { return ++reads; }, 60s, 2s);
        CPPUNIT_ASSERT_EQUAL(1, *value.get());  // the first get() waits for the first read
        for (int i = 0; i < 100; ++i) CPPUNIT_ASSERT_EQUAL(1, *value.get());
        CPPUNIT_ASSERT_EQUAL(1, reads.load());
    }

    void testOldValueIsReadAgain() {
        std::atomic<int> reads{0};
        RefreshedValue<int> value([&] { return ++reads; }, 20ms, 2s);
        CPPUNIT_ASSERT_EQUAL(1, *value.get());
        std::this_thread::sleep_for(40ms);
        CPPUNIT_ASSERT_EQUAL(2, *value.get());  // older than the ttl: read again, and waited for
        CPPUNIT_ASSERT_EQUAL(2, reads.load());
    }

    void testHangingReadIsNotWaitedFor() {
        std::atomic<int> reads{0};
        std::atomic<bool> hang{false};
        RefreshedValue<int> value(
            [&] {
                if (hang) std::this_thread::sleep_for(500ms);  // a daemon that does not answer
                return ++reads;
            },
            20ms, 50ms);
        CPPUNIT_ASSERT_EQUAL(1, *value.get());
        hang = true;
        std::this_thread::sleep_for(40ms);
        const auto start = std::chrono::steady_clock::now();
        CPPUNIT_ASSERT_EQUAL(1, *value.get());  // what it has, after `wait`
        const double waited = ms(std::chrono::steady_clock::now() - start);
        CPPUNIT_ASSERT_MESSAGE(std::to_string(waited) + " ms", waited >= 45 && waited < 400);
        // The destructor waits for the read in progress: nothing reads freed memory.
    }

    void testFailedReadKnowsNothing() {
        std::atomic<int> reads{0};
        RefreshedValue<std::vector<std::string>> names(
            [&]() -> std::vector<std::string> {
                if (++reads > 1) throw std::runtime_error("the engine is down");
                return {"plex"};
            },
            20ms, 2s);
        CPPUNIT_ASSERT_EQUAL(size_t(1), names.get()->size());
        std::this_thread::sleep_for(40ms);
        CPPUNIT_ASSERT(names.get()->empty());  // down: no name is known any more
        CPPUNIT_ASSERT_EQUAL(2, reads.load());
    }

    // A call as the host makes it: memory-only or not, a second to go.
    struct TestCall {
        ha_call raw{};
        Call view;
        explicit TestCall(bool memoryOnly) {
            raw.struct_size = sizeof(ha_call);
            raw.deadline_ns = homelab_assistant::monotonicNowNs() + 1000000000ull;
            raw.flags = memoryOnly ? HA_CALL_MEMORY_ONLY : 0u;
            view = Call{"{}", raw.deadline_ns, "", &raw};
        }
    };
    static int32_t statusOf(const std::function<void()>& fn) {
        try {
            fn();
        } catch (const Error& e) {
            return e.status();
        }
        return HA_OK;
    }

    void testKeptResultAnswersMemoryOnlyCalls() {
        ShortCache cache(100ms);
        const TestCall memory(true), normal(false);
        int made = 0;
        const auto make = [&] { return "result " + std::to_string(++made); };
        CPPUNIT_ASSERT_EQUAL(HA_ERR_WOULD_BLOCK, statusOf([&] { cache.get("k", make, memory.view); }));
        CPPUNIT_ASSERT_EQUAL(0, made);  // a memory-only call never makes anything
        CPPUNIT_ASSERT_EQUAL(std::string("result 1"), cache.get("k", make, normal.view));
        CPPUNIT_ASSERT_EQUAL(std::string("result 1"), cache.get("k", make, memory.view));
        CPPUNIT_ASSERT_EQUAL(std::string("result 1"), cache.get("k", make, normal.view));
        CPPUNIT_ASSERT_EQUAL(HA_ERR_WOULD_BLOCK, statusOf([&] { cache.get("other", make, memory.view); }));
        std::this_thread::sleep_for(120ms);  // too old now
        CPPUNIT_ASSERT_EQUAL(HA_ERR_WOULD_BLOCK, statusOf([&] { cache.get("k", make, memory.view); }));
        CPPUNIT_ASSERT_EQUAL(std::string("result 2"), cache.get("k", make, normal.view));
        CPPUNIT_ASSERT_EQUAL(size_t(2), cache.runs());
    }

    void testFailuresAreKeptButNotTimeouts() {
        ShortCache cache(5s);
        const TestCall memory(true), normal(false);
        int tries = 0;
        const auto down = [&]() -> std::string {
            ++tries;
            throw Error(HA_ERR_UNAVAILABLE, "the engine is down");
        };
        CPPUNIT_ASSERT_EQUAL(HA_ERR_UNAVAILABLE, statusOf([&] { cache.get("k", down, normal.view); }));
        // Kept: the same failure again, with its message, without another try, also from memory.
        try {
            cache.get("k", down, memory.view);
            CPPUNIT_FAIL("a kept failure is thrown again");
        } catch (const Error& e) {
            CPPUNIT_ASSERT_EQUAL(HA_ERR_UNAVAILABLE, e.status());
            CPPUNIT_ASSERT_EQUAL(std::string("the engine is down"), std::string(e.what()));
        }
        CPPUNIT_ASSERT_EQUAL(1, tries);
        // A timeout belongs to its caller's deadline: the next caller tries again.
        const auto slow = [&]() -> std::string {
            ++tries;
            throw Error(HA_ERR_TIMEOUT, "deadline exceeded");
        };
        CPPUNIT_ASSERT_EQUAL(HA_ERR_TIMEOUT, statusOf([&] { cache.get("t", slow, normal.view); }));
        CPPUNIT_ASSERT_EQUAL(HA_ERR_WOULD_BLOCK, statusOf([&] { cache.get("t", slow, memory.view); }));
        CPPUNIT_ASSERT_EQUAL(HA_ERR_TIMEOUT, statusOf([&] { cache.get("t", slow, normal.view); }));
        CPPUNIT_ASSERT_EQUAL(3, tries);
        // Anything else is a bug, not a state of the machine: not kept either.
        const auto bug = [&]() -> std::string {
            ++tries;
            throw std::runtime_error("bug");
        };
        CPPUNIT_ASSERT_THROW(cache.get("b", bug, normal.view), std::runtime_error);
        CPPUNIT_ASSERT_THROW(cache.get("b", bug, normal.view), std::runtime_error);
        CPPUNIT_ASSERT_EQUAL(5, tries);
    }

    void testNoCacheNeverAnswersFromMemory() {
        ShortCache cache(0ms);  // cache_ms: 0
        const TestCall memory(true), normal(false);
        int made = 0;
        const auto make = [&] { return std::to_string(++made); };
        CPPUNIT_ASSERT_EQUAL(std::string("1"), cache.get("k", make, normal.view));
        CPPUNIT_ASSERT_EQUAL(HA_ERR_WOULD_BLOCK, statusOf([&] { cache.get("k", make, memory.view); }));
        CPPUNIT_ASSERT_EQUAL(std::string("2"), cache.get("k", make, normal.view));
    }

    void testSameInputGetsTheKeptAnswer() {
        ha_plugins::SameAnswer same(4);
        int made = 0;
        const auto make = [&] { return "answer " + std::to_string(++made); };
        CPPUNIT_ASSERT_EQUAL(std::string("answer 1"), same.get(R"({"results":[1]})", 0, make));
        CPPUNIT_ASSERT_EQUAL(std::string("answer 1"), same.get(R"({"results":[1]})", 0, make));
        CPPUNIT_ASSERT_EQUAL(size_t(1), same.hits());
        // One byte more, or another second for a function that reads the clock: made anew.
        CPPUNIT_ASSERT_EQUAL(std::string("answer 2"), same.get(R"({"results":[1] })", 0, make));
        CPPUNIT_ASSERT_EQUAL(std::string("answer 3"), same.get(R"({"results":[1]})", 1, make));
        CPPUNIT_ASSERT_EQUAL(std::string("answer 1"), same.get(R"({"results":[1]})", 0, make));
        // A prefix of a kept input is another input.
        CPPUNIT_ASSERT_EQUAL(std::string("answer 4"), same.get(R"({"results":[1])", 0, make));
        CPPUNIT_ASSERT_EQUAL(4, made);
    }

    void testLeastRecentlyUsedInputIsForgotten() {
        ha_plugins::SameAnswer same(2);
        int made = 0;
        const auto make = [&] { return std::to_string(++made); };
        same.get("a", 0, make);  // 1
        same.get("b", 0, make);  // 2
        CPPUNIT_ASSERT_EQUAL(std::string("1"), same.get("a", 0, make));  // a is now the recent one
        same.get("c", 0, make);                                            // 3: b goes
        CPPUNIT_ASSERT_EQUAL(std::string("1"), same.get("a", 0, make));
        CPPUNIT_ASSERT_EQUAL(std::string("3"), same.get("c", 0, make));
        CPPUNIT_ASSERT_EQUAL(std::string("4"), same.get("b", 0, make));
    }

    void testCaFileMustHoldACertificate() {
        test::TempDir dir;
        test::writeFile(dir.file("ca.pem"), "# bundle\n-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        CPPUNIT_ASSERT(ha_plugins::holdsPemCertificate(dir.file("ca.pem")));
        test::writeFile(dir.file("key.pem"), "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n");
        CPPUNIT_ASSERT(!ha_plugins::holdsPemCertificate(dir.file("key.pem")));
        test::writeFile(dir.file("empty.pem"), "");
        CPPUNIT_ASSERT(!ha_plugins::holdsPemCertificate(dir.file("empty.pem")));
        CPPUNIT_ASSERT(!ha_plugins::holdsPemCertificate(dir.file("missing.pem")));
        CPPUNIT_ASSERT(!ha_plugins::holdsPemCertificate(dir.path()));  // a directory
    }

    void testFailuresAndLargeInputsAreNotKept() {
        ha_plugins::SameAnswer same(4, 16);
        int made = 0;
        const auto failing = [&]() -> std::string {
            ++made;
            throw homelab_assistant::Error(HA_ERR_INVALID_ARGUMENT, "answers input is not valid JSON");
        };
        CPPUNIT_ASSERT_EQUAL(HA_ERR_INVALID_ARGUMENT, statusOf([&] { same.get("{", 0, failing); }));
        CPPUNIT_ASSERT_EQUAL(HA_ERR_INVALID_ARGUMENT, statusOf([&] { same.get("{", 0, failing); }));
        CPPUNIT_ASSERT_EQUAL(2, made);
        const auto make = [&] { return std::to_string(++made); };
        const std::string large(17, 'x');  // above maxInputBytes: made every time, pins nothing
        CPPUNIT_ASSERT_EQUAL(std::string("3"), same.get(large, 0, make));
        CPPUNIT_ASSERT_EQUAL(std::string("4"), same.get(large, 0, make));
        CPPUNIT_ASSERT_EQUAL(size_t(0), same.hits());
        // Nothing kept: keep 0 turns it off.
        ha_plugins::SameAnswer off(0);
        CPPUNIT_ASSERT_EQUAL(std::string("5"), off.get("a", 0, make));
        CPPUNIT_ASSERT_EQUAL(std::string("6"), off.get("a", 0, make));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PluginCommonTest);

}  // namespace ha
