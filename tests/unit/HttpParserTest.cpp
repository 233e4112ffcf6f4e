// The connection layer's HTTP/1.1 request reader, on honest requests fed in every split and on
// the hostile ones it must refuse (smuggling, limits, malformed framing and bytes).
#include "net/HttpRequestParser.h"

#include <cppunit/extensions/HelperMacros.h>

#include <random>
#include <string>
#include <vector>

namespace ha::net {

namespace {

HttpRequestParser::Limits smallLimits() {
    HttpRequestParser::Limits l;
    l.requestLine = 64;
    l.headerBytes = 256;
    l.headerCount = 8;
    l.bodyBytes = 100;
    return l;
}

// Feeds `text` in pieces of `step` bytes (0: all at once) and returns the bytes consumed.
size_t feedAll(HttpRequestParser& p, const std::string& text, size_t step = 0) {
    size_t used = 0;
    if (step == 0) step = text.size();
    while (used < text.size() && !p.complete() && !p.failed()) {
        const size_t n = p.feed(std::string_view(text).substr(used, std::min(step, text.size() - used)));
        if (n == 0) break;
        used += n;
    }
    return used;
}

int statusOf(const std::string& text, HttpRequestParser::Limits limits = HttpRequestParser::Limits()) {
    HttpRequestParser p(limits);
    feedAll(p, text);
    return p.failed() ? p.failure().status : (p.complete() ? 200 : 0);
}

const std::string kGet = "GET /health?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8443\r\nUser-Agent:  curl/7.88 \r\nAccept: */*\r\n\r\n";

}  // namespace

class HttpParserTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(HttpParserTest);
    CPPUNIT_TEST(testSimpleGet);
    CPPUNIT_TEST(testEverySplitGivesTheSameRequest);
    CPPUNIT_TEST(testContentLengthBodyAndPipelining);
    CPPUNIT_TEST(testChunkedBodyWithExtensionsAndTrailers);
    CPPUNIT_TEST(testRandomSplitsOfAPipeline);
    CPPUNIT_TEST(testKeepAliveRules);
    CPPUNIT_TEST(testExpectContinue);
    CPPUNIT_TEST(testToleratedForms);
    CPPUNIT_TEST(testSmugglingIsRefused);
    CPPUNIT_TEST(testContentLengthValues);
    CPPUNIT_TEST(testTransferEncodingValues);
    CPPUNIT_TEST(testBodyLimitWithoutReadingTheBody);
    CPPUNIT_TEST(testChunkedHostility);
    CPPUNIT_TEST(testHeadLimits);
    CPPUNIT_TEST(testLineEndingsAndFolding);
    CPPUNIT_TEST(testBadBytes);
    CPPUNIT_TEST(testRequestLineShapes);
    CPPUNIT_TEST(testHostRules);
    CPPUNIT_TEST(testNonHttpInputFailsAtOnce);
    CPPUNIT_TEST(testNothingIsConsumedAfterTheEnd);
    CPPUNIT_TEST_SUITE_END();

public:
    void testSimpleGet() {
        HttpRequestParser p({});
        CPPUNIT_ASSERT(!p.started());
        CPPUNIT_ASSERT_EQUAL(kGet.size(), p.feed(kGet));
        CPPUNIT_ASSERT(p.complete());
        const ParsedRequest r = p.take();
        CPPUNIT_ASSERT_EQUAL(std::string("GET"), std::string(r.methodText()));
        CPPUNIT_ASSERT_EQUAL(std::string("/health?x=1"), std::string(r.targetText()));
        CPPUNIT_ASSERT_EQUAL(1, r.versionMinor);
        CPPUNIT_ASSERT_EQUAL(size_t(3), r.fields.size());
        CPPUNIT_ASSERT_EQUAL(std::string("curl/7.88"), std::string(r.field("user-agent")));  // OWS trimmed
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:8443"), std::string(r.field("HOST")));
        CPPUNIT_ASSERT(r.field("missing").empty());
        CPPUNIT_ASSERT(r.keepAlive);
        CPPUNIT_ASSERT(!r.chunked);
        CPPUNIT_ASSERT(r.body.empty());
        CPPUNIT_ASSERT(!p.started());  // take() starts over
    }

