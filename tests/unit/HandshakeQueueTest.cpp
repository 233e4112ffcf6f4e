// TLS handshake steps are served round-robin across client addresses: a flood from a few
// addresses cannot push a newcomer from another address to the back of the line.
#include "net/HandshakeQueue.h"

#include <cppunit/extensions/HelperMacros.h>

#include <netinet/in.h>

#include <deque>
#include <vector>

namespace ha::net {

namespace {

AddressKey ipv4(uint8_t last) {
    sockaddr_storage s{};
    auto& in = reinterpret_cast<sockaddr_in&>(s);
    in.sin_family = AF_INET;
    in.sin_addr.s_addr = htonl(0x7F000000u | last);
    return AddressKey::of(s);
}

}  // namespace

class HandshakeQueueTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(HandshakeQueueTest);
    CPPUNIT_TEST(testNewcomerWaitsOneTurnPerBusyAddress);
    CPPUNIT_TEST(testFifoWithinOneAddress);
    CPPUNIT_TEST(testRemoveAndRequeue);
    CPPUNIT_TEST(testIpv4MappedAddressesShareATurn);
    CPPUNIT_TEST_SUITE_END();

public:
    void testNewcomerWaitsOneTurnPerBusyAddress() {
        HandshakeQueue q;
        std::deque<HandshakeQueue::Link> flood;
        for (int a = 2; a <= 9; ++a) {
            for (int i = 0; i < 32; ++i) flood.emplace_back(nullptr, ipv4(static_cast<uint8_t>(a)));
        }
        for (auto& l : flood) q.push(l);
        HandshakeQueue::Link probe(nullptr, ipv4(1));
        q.push(probe);
        CPPUNIT_ASSERT_EQUAL(size_t(257), q.size());
        int position = 0;
        while (HandshakeQueue::Link* next = q.pop()) {
            ++position;
            if (next == &probe) break;
        }
        CPPUNIT_ASSERT(position <= 9);  // one step for each of the 8 busy addresses at most
        size_t left = 0;
        while (q.pop() != nullptr) ++left;
        CPPUNIT_ASSERT_EQUAL(size_t(256 - (position - 1)), left);
        CPPUNIT_ASSERT(q.empty());
    }

    void testFifoWithinOneAddress() {
        HandshakeQueue q;
        std::vector<HandshakeQueue::Link> links;
        links.reserve(4);
        for (int i = 0; i < 4; ++i) links.emplace_back(nullptr, ipv4(5));
        for (auto& l : links) q.push(l);
        q.push(links[0]);  // already queued: no second entry
        CPPUNIT_ASSERT_EQUAL(size_t(4), q.size());
        for (auto& l : links) CPPUNIT_ASSERT_EQUAL(&l, q.pop());
        CPPUNIT_ASSERT(q.pop() == nullptr);
    }

    void testRemoveAndRequeue() {
        HandshakeQueue q;
        HandshakeQueue::Link a(nullptr, ipv4(2)), b(nullptr, ipv4(2)), c(nullptr, ipv4(3));
        q.push(a);
        q.push(b);
        q.push(c);
        q.remove(a);  // closed while waiting
        q.remove(a);
        CPPUNIT_ASSERT_EQUAL(size_t(2), q.size());
        CPPUNIT_ASSERT_EQUAL(&b, q.pop());
        q.remove(c);
        CPPUNIT_ASSERT(q.empty());
        CPPUNIT_ASSERT(q.pop() == nullptr);
        q.push(c);  // its address comes back after being emptied
        CPPUNIT_ASSERT_EQUAL(&c, q.pop());
    }

    void testIpv4MappedAddressesShareATurn() {
        sockaddr_storage s{};
        auto& in6 = reinterpret_cast<sockaddr_in6&>(s);
        in6.sin6_family = AF_INET6;
        const uint8_t mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 7};
        std::memcpy(&in6.sin6_addr, mapped, 16);
        CPPUNIT_ASSERT(AddressKey::of(s) == ipv4(7));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(HandshakeQueueTest);

}  // namespace ha::net
