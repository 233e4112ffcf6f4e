#include "tools/SchemaValidator.h"

#include <cppunit/extensions/HelperMacros.h>

namespace ha {

class SchemaValidatorTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SchemaValidatorTest);
    CPPUNIT_TEST(testAcceptsToolSchemas);
    CPPUNIT_TEST(testRejectsBadSchemas);
    CPPUNIT_TEST(testValidatesValues);
    CPPUNIT_TEST_SUITE_END();

    static std::optional<std::string> check(const std::string& schema) {
        return schema::checkToolSchema(json::parseObject(schema));
    }
    static std::optional<std::string> validate(const std::string& value, const std::string& schema) {
        return schema::validate(json::parse(value), json::parseObject(schema));
    }

public:
    void testAcceptsToolSchemas() {
        CPPUNIT_ASSERT(!check(R"({"type":"object"})"));
        CPPUNIT_ASSERT(!check(R"({"type":"object","properties":{"path":{"type":"string","description":"d","maxLength":9}},)"
                              R"("required":["path"],"additionalProperties":false})"));
        CPPUNIT_ASSERT(!check(R"({"type":"object","properties":{"n":{"type":["integer","null"],"minimum":0},)"
                              R"("tags":{"type":"array","items":{"type":"string","enum":["a","b"]},"maxItems":3}}})"));
    }

    void testRejectsBadSchemas() {
        CPPUNIT_ASSERT_EQUAL(std::string("input schema must have \"type\": \"object\""), *check(R"({"type":"string"})"));
        CPPUNIT_ASSERT(check(R"({"type":"object","properties":{"x":{"type":"text"}}})")->find("unknown type 'text'") != std::string::npos);
        CPPUNIT_ASSERT(check(R"({"type":"object","properties":{"x":{"pattern":"^a"}}})")->find("unsupported keyword 'pattern'") != std::string::npos);
        CPPUNIT_ASSERT(check(R"({"type":"object","required":"x"})"));
        CPPUNIT_ASSERT(check(R"({"type":"object","properties":[]})"));
        CPPUNIT_ASSERT(check(R"({"type":"object","additionalProperties":{}})"));
    }

    void testValidatesValues() {
        const std::string s = R"({"type":"object","properties":{"path":{"type":"string","maxLength":5},)"
                              R"("n":{"type":"integer","minimum":1,"maximum":3},"mode":{"enum":["a","b"]}},)"
                              R"("required":["path"],"additionalProperties":false})";
        CPPUNIT_ASSERT(!validate(R"({"path":"/x","n":2,"mode":"a"})", s));
        CPPUNIT_ASSERT(!validate(R"({"path":"/x","n":2.0})", s));  // 2.0 is an integer
        CPPUNIT_ASSERT_EQUAL(std::string("$: missing required property 'path'"), *validate("{}", s));
        CPPUNIT_ASSERT_EQUAL(std::string("$.path: expected string, got integer"), *validate(R"({"path":1})", s));
        CPPUNIT_ASSERT_EQUAL(std::string("$.path: too long (max 5 characters)"), *validate(R"({"path":"/abcdef"})", s));
        CPPUNIT_ASSERT_EQUAL(std::string("$.n: must be <= 3"), *validate(R"({"path":"/","n":4})", s));
        CPPUNIT_ASSERT_EQUAL(std::string("$.n: expected integer, got number"), *validate(R"({"path":"/","n":1.5})", s));
        CPPUNIT_ASSERT_EQUAL(std::string("$: unexpected property 'extra'"), *validate(R"({"path":"/","extra":1})", s));
        CPPUNIT_ASSERT(validate(R"({"path":"/","mode":"c"})", s)->find("must be one of") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::string("$: expected object, got array"), *validate("[]", s));
        // Multi-byte characters count once toward maxLength.
        CPPUNIT_ASSERT(!validate("{\"path\":\"\xc3\xa9\xc3\xa9\xc3\xa9\"}", s));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SchemaValidatorTest);

}  // namespace ha