    void testEverySplitGivesTheSameRequest() {
        const std::string text = "POST /chat HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world";
        for (size_t step = 1; step <= text.size(); ++step) {
            HttpRequestParser p({});
            CPPUNIT_ASSERT_EQUAL(text.size(), feedAll(p, text, step));
            CPPUNIT_ASSERT_MESSAGE("step " + std::to_string(step), p.complete());
            CPPUNIT_ASSERT_EQUAL(std::string("hello world"), p.request().body);
            CPPUNIT_ASSERT_EQUAL(std::string("/chat"), std::string(p.request().targetText()));
        }
    }

    void testContentLengthBodyAndPipelining() {
        const std::string first = "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc";
        const std::string second = "GET /b HTTP/1.1\r\nHost: h\r\n\r\n";
        HttpRequestParser p({});
        const std::string both = first + second;
        const size_t used = p.feed(both);
        CPPUNIT_ASSERT_EQUAL(first.size(), used);  // the rest belongs to the next request
        CPPUNIT_ASSERT(p.complete());
        CPPUNIT_ASSERT_EQUAL(std::string("abc"), p.take().body);
        CPPUNIT_ASSERT_EQUAL(second.size(), p.feed(std::string_view(both).substr(used)));
        CPPUNIT_ASSERT(p.complete());
        CPPUNIT_ASSERT_EQUAL(std::string("/b"), std::string(p.take().targetText()));
    }

    void testChunkedBodyWithExtensionsAndTrailers() {
        const std::string text =
            "POST /chat HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n"
            "5;name=value\r\nhello\r\n"
            "6 ; ext\r\n world\r\n"
            "0\r\nX-Checksum: 1\r\n\r\n";
        for (size_t step : {size_t(0), size_t(1), size_t(2), size_t(7)}) {
            HttpRequestParser p({});
            CPPUNIT_ASSERT_EQUAL(text.size(), feedAll(p, text, step));
            CPPUNIT_ASSERT(p.complete());
            CPPUNIT_ASSERT(p.request().chunked);
            CPPUNIT_ASSERT_EQUAL(std::string("hello world"), p.request().body);
        }
    }

    void testRandomSplitsOfAPipeline() {
        const std::vector<std::string> requests = {
            "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
            "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
            "PUT /y HTTP/1.0\r\nContent-Length: 2\r\n\r\nhi",
        };
        std::string all;
        for (const auto& r : requests) all += r;
        std::mt19937 rng(20261201);
        for (int round = 0; round < 200; ++round) {
            HttpRequestParser p({});
            std::vector<std::string> bodies;
            size_t pos = 0;
            std::string pending;
            while (pos < all.size() || !pending.empty()) {
                if (pending.empty()) {
                    const size_t n = std::min<size_t>(1 + rng() % 17, all.size() - pos);
                    pending = all.substr(pos, n);
                    pos += n;
                }
                const size_t used = p.feed(pending);
                pending.erase(0, used);
                CPPUNIT_ASSERT(!p.failed());
                if (p.complete()) bodies.push_back(p.take().body);
            }
            CPPUNIT_ASSERT_EQUAL(size_t(3), bodies.size());
            CPPUNIT_ASSERT_EQUAL(std::string("abc"), bodies[1]);
            CPPUNIT_ASSERT_EQUAL(std::string("hi"), bodies[2]);
        }
    }

