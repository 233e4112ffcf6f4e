#include "chat/ConversationStore.h"

#include <cppunit/extensions/HelperMacros.h>

namespace ha {

class ConversationStoreTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ConversationStoreTest);
    CPPUNIT_TEST(testKeepsRecentTurnsInOrder);
    CPPUNIT_TEST(testBoundsTurnsAndBytes);
    CPPUNIT_TEST(testEvictsLeastRecentlyUsed);
    CPPUNIT_TEST(testExpiresIdleConversations);
    CPPUNIT_TEST_SUITE_END();

    ConversationStore::Clock::time_point now_{};
    ConversationStore store(size_t conversations, size_t turns, size_t bytes, int ttlSeconds) {
        return ConversationStore({conversations, turns, bytes, std::chrono::seconds(ttlSeconds)}, [this] { return now_; });
    }

public:
    void testKeepsRecentTurnsInOrder() {
        auto s = store(10, 3, 10000, 3600);
        for (int i = 0; i < 5; ++i) s.append("c", {"q" + std::to_string(i), "a" + std::to_string(i)});
        const auto h = s.history("c");
        CPPUNIT_ASSERT_EQUAL(size_t(3), h.size());
        CPPUNIT_ASSERT_EQUAL(std::string("q2"), h[0].user);
        CPPUNIT_ASSERT_EQUAL(std::string("a4"), h[2].assistant);
        CPPUNIT_ASSERT(s.history("unknown").empty());
    }

    void testBoundsTurnsAndBytes() {
        auto s = store(10, 100, 50, 3600);
        s.append("c", {std::string(20, 'x'), std::string(10, 'y')});
        s.append("c", {std::string(20, 'x'), std::string(10, 'y')});  // 60 bytes: the first goes
        CPPUNIT_ASSERT_EQUAL(size_t(1), s.history("c").size());
        s.append("c", {std::string(100, 'x'), ""});  // larger than the budget alone
        CPPUNIT_ASSERT(s.history("c").empty());
    }

    void testEvictsLeastRecentlyUsed() {
        auto s = store(2, 5, 10000, 3600);
        s.append("a", {"q", "a"});
        s.append("b", {"q", "a"});
        s.append("a", {"q2", "a2"});  // a is now the most recent
        s.append("c", {"q", "a"});    // evicts b
        CPPUNIT_ASSERT_EQUAL(size_t(2), s.size());
        CPPUNIT_ASSERT(s.history("b").empty());
        CPPUNIT_ASSERT_EQUAL(size_t(2), s.history("a").size());
    }

    void testExpiresIdleConversations() {
        auto s = store(10, 5, 10000, 60);
        s.append("old", {"q", "a"});
        now_ += std::chrono::seconds(30);
        s.append("new", {"q", "a"});
        now_ += std::chrono::seconds(31);
        CPPUNIT_ASSERT(s.history("old").empty());
        CPPUNIT_ASSERT_EQUAL(size_t(1), s.history("new").size());
        CPPUNIT_ASSERT_EQUAL(size_t(1), s.size());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConversationStoreTest);

}  // namespace ha
