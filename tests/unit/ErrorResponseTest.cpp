// The connection layer's own answers (JSON errors) and the request text it writes to logs.
#include "net/ErrorResponse.h"
#include "net/RequestLogText.h"

#include <cppunit/extensions/HelperMacros.h>

#include <Poco/JSON/Parser.h>

namespace ha::net {

class ErrorResponseTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ErrorResponseTest);
    CPPUNIT_TEST(testCompleteJsonResponse);
    CPPUNIT_TEST(testMessageIsEscaped);
    CPPUNIT_TEST(testReasonPhrases);
    CPPUNIT_TEST(testLogTextHasNoControlBytes);
    CPPUNIT_TEST_SUITE_END();

public:
    void testCompleteJsonResponse() {
        const std::string r = ErrorResponse::build(431, "too many", true, "Retry-After: 1\r\n");
        const std::string statusLine = "HTTP/1.1 431 Request Header Fields Too Large\r\n";
        CPPUNIT_ASSERT_EQUAL(statusLine, r.substr(0, statusLine.size()));
        CPPUNIT_ASSERT(r.find("\r\nConnection: close\r\n") != std::string::npos);
        CPPUNIT_ASSERT(r.find("\r\nRetry-After: 1\r\n") != std::string::npos);
        CPPUNIT_ASSERT(r.find("\r\nContent-Type: application/json; charset=utf-8\r\n") != std::string::npos);
        const size_t split = r.find("\r\n\r\n");
        const std::string body = r.substr(split + 4);
        CPPUNIT_ASSERT(r.find("Content-Length: " + std::to_string(body.size()) + "\r\n") != std::string::npos);
        const auto parsed = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
        CPPUNIT_ASSERT_EQUAL(std::string("too many"), parsed->getValue<std::string>("error"));
        CPPUNIT_ASSERT(ErrorResponse::build(503, "busy", false).find("Connection:") == std::string::npos);
    }

    void testMessageIsEscaped() {
        CPPUNIT_ASSERT_EQUAL(std::string("\"a\\\"b\\\\c\\u000a\\u0001\""), ErrorResponse::jsonString("a\"b\\c\n\x01"));
    }

    void testReasonPhrases() {
        CPPUNIT_ASSERT_EQUAL(std::string("Content Too Large"), std::string(ErrorResponse::reason(413)));
        CPPUNIT_ASSERT_EQUAL(std::string("URI Too Long"), std::string(ErrorResponse::reason(414)));
        CPPUNIT_ASSERT_EQUAL(std::string("HTTP Version Not Supported"), std::string(ErrorResponse::reason(505)));
        CPPUNIT_ASSERT_EQUAL(std::string("Unknown"), std::string(ErrorResponse::reason(599)));
    }

    void testLogTextHasNoControlBytes() {
        CPPUNIT_ASSERT_EQUAL(std::string("/v1/tools/a b"), RequestLogText::path("/v1/tools/a%0ab?key=secret"));
        CPPUNIT_ASSERT_EQUAL(std::string("/caf\xc3\xa9"), RequestLogText::path("/caf%C3%A9"));
        CPPUNIT_ASSERT_EQUAL(std::string("/100%"), RequestLogText::path("/100%"));
        CPPUNIT_ASSERT_EQUAL(std::string("/  x"), RequestLogText::path("/%00%1bx"));
        const std::string capped = RequestLogText::path("/" + std::string(500, 'a'), 20);
        CPPUNIT_ASSERT_EQUAL(std::string("/") + std::string(19, 'a') + "...", capped);
        CPPUNIT_ASSERT_EQUAL(std::string("G T"), RequestLogText::method("G\x01T"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ErrorResponseTest);

}  // namespace ha::net
