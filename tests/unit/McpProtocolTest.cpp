// The pure parts of the MCP server: which protocol revision initialize answers, the Origin
// check, and how a capability and a call's result look to an MCP client.
#include "http/McpHandler.h"
#include "http/McpTools.h"
#include "http/McpVersion.h"

#include <cppunit/extensions/HelperMacros.h>

namespace ha::http {

class McpProtocolTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(McpProtocolTest);
    CPPUNIT_TEST(testVersionNegotiation);
    CPPUNIT_TEST(testOrigin);
    CPPUNIT_TEST(testToolDescription);
    CPPUNIT_TEST(testCallResults);
    CPPUNIT_TEST_SUITE_END();

public:
    void testVersionNegotiation() {
        // A version both speak is answered as asked; anything else gets the newest.
        CPPUNIT_ASSERT_EQUAL(std::string("2025-03-26"), McpVersion::negotiate("2025-03-26"));
        CPPUNIT_ASSERT_EQUAL(std::string("2025-06-18"), McpVersion::negotiate("2025-06-18"));
        CPPUNIT_ASSERT_EQUAL(std::string("2025-11-25"), McpVersion::negotiate("2025-11-25"));
        CPPUNIT_ASSERT_EQUAL(std::string("2025-11-25"), McpVersion::negotiate("2024-11-05"));
        CPPUNIT_ASSERT_EQUAL(std::string("2025-11-25"), McpVersion::negotiate("2030-01-01"));
        CPPUNIT_ASSERT_EQUAL(std::string("2025-11-25"), McpVersion::negotiate(""));
        CPPUNIT_ASSERT(McpVersion::supported("2025-06-18"));
        CPPUNIT_ASSERT(!McpVersion::supported("2025-06-18 "));
        CPPUNIT_ASSERT(!McpVersion::supported("2024-11-05"));
        CPPUNIT_ASSERT_EQUAL(std::string("2025-03-26, 2025-06-18, 2025-11-25"), McpVersion::supportedList());
    }

    void testOrigin() {
        CPPUNIT_ASSERT(McpHandler::originAllowed("", "127.0.0.1:8443"));
        CPPUNIT_ASSERT(McpHandler::originAllowed("https://127.0.0.1:8443", "127.0.0.1:8443"));
        CPPUNIT_ASSERT(McpHandler::originAllowed("https://NAS.local:8443", "nas.local:8443"));
        CPPUNIT_ASSERT(!McpHandler::originAllowed("http://127.0.0.1:8443", "127.0.0.1:8443"));
        CPPUNIT_ASSERT(!McpHandler::originAllowed("https://evil.example", "127.0.0.1:8443"));
        CPPUNIT_ASSERT(!McpHandler::originAllowed("https://127.0.0.1:8443.evil.example", "127.0.0.1:8443"));
        CPPUNIT_ASSERT(!McpHandler::originAllowed("null", "127.0.0.1:8443"));
        CPPUNIT_ASSERT(!McpHandler::originAllowed("https://127.0.0.1:8443", ""));
    }

    void testToolDescription() {
        CPPUNIT_ASSERT_EQUAL(std::string("Disk usage"), McpTools::title("disk.usage"));
        CPPUNIT_ASSERT_EQUAL(std::string("Systemd failed units"), McpTools::title("systemd.failed_units"));
        ToolInfo info;
        info.capability = "disk.usage";
        info.function = "disk_usage";
        info.description = "Free and used space of mounted filesystems.";
        info.inputSchemaObject = json::parseObject(R"({"type":"object","properties":{"path":{"type":"string"}}})");
        info.effect = Effect::ReadOnly;
        const auto tool = McpTools::describe(info);
        CPPUNIT_ASSERT_EQUAL(std::string("disk.usage"), *json::getString(tool, "name"));
        CPPUNIT_ASSERT_EQUAL(std::string("Disk usage"), *json::getString(tool, "title"));
        CPPUNIT_ASSERT_EQUAL(info.description, *json::getString(tool, "description"));
        CPPUNIT_ASSERT_EQUAL(std::string("object"), *json::getString(json::getObject(tool, "inputSchema"), "type"));
        const auto a = json::getObject(tool, "annotations");
        CPPUNIT_ASSERT(a);
        CPPUNIT_ASSERT_EQUAL(true, *json::getBool(a, "readOnlyHint"));
        CPPUNIT_ASSERT_EQUAL(false, *json::getBool(a, "destructiveHint"));
        CPPUNIT_ASSERT_EQUAL(true, *json::getBool(a, "idempotentHint"));
        CPPUNIT_ASSERT_EQUAL(false, *json::getBool(a, "openWorldHint"));
        // A capability without a schema still has an object schema (MCP requires one).
        info.inputSchemaObject = nullptr;
        CPPUNIT_ASSERT(json::getObject(McpTools::describe(info), "inputSchema"));
    }

    void testCallResults() {
        ToolExecution ok;
        ok.record.status = CallStatus::Ok;
        ok.result = json::parse(R"({"mounts":[{"path":"/","free_bytes":1024}]})");
        const auto r = McpTools::callResult(ok);
        CPPUNIT_ASSERT_EQUAL(false, *json::getBool(r, "isError"));
        const auto text = json::asObject(json::getArray(r, "content")->get(0));
        CPPUNIT_ASSERT_EQUAL(std::string("text"), *json::getString(text, "type"));
        CPPUNIT_ASSERT_EQUAL(json::stringify(ok.result), *json::getString(text, "text"));
        CPPUNIT_ASSERT_EQUAL(json::stringify(ok.result), json::stringify(r->get("structuredContent")));
        // structuredContent is always an object.
        ok.result = json::parse("[1,2]");
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"result":[1,2]})"),
                             json::stringify(McpTools::callResult(ok)->get("structuredContent")));

        ToolExecution failed;
        failed.record.status = CallStatus::InvalidArgument;
        failed.record.error = "path must be absolute";
        const auto e = McpTools::callResult(failed);
        CPPUNIT_ASSERT_EQUAL(true, *json::getBool(e, "isError"));
        CPPUNIT_ASSERT(!e->has("structuredContent"));
        const auto message = *json::getString(json::asObject(json::getArray(e, "content")->get(0)), "text");
        CPPUNIT_ASSERT(message.find("path must be absolute") != std::string::npos);
        CPPUNIT_ASSERT(message.find("invalid_argument") != std::string::npos);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(McpProtocolTest);

}  // namespace ha::http
