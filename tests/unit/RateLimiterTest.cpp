#include "http/Authenticator.h"
#include "http/RateLimiter.h"

#include <cppunit/extensions/HelperMacros.h>

namespace ha::http {

class RateLimiterTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(RateLimiterTest);
    CPPUNIT_TEST(testSlidingWindow);
    CPPUNIT_TEST(testRetryAfterCountsDown);
    CPPUNIT_TEST(testKeysAreIndependent);
    CPPUNIT_TEST(testPeekDoesNotRecord);
    CPPUNIT_TEST(testKeyTableIsBounded);
    CPPUNIT_TEST(testAuthenticator);
    CPPUNIT_TEST_SUITE_END();

    RateLimiter::Clock::time_point now_{};
    RateLimiter limiter(size_t limit, int windowSeconds, size_t maxKeys = 100) {
        return RateLimiter(limit, std::chrono::seconds(windowSeconds), maxKeys, [this] { return now_; });
    }

public:
    void testSlidingWindow() {
        auto rl = limiter(3, 60);
        CPPUNIT_ASSERT_EQUAL(2, rl.acquire("k").remaining);
        CPPUNIT_ASSERT_EQUAL(1, rl.acquire("k").remaining);
        CPPUNIT_ASSERT_EQUAL(0, rl.acquire("k").remaining);
        CPPUNIT_ASSERT(!rl.acquire("k").allowed);
        now_ += std::chrono::seconds(59);
        CPPUNIT_ASSERT(!rl.acquire("k").allowed);
        now_ += std::chrono::seconds(1);  // the first three leave the window
        CPPUNIT_ASSERT(rl.acquire("k").allowed);
    }

    void testRetryAfterCountsDown() {
        auto rl = limiter(1, 60);
        rl.acquire("k");
        now_ += std::chrono::milliseconds(20500);
        const auto v = rl.acquire("k");
        CPPUNIT_ASSERT(!v.allowed);
        CPPUNIT_ASSERT_EQUAL(40, v.retryAfterSeconds);  // ceil(39.5)
    }

    void testKeysAreIndependent() {
        auto rl = limiter(1, 60);
        CPPUNIT_ASSERT(rl.acquire("a").allowed);
        CPPUNIT_ASSERT(rl.acquire("b").allowed);
        CPPUNIT_ASSERT(!rl.acquire("a").allowed);
    }

    void testPeekDoesNotRecord() {
        auto rl = limiter(2, 60);
        for (int i = 0; i < 5; ++i) CPPUNIT_ASSERT(rl.peek("k").allowed);
        rl.acquire("k");
        rl.acquire("k");
        CPPUNIT_ASSERT(!rl.peek("k").allowed);
    }

    void testKeyTableIsBounded() {
        auto rl = limiter(1, 60, 10);
        for (int i = 0; i < 1000; ++i) CPPUNIT_ASSERT(rl.acquire("client-" + std::to_string(i)).allowed);
        // The most recent keys are still limited.
        CPPUNIT_ASSERT(!rl.acquire("client-999").allowed);
    }

    void testAuthenticator() {
        const Authenticator auth("the-right-key-0123456789");
        CPPUNIT_ASSERT(auth.verify("the-right-key-0123456789"));
        CPPUNIT_ASSERT(!auth.verify("the-right-key-012345678"));
        CPPUNIT_ASSERT(!auth.verify("the-right-key-01234567890"));
        CPPUNIT_ASSERT(!auth.verify(""));
        CPPUNIT_ASSERT_EQUAL(size_t(12), auth.keyId().size());
        CPPUNIT_ASSERT(auth.keyId().find("right") == std::string::npos);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RateLimiterTest);

}  // namespace ha::http
