#include "util/Json.h"

#include <cppunit/extensions/HelperMacros.h>

#include <cstdlib>
#include <cstring>
#include <memory>

#include <cmath>
#include <limits>

namespace ha {

class JsonTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(JsonTest);
    CPPUNIT_TEST(testRoundTripKeepsTypes);
    CPPUNIT_TEST(testNumbers);
    CPPUNIT_TEST(testStringsAreEscaped);
    CPPUNIT_TEST(testRejectsBadDocuments);
    CPPUNIT_TEST(testDepthIsCapped);
    CPPUNIT_TEST(testCondenseChecksAndKeepsOrder);
    CPPUNIT_TEST(testVerbatimIsWrittenAsItIs);
    CPPUNIT_TEST(testWriterWritesWhatStringifyWrites);
    CPPUNIT_TEST_SUITE_END();

    static std::string again(const std::string& text) { return json::stringify(json::parse(text)); }

    // Refused by parse() and by condense() alike, with the same words.
    static void expectInvalid(const std::string& text) {
        std::string parseError;
        try {
            json::parse(text);
            CPPUNIT_FAIL("accepted: " + text);
        } catch (const json::JsonError& e) {
            parseError = e.what();
            CPPUNIT_ASSERT(parseError.rfind("invalid JSON: ", 0) == 0);
        }
        try {
            json::condense(text);
            CPPUNIT_FAIL("condensed: " + text);
        } catch (const json::JsonError& e) {
            CPPUNIT_ASSERT_EQUAL(parseError, std::string(e.what()));
        }
    }

public:
    void testRoundTripKeepsTypes() {
        // Parsed objects are sorted by name, as Poco's parser makes them.
        const std::string text = R"({"z":1,"a":[true,false,null,{"k":"v"},[]],"m":{},"s":"x"})";
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"a":[true,false,null,{"k":"v"},[]],"m":{},"s":"x","z":1})"), again(text));
        const auto o = json::parseObject(text);
        CPPUNIT_ASSERT(o->get("z").type() == typeid(Poco::Int64));  // as Poco's parser: integers are Int64
        CPPUNIT_ASSERT(json::getArray(o, "a") && json::getArray(o, "a")->get(2).isEmpty());
        CPPUNIT_ASSERT_EQUAL(std::string("v"), *json::getString(json::asObject(json::getArray(o, "a")->get(3)), "k"));
        // Duplicate keys: the last one wins, in the first one's place.
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"a":2,"b":3})"), again(R"({"a":1,"b":3,"a":2})"));
        // Objects built in code, in insertion order; values Poco holds in other types.
        auto built = json::object();
        built->set("n", 5);
        built->set("u", static_cast<unsigned>(7));
        built->set("c", 'x');
        built->set("d", 0.5);
        built->set("f", true);
        built->set("list", json::array());
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"n":5,"u":7,"c":"x","d":0.5,"f":true,"list":[]})"), json::stringify(built));
        CPPUNIT_ASSERT_EQUAL(std::string("null"), json::stringify(json::Var()));
    }

    void testNumbers() {
        CPPUNIT_ASSERT_EQUAL(std::string("[0,-1,9223372036854775807,18446744073709551615,-9223372036854775808]"),
                             again("[0,-1,9223372036854775807,18446744073709551615,-9223372036854775808]"));
        CPPUNIT_ASSERT(json::parse("18446744073709551615").type() == typeid(Poco::UInt64));
        CPPUNIT_ASSERT_EQUAL(std::string("[2.5,50,-0.125,1e300]"), again("[2.5,50.0,-0.125,1e300]"));
        CPPUNIT_ASSERT(json::parse("50.0").type() == typeid(double));
        // Read to the nearest double, so the shortest text written for it reads back the same
        // (RapidJSON's default parse is off by a unit in the last place for these; fuzz finding).
        for (const char* exact : {"1.3927926388013963e-143", "1.8088101387491814e-140", "5.409760742964738e124",
                                  "-6.255596396381198e-142", "2.3415751315075087e-198"}) {
            CPPUNIT_ASSERT_EQUAL(std::strtod(exact, nullptr), json::parse(exact).extract<double>());
            CPPUNIT_ASSERT_EQUAL(again(exact), again(again(exact)));
            CPPUNIT_ASSERT_EQUAL(again(exact), json::condense(exact));
        }
        // A zero significand with an exponent, and numbers beyond a double's range (too large:
        // infinity, written as null; too small: zero), read and condensed alike.
        CPPUNIT_ASSERT_EQUAL(std::string("[0,0,0,0,null,null,0,0,0,1e-300,10,-3]"),
                             again("[0e300,0.0e-5,-0E+7,0.000e308,1.9e308,-0.5e309,1e-400,-0.0001e-320,"
                                   "0.0000000001e-999999999999,100e-302,1000000000000000000000e-20,-0.03e2]"));
        CPPUNIT_ASSERT_EQUAL(std::string("[0,0,0,0,null,null,0,0,0,1e-300,10,-3]"),
                             json::condense("[0e300,0.0e-5,-0E+7,0.000e308,1.9e308,-0.5e309,1e-400,-0.0001e-320,"
                                            "0.0000000001e-999999999999,100e-302,1000000000000000000000e-20,-0.03e2]"));
        CPPUNIT_ASSERT(json::parse("-0").type() == typeid(Poco::Int64));
        CPPUNIT_ASSERT(json::parse("9223372036854775808").type() == typeid(Poco::UInt64));
        CPPUNIT_ASSERT(json::parse("18446744073709551616").type() == typeid(double));
        CPPUNIT_ASSERT(json::parse("-9223372036854775809").type() == typeid(double));
        CPPUNIT_ASSERT_EQUAL(std::string("[18446744073709553000.0,-9223372036854776000.0]"),
                             json::condense("[18446744073709551616,-9223372036854775809]"));
        expectInvalid("1e400");  // RapidJSON's range check stays: too big to be a number at all
        // Not JSON numbers: written as null rather than as text no parser reads.
        auto o = json::object();
        o->set("nan", std::nan(""));
        o->set("inf", std::numeric_limits<double>::infinity());
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"nan":null,"inf":null})"), json::stringify(o));
    }

    void testStringsAreEscaped() {
        CPPUNIT_ASSERT_EQUAL(std::string(R"("a\"b\\c\n\t\u0001/é")"), json::stringify(json::Var(std::string("a\"b\\c\n\t\x01/é"))));
        CPPUNIT_ASSERT_EQUAL(std::string("😀é"), json::parse(R"("\ud83d\ude00\u00e9")").extract<std::string>());
        CPPUNIT_ASSERT_EQUAL(std::string(R"(["x\u0000y"])"), again(R"(["x\u0000y"])"));
    }

    void testRejectsBadDocuments() {
        for (const char* bad : {"", " ", "{", "[1,]", "{\"a\":1,}", "{'a':1}", "nul", "01", "1.", "[1] x", "{}{}",
                                "\"\\x\"", "\"\\ud800\"", "\"tab\there\"", "// c\n{}", "NaN", "[Infinity]"}) {
            expectInvalid(bad);
        }
        expectInvalid(std::string("{}\0{}", 5));       // text after a NUL byte
        expectInvalid(std::string("[\"a\0b\"]", 7));   // a NUL byte in a string
        expectInvalid("\"\xC3\x28\"");                 // invalid UTF-8
        // A sequence cut at the very end: its continuation bytes must not be read past the text
        // (ASan sees it: the bytes sit at the end of their own heap block).
        for (const char* cut : {"\"\xF0", "{\"k\": \"v\xE2\x82", "[\"\xF4\x8F\xBF"}) {
            const std::string t(cut);
            auto exact = std::make_unique<char[]>(t.size());
            std::memcpy(exact.get(), t.data(), t.size());
            expectInvalid(std::string(exact.get(), t.size()));
        }
        CPPUNIT_ASSERT_THROW(json::parseObject("[1]"), json::JsonError);
    }

    void testDepthIsCapped() {
        CPPUNIT_ASSERT_NO_THROW(json::parse(std::string(64, '[') + std::string(64, ']')));
        expectInvalid(std::string(65, '[') + std::string(65, ']'));
        expectInvalid(std::string(100000, '['));  // no recursion, however deep
        CPPUNIT_ASSERT_EQUAL(std::string(64, '[') + std::string(64, ']'),
                             json::condense(std::string(64, '[') + std::string(64, ']')));
    }

    void testCondenseChecksAndKeepsOrder() {
        // Whitespace goes, members keep their order (and duplicates), numbers and escapes are
        // written as stringify() writes them.
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"z":1,"a":[true,null,{"k":"v"}],"a":2})"),
                             json::condense(" {\"z\" : 1,\n \"a\":[ true , null,{\"k\":\"v\"}], \"a\":2}\n"));
        CPPUNIT_ASSERT_EQUAL(again("[2.5,50.0,-0.125,1e300,18446744073709551615,-9223372036854775808]"),
                             json::condense("[2.5,50.0,-0.125,1e300,18446744073709551615,-9223372036854775808]"));
        CPPUNIT_ASSERT_EQUAL(again(R"(["\ud83d\ude00\u00e9","x\u0000y","\/"])"),
                             json::condense(R"(["\ud83d\ude00\u00e9","x\u0000y","\/"])"));
    }

    void testVerbatimIsWrittenAsItIs() {
        const json::Var result = json::verbatim(R"({ "b": 1, "a": [1, 2.0] })");
        auto response = json::object();
        response->set("result", result);
        response->set("n", 1);
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"result":{"b":1,"a":[1,2]},"n":1})"), json::stringify(response));
        // Read as the document it is, wherever it sits.
        CPPUNIT_ASSERT(json::isObject(result) && !json::isArray(result));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1), *json::getInt(json::asObject(result), "b"));
        CPPUNIT_ASSERT_EQUAL(size_t(2), json::getArray(json::getObject(response, "result"), "a")->size());
        const json::Var list = json::verbatim("[3]");
        CPPUNIT_ASSERT(json::isArray(list) && !json::asObject(list) && json::asArray(list)->size() == 1);
        CPPUNIT_ASSERT(!json::isObject(json::verbatim("\"text\"")));
        CPPUNIT_ASSERT_THROW(json::verbatim("{\"a\":"), json::JsonError);
    }

    void testWriterWritesWhatStringifyWrites() {
        // The same document built as Poco objects and written member by member.
        auto subject = json::object();
        subject->set("plugin", std::string("docker"));
        subject->set("n", 1.0);
        auto words = json::array();
        words->add(std::string("is"));
        words->add(std::string("plex \"up\"\n"));
        auto doc = json::object();
        doc->set("text", std::string(" is plex up "));
        doc->set("words", words);
        doc->set("subject", subject);
        doc->set("none", json::Var());
        doc->set("ok", true);
        doc->set("result", json::verbatim(R"({"b":[1,2],"a":0.5})"));

        json::Writer w;
        w.startObject().member("text", std::string(" is plex up "));
        w.key("words").startArray().string("is").string("plex \"up\"\n").endArray();
        w.member("subject", json::Var(subject)).key("none").null().key("ok").boolean(true);
        w.member("result", json::verbatim(R"({"b":[1,2],"a":0.5})")).endObject();
        CPPUNIT_ASSERT_EQUAL(json::stringify(doc), w.text());
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"text":" is plex up ","words":["is","plex \"up\"\n"],)"
                                         R"("subject":{"plugin":"docker","n":1},"none":null,"ok":true,)"
                                         R"("result":{"b":[1,2],"a":0.5}})"),
                             w.text());
        // The text is a document every reader takes.
        CPPUNIT_ASSERT(json::parseObject(w.text())->has("result"));
        // An empty writer has written nothing.
        CPPUNIT_ASSERT_EQUAL(std::string(), json::Writer().text());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(JsonTest);

}  // namespace ha
