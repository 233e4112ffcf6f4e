#include "util/Text.h"

#include <cppunit/extensions/HelperMacros.h>

namespace ha {

class TextTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(TextTest);
    CPPUNIT_TEST(testUtf8);
    CPPUNIT_TEST(testHumanFigures);
    CPPUNIT_TEST(testSanitizeForLog);
    CPPUNIT_TEST_SUITE_END();

public:
    void testUtf8() {
        CPPUNIT_ASSERT(text::isValidUtf8("plain"));
        CPPUNIT_ASSERT(text::isValidUtf8("caf\xc3\xa9 \xf0\x9f\x90\xb3"));
        CPPUNIT_ASSERT(!text::isValidUtf8("\xff"));
        CPPUNIT_ASSERT(!text::isValidUtf8("\xc0\xaf"));          // overlong '/'
        CPPUNIT_ASSERT(!text::isValidUtf8("\xed\xa0\x80"));      // surrogate
        CPPUNIT_ASSERT(!text::isValidUtf8("\xe2\x82"));          // truncated
        CPPUNIT_ASSERT_EQUAL(size_t(6), text::utf8Length("caf\xc3\xa9 \xf0\x9f\x90\xb3"));
        CPPUNIT_ASSERT_EQUAL(std::string("caf"), text::truncateUtf8("caf\xc3\xa9", 4));
    }

    void testHumanFigures() {
        CPPUNIT_ASSERT_EQUAL(std::string("0 B"), text::humanBytes(0));
        CPPUNIT_ASSERT_EQUAL(std::string("1023 B"), text::humanBytes(1023));
        CPPUNIT_ASSERT_EQUAL(std::string("1.50 KiB"), text::humanBytes(1536));
        CPPUNIT_ASSERT_EQUAL(std::string("23.4 GiB"), text::humanBytes(25125888000ull));
        CPPUNIT_ASSERT_EQUAL(std::string("252 GiB"), text::humanBytes(270553174016ull));
        CPPUNIT_ASSERT_EQUAL(std::string("42 s"), text::humanDuration(42));
        CPPUNIT_ASSERT_EQUAL(std::string("5 min 3 s"), text::humanDuration(303));
        CPPUNIT_ASSERT_EQUAL(std::string("1 h 28 min"), text::humanDuration(5280));
        CPPUNIT_ASSERT_EQUAL(std::string("3 days 4 h"), text::humanDuration(3 * 86400 + 4 * 3600 + 59));
        CPPUNIT_ASSERT_EQUAL(std::string("1 day 0 h"), text::humanDuration(86400));
        CPPUNIT_ASSERT_EQUAL(std::string("12.3"), text::formatNumber(12.345, 1));
    }

    void testSanitizeForLog() {
        CPPUNIT_ASSERT_EQUAL(std::string("a b\tc"), text::sanitizeForLog("a\nb\tc"));
        CPPUNIT_ASSERT_EQUAL(std::string("abc..."), text::sanitizeForLog("abcdef", 3));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TextTest);

}  // namespace ha
