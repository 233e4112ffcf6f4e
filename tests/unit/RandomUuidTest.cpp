// The ids of new conversations: RFC 4122 version 4 text, never the same twice.
#include "util/RandomUuid.h"

#include <cppunit/extensions/HelperMacros.h>

#include <regex>
#include <set>

namespace ha {

class RandomUuidTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(RandomUuidTest);
    CPPUNIT_TEST(testShape);
    CPPUNIT_TEST(testNoRepeats);
    CPPUNIT_TEST_SUITE_END();

public:
    void testShape() {
        const std::regex v4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        for (int i = 0; i < 200; ++i) {
            const std::string id = randomUuid();
            CPPUNIT_ASSERT_MESSAGE(id, std::regex_match(id, v4));
        }
    }

    void testNoRepeats() {
        std::set<std::string> seen;
        for (int i = 0; i < 10000; ++i) seen.insert(randomUuid());
        CPPUNIT_ASSERT_EQUAL(size_t(10000), seen.size());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RandomUuidTest);

}  // namespace ha