    void testKeepAliveRules() {
        const auto keepAlive = [](const std::string& text) {
            HttpRequestParser p({});
            feedAll(p, text);
            CPPUNIT_ASSERT(p.complete());
            return p.request().keepAlive;
        };
        CPPUNIT_ASSERT(keepAlive("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
        CPPUNIT_ASSERT(!keepAlive("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"));
        CPPUNIT_ASSERT(!keepAlive("GET / HTTP/1.1\r\nHost: h\r\nConnection: TE, Close\r\n\r\n"));
        CPPUNIT_ASSERT(!keepAlive("GET / HTTP/1.0\r\n\r\n"));
        CPPUNIT_ASSERT(keepAlive("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"));
    }

    void testExpectContinue() {
        HttpRequestParser p({});
        p.feed("POST /chat HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 4\r\n\r\n");
        CPPUNIT_ASSERT(p.awaitingBody());
        CPPUNIT_ASSERT(p.expectsContinue());
        p.feed("body");
        CPPUNIT_ASSERT(p.complete());
        // Nothing to wait for: no 100 Continue.
        HttpRequestParser empty({});
        empty.feed("POST /chat HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n");
        CPPUNIT_ASSERT(empty.complete());
        CPPUNIT_ASSERT(!empty.expectsContinue());
        CPPUNIT_ASSERT_EQUAL(417, statusOf("POST / HTTP/1.1\r\nHost: h\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\nx"));
        // HTTP/1.0 expectations are ignored (RFC 9110 10.1.1).
        CPPUNIT_ASSERT_EQUAL(200, statusOf("POST / HTTP/1.0\r\nExpect: whatever\r\nContent-Length: 1\r\n\r\nx"));
    }

    void testToleratedForms() {
        CPPUNIT_ASSERT_EQUAL(200, statusOf("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n"));  // leading empty lines
        CPPUNIT_ASSERT_EQUAL(200, statusOf("GET http://h/x HTTP/1.1\r\nHost: h\r\n\r\n"));  // absolute form
        CPPUNIT_ASSERT_EQUAL(200, statusOf("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(200, statusOf("GET / HTTP/1.1\r\nHost: h\r\nX-Name: caf\xc3\xa9\r\nEmpty:\r\n\r\n"));
        HttpRequestParser p({});
        feedAll(p, "GET / HTTP/1.9\r\nHost: h\r\n\r\n");  // a later 1.x is served as 1.1
        CPPUNIT_ASSERT(p.complete());
        CPPUNIT_ASSERT_EQUAL(1, p.request().versionMinor);
    }

    void testSmugglingIsRefused() {
        // CL.TE: a front end honouring Content-Length would forward the smuggled GET as body.
        const std::string clte =
            "POST /health HTTP/1.1\r\nHost: h\r\nContent-Length: 35\r\nTransfer-Encoding: chunked\r\n\r\n"
            "0\r\n\r\nGET /v1/tools HTTP/1.1\r\nHost: h\r\n\r\n";
        HttpRequestParser p({});
        const size_t used = p.feed(clte);
        CPPUNIT_ASSERT(p.failed());
        CPPUNIT_ASSERT_EQUAL(400, p.failure().status);
        CPPUNIT_ASSERT(p.failure().message.find("Content-Length and Transfer-Encoding") != std::string::npos);
        CPPUNIT_ASSERT(used < clte.size());
        CPPUNIT_ASSERT_EQUAL(size_t(0), p.feed("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));  // nothing after
        CPPUNIT_ASSERT_EQUAL(400, statusOf("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, statusOf("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc"));
        CPPUNIT_ASSERT_EQUAL(400, statusOf("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 30\r\n\r\nabc"));
        CPPUNIT_ASSERT_EQUAL(400, statusOf("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"));
    }

    void testContentLengthValues() {
        const auto withLength = [](const std::string& value) {
            return statusOf("POST / HTTP/1.1\r\nHost: h\r\nContent-Length:" + value + "\r\n\r\nabc");
        };
        CPPUNIT_ASSERT_EQUAL(200, withLength(" 3"));
        CPPUNIT_ASSERT_EQUAL(200, withLength("003"));
        CPPUNIT_ASSERT_EQUAL(400, withLength(" -3"));
        CPPUNIT_ASSERT_EQUAL(400, withLength(" +3"));
        CPPUNIT_ASSERT_EQUAL(400, withLength(" 3, 3"));
        CPPUNIT_ASSERT_EQUAL(400, withLength(" 3 3"));
        CPPUNIT_ASSERT_EQUAL(400, withLength(" three"));
        CPPUNIT_ASSERT_EQUAL(400, withLength(" 0x3"));
        CPPUNIT_ASSERT_EQUAL(400, withLength(""));
        CPPUNIT_ASSERT_EQUAL(413, withLength(" 99999999999999999999999999"));  // no overflow
    }

    void testTransferEncodingValues() {
        const auto withCoding = [](const std::string& value, const std::string& version = "1.1") {
            return statusOf("POST / HTTP/" + version + "\r\nHost: h\r\nTransfer-Encoding: " + value + "\r\n\r\n0\r\n\r\n");
        };
        CPPUNIT_ASSERT_EQUAL(200, withCoding("chunked"));
        CPPUNIT_ASSERT_EQUAL(501, withCoding("gzip"));
        CPPUNIT_ASSERT_EQUAL(501, withCoding("gzip, chunked"));
        CPPUNIT_ASSERT_EQUAL(501, withCoding("chunked, chunked"));
        CPPUNIT_ASSERT_EQUAL(400, withCoding("chunked", "1.0"));
    }

    void testBodyLimitWithoutReadingTheBody() {
        const std::string head = "POST /chat HTTP/1.1\r\nHost: h\r\nContent-Length: 101\r\n\r\n";
        HttpRequestParser p(smallLimits());
        const size_t used = p.feed(head + std::string(101, 'x'));
        CPPUNIT_ASSERT(p.failed());
        CPPUNIT_ASSERT_EQUAL(413, p.failure().status);
        CPPUNIT_ASSERT_EQUAL(head.size(), used);  // refused from the header alone
        CPPUNIT_ASSERT_EQUAL(std::string("request body is larger than 100 bytes"), p.failure().message);
        CPPUNIT_ASSERT_EQUAL(200, statusOf("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n" + std::string(100, 'x'),
                                           smallLimits()));
    }

    void testChunkedHostility() {
        const std::string head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
        const auto chunked = [&](const std::string& body) { return statusOf(head + body, smallLimits()); };
        CPPUNIT_ASSERT_EQUAL(200, chunked("64\r\n" + std::string(100, 'x') + "\r\n0\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(413, chunked("65\r\n"));                          // one chunk over the limit
        CPPUNIT_ASSERT_EQUAL(413, chunked("32\r\n" + std::string(50, 'x') + "\r\n33\r\n"));  // the sum
        CPPUNIT_ASSERT_EQUAL(413, chunked("ffffffffffffffffffffffff\r\n"));  // no overflow
        CPPUNIT_ASSERT_EQUAL(400, chunked("zz\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, chunked("-1\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, chunked("3\r\nabcd\r\n"));   // data longer than its size
        CPPUNIT_ASSERT_EQUAL(400, chunked("3\nabc\r\n"));      // bare LF after the size
        CPPUNIT_ASSERT_EQUAL(400, chunked("3\r\nabc\n0\r\n"));  // bare LF after the data
        CPPUNIT_ASSERT_EQUAL(400, chunked("3;a\x01\r\nabc\r\n"));  // control byte in an extension
        CPPUNIT_ASSERT_EQUAL(400, chunked(std::string(5000, '0') + "\r\n"));  // endless size line
        CPPUNIT_ASSERT_EQUAL(400, chunked("0\r\nbad trailer\r\n\r\n"));
        std::string trailers = "0\r\n";
        for (int i = 0; i < 9; ++i) trailers += "T" + std::to_string(i) + ": v\r\n";
        CPPUNIT_ASSERT_EQUAL(431, chunked(trailers + "\r\n"));
        CPPUNIT_ASSERT_EQUAL(431, chunked("0\r\nT: " + std::string(300, 'v') + "\r\n\r\n"));
    }

    void testHeadLimits() {
        const auto limits = smallLimits();
        CPPUNIT_ASSERT_EQUAL(414, statusOf("GET /" + std::string(80, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n", limits));
        // Refused before the line ends, without waiting for the rest.
        HttpRequestParser p(limits);
        p.feed("GET /" + std::string(100, 'a'));
        CPPUNIT_ASSERT(p.failed());
        CPPUNIT_ASSERT_EQUAL(414, p.failure().status);
        std::string many = "GET / HTTP/1.1\r\nHost: h\r\n";
        for (int i = 0; i < 8; ++i) many += "X" + std::to_string(i) + ": v\r\n";
        CPPUNIT_ASSERT_EQUAL(431, statusOf(many + "\r\n", limits));
        CPPUNIT_ASSERT_EQUAL(431, statusOf("GET / HTTP/1.1\r\nHost: h\r\nBig: " + std::string(300, 'v') + "\r\n\r\n", limits));
        HttpRequestParser endless(limits);  // a header that never ends stops at the limit
        endless.feed("GET / HTTP/1.1\r\nHost: h\r\nX: " + std::string(1000, 'v'));
        CPPUNIT_ASSERT(endless.failed());
        CPPUNIT_ASSERT_EQUAL(431, endless.failure().status);
        CPPUNIT_ASSERT(endless.request().head.size() <= limits.requestLine + limits.headerBytes + 5);
        CPPUNIT_ASSERT_EQUAL(501, statusOf(std::string(40, 'M') + " / HTTP/1.1\r\nHost: h\r\n\r\n"));
    }

    void testLineEndingsAndFolding() {
        CPPUNIT_ASSERT_EQUAL(400, statusOf("GET / HTTP/1.1\nHost: h\n\n"));
        CPPUNIT_ASSERT_EQUAL(400, statusOf("GET / HTTP/1.1\r\nHost: h\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, statusOf("GET / HTTP/1.1\rHost: h\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, statusOf("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n folded\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, statusOf("GET / HTTP/1.1\r\nHost : h\r\n\r\n"));  // space before the colon
        CPPUNIT_ASSERT_EQUAL(400, statusOf("GET / HTTP/1.1\r\nHost: h\r\nno colon\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, statusOf("GET / HTTP/1.1\r\nHost: h\r\n: empty name\r\n\r\n"));
    }

    void testBadBytes() {
        const char withNul[] = "GET / HTTP/1.1\r\nHost: h\r\nX: a\0b\r\n\r\n";
        CPPUNIT_ASSERT_EQUAL(400, statusOf(std::string(withNul, sizeof withNul - 1)));
        CPPUNIT_ASSERT_EQUAL(400, statusOf("GET / HTTP/1.1\r\nHost: h\r\nX: a\x01" "b\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, statusOf("GET / HTTP/1.1\r\nHost: h\r\nX: a\x7f\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, statusOf("GET /a\x01z HTTP/1.1\r\nHost: h\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, statusOf("GET /caf\xc3\xa9 HTTP/1.1\r\nHost: h\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, statusOf("G\x01T / HTTP/1.1\r\nHost: h\r\n\r\n"));  // control byte in the method
        CPPUNIT_ASSERT_EQUAL(400, statusOf("GE(T / HTTP/1.1\r\nHost: h\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, statusOf("GET / HTTP/1.1\r\nHo\x01st: h\r\n\r\n"));
    }

    void testRequestLineShapes() {
        CPPUNIT_ASSERT_EQUAL(505, statusOf("GET / HTTP/2.0\r\nHost: h\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(505, statusOf("GET / HTTP/0.9\r\nHost: h\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, statusOf("GET /\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, statusOf("GET / http/1.1\r\nHost: h\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, statusOf("GET / HTTP/1.10\r\nHost: h\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, statusOf("GET  / HTTP/1.1\r\nHost: h\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, statusOf("GET / x HTTP/1.1\r\nHost: h\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, statusOf("GET health HTTP/1.1\r\nHost: h\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, statusOf("GET * HTTP/1.1\r\nHost: h\r\n\r\n"));
    }

    void testHostRules() {
        CPPUNIT_ASSERT_EQUAL(400, statusOf("GET / HTTP/1.1\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, statusOf("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(200, statusOf("GET / HTTP/1.0\r\n\r\n"));
    }

    void testNonHttpInputFailsAtOnce() {
        HttpRequestParser tls({});
        tls.feed(std::string("\x16\x03\x01\x02\x00\x01", 6));  // a TLS ClientHello
        CPPUNIT_ASSERT(tls.failed());
        CPPUNIT_ASSERT_EQUAL(400, tls.failure().status);
        HttpRequestParser blank({});
        blank.feed(std::string(100, '\n'));
        CPPUNIT_ASSERT(blank.failed());
    }

    void testNothingIsConsumedAfterTheEnd() {
        HttpRequestParser p({});
        p.feed("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        CPPUNIT_ASSERT(p.complete());
        CPPUNIT_ASSERT_EQUAL(size_t(0), p.feed("GET / HTTP/1.1\r\n"));
        p.reset();
        CPPUNIT_ASSERT_EQUAL(size_t(3), p.feed("GET"));
        CPPUNIT_ASSERT(p.started());
        CPPUNIT_ASSERT(!p.complete());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(HttpParserTest);

}  // namespace ha::net
