// The failed-login limit throttles wrong keys per address and never locks out the right key.
#include "http/LoginGuard.h"

#include <cppunit/extensions/HelperMacros.h>

namespace ha::http {

class LoginGuardTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(LoginGuardTest);
    CPPUNIT_TEST(testRightKeyPassesWhileTheAddressIsBlocked);
    CPPUNIT_TEST(testWrongKeysAreThrottledPerAddress);
    CPPUNIT_TEST(testMissingKeyCountsAsAFailure);
    CPPUNIT_TEST(testRightKeysDoNotCountAsFailures);
    CPPUNIT_TEST(testBlockEndsWithTheWindow);
    CPPUNIT_TEST_SUITE_END();

    static constexpr const char* kKey = "the-right-key-0123456789";
    RateLimiter::Clock::time_point now_{};
    Authenticator auth_{kKey};
    RateLimiter failures_{3, std::chrono::seconds(60), 100, [this] { return now_; }};
    LoginGuard guard_{auth_, failures_};

    LoginGuard::Outcome attempt(const std::optional<std::string>& key, const std::string& client = "192.0.2.7") {
        return guard_.check(key, client).outcome;
    }
    void failThreeTimes(const std::string& client) {
        for (int i = 0; i < 3; ++i) CPPUNIT_ASSERT(attempt("wrong-key-" + std::to_string(i), client) == LoginGuard::Outcome::Invalid);
    }

public:
    void testRightKeyPassesWhileTheAddressIsBlocked() {
        failThreeTimes("192.0.2.7");
        CPPUNIT_ASSERT(attempt("wrong-key-x") == LoginGuard::Outcome::Blocked);
        for (int i = 0; i < 10; ++i) CPPUNIT_ASSERT(attempt(std::string(kKey)) == LoginGuard::Outcome::Accepted);
        CPPUNIT_ASSERT(attempt("wrong-key-y") == LoginGuard::Outcome::Blocked);
    }

    void testWrongKeysAreThrottledPerAddress() {
        failThreeTimes("192.0.2.7");
        const LoginGuard::Verdict v = guard_.check(std::string("wrong-key-4"), "192.0.2.7");
        CPPUNIT_ASSERT(v.outcome == LoginGuard::Outcome::Blocked);
        CPPUNIT_ASSERT_EQUAL(60, v.retryAfterSeconds);
        // Another address is not affected.
        CPPUNIT_ASSERT(attempt("wrong-key-1", "192.0.2.8") == LoginGuard::Outcome::Invalid);
    }

    void testMissingKeyCountsAsAFailure() {
        CPPUNIT_ASSERT(attempt(std::nullopt) == LoginGuard::Outcome::Missing);
        CPPUNIT_ASSERT(attempt(std::nullopt) == LoginGuard::Outcome::Missing);
        const LoginGuard::Verdict third = guard_.check(std::nullopt, "192.0.2.7");
        CPPUNIT_ASSERT(third.outcome == LoginGuard::Outcome::Missing);
        CPPUNIT_ASSERT(third.firstBlocked);  // the failure that reached the limit says so once
        CPPUNIT_ASSERT(attempt(std::nullopt) == LoginGuard::Outcome::Blocked);
        CPPUNIT_ASSERT(attempt(std::string(kKey)) == LoginGuard::Outcome::Accepted);
    }

    void testRightKeysDoNotCountAsFailures() {
        for (int i = 0; i < 100; ++i) CPPUNIT_ASSERT(attempt(std::string(kKey)) == LoginGuard::Outcome::Accepted);
        failThreeTimes("192.0.2.7");  // still three failures allowed
        CPPUNIT_ASSERT(attempt(std::string(kKey) + "x") == LoginGuard::Outcome::Blocked);
    }

    void testBlockEndsWithTheWindow() {
        failThreeTimes("192.0.2.7");
        now_ += std::chrono::seconds(30);
        const LoginGuard::Verdict v = guard_.check(std::string("wrong"), "192.0.2.7");
        CPPUNIT_ASSERT(v.outcome == LoginGuard::Outcome::Blocked);
        CPPUNIT_ASSERT_EQUAL(30, v.retryAfterSeconds);
        now_ += std::chrono::seconds(30);
        CPPUNIT_ASSERT(attempt("wrong") == LoginGuard::Outcome::Invalid);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LoginGuardTest);

}  // namespace ha::http
