// How much of a provider's streamed text the event stream may send at once: whole words only,
// so that a secret split across fragments is still masked when it goes out.
#include "http/ChatEventStream.h"

#include <cppunit/extensions/HelperMacros.h>

namespace ha {

class ChatEventStreamTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ChatEventStreamTest);
    CPPUNIT_TEST(testStreamedTextIsHeldToWholeWords);
    CPPUNIT_TEST_SUITE_END();

public:
    void testStreamedTextIsHeldToWholeWords() {
        CPPUNIT_ASSERT_EQUAL(size_t(0), http::ChatEventStream::sendableLength("sk-abc"));
        CPPUNIT_ASSERT_EQUAL(size_t(4), http::ChatEventStream::sendableLength("The sk-abc"));
        CPPUNIT_ASSERT_EQUAL(size_t(6), http::ChatEventStream::sendableLength("a b\nc\td"));
        CPPUNIT_ASSERT_EQUAL(size_t(4), http::ChatEventStream::sendableLength("end "));
        // A very long run without whitespace goes out, all but its tail, never inside a UTF-8
        // sequence.
        std::string run;
        while (run.size() < http::ChatEventStream::kMaxHeldBytes + 10) run += "\xC3\xA9";  // é
        const size_t n = http::ChatEventStream::sendableLength(run);
        CPPUNIT_ASSERT(n > 0 && n <= run.size() - http::ChatEventStream::kMinHeldBytes);
        CPPUNIT_ASSERT((static_cast<unsigned char>(run[n]) & 0xC0) != 0x80);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChatEventStreamTest);

}  // namespace ha
