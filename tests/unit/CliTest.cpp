#include "cli/ApiKeySource.h"
#include "cli/CliError.h"
#include "cli/CliOptions.h"
#include "cli/ConnectionSettings.h"
#include "cli/EventStreamReader.h"
#include "cli/HttpFailure.h"
#include "cli/LineReader.h"
#include "cli/McpStdioBridge.h"
#include "util/Json.h"

#include <cppunit/extensions/HelperMacros.h>

#include <cstdlib>
#include <sstream>
#include <unistd.h>
#include <utility>
#include <vector>

namespace ha::cli {

// The client commands' pure parts: arguments, key files, listen addresses, event streams,
// bounded stdin lines, error texts. The commands themselves are tested against the real server
// (tests/integration/cli).
class CliTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(CliTest);
    CPPUNIT_TEST(testOptionsOfAsk);
    CPPUNIT_TEST(testOptionsRefused);
    CPPUNIT_TEST(testKeyFileShapes);
    CPPUNIT_TEST(testUrlForListen);
    CPPUNIT_TEST(testEventStreamAcrossPieces);
    CPPUNIT_TEST(testLineReaderBoundsLines);
    CPPUNIT_TEST(testHttpFailureTexts);
    CPPUNIT_TEST(testMcpErrorLineAndParseError);
    CPPUNIT_TEST_SUITE_END();

    static ExitCode usageCode(const std::vector<std::string>& args) {
        try {
            CliOptions::parse(args);
        } catch (const CliError& e) {
            return e.code();
        }
        return ExitCode::Answered;
    }

public:
    void testOptionsOfAsk() {
        const CliOptions o = CliOptions::parse({"ask", "--url=https://nas:8443", "--conversation", "c1", "Is", "--", "-x"});
        CPPUNIT_ASSERT_EQUAL(std::string("ask"), o.command);
        CPPUNIT_ASSERT_EQUAL(std::string("https://nas:8443"), *o.url);
        CPPUNIT_ASSERT_EQUAL(std::string("c1"), *o.conversation);
        CPPUNIT_ASSERT((o.words == std::vector<std::string>{"Is", "-x"}));
        CPPUNIT_ASSERT(CliOptions::parse({"status", "--json", "--timeout", "5"}).json);
        CPPUNIT_ASSERT(CliOptions::isCommand("mcp"));
        CPPUNIT_ASSERT(!CliOptions::isCommand("--config"));
    }

    void testOptionsRefused() {
        CPPUNIT_ASSERT(usageCode({"ask", "--nope"}) == ExitCode::Usage);
        CPPUNIT_ASSERT(usageCode({"status", "--conversation", "x"}) == ExitCode::Usage);  // ask's only
        CPPUNIT_ASSERT(usageCode({"mcp", "words"}) == ExitCode::Usage);
        CPPUNIT_ASSERT(usageCode({"ask", "--url"}) == ExitCode::Usage);                   // no value
        CPPUNIT_ASSERT(usageCode({"ask", "--insecure=yes"}) == ExitCode::Usage);
        CPPUNIT_ASSERT(usageCode({"ask", "--timeout", "0"}) == ExitCode::Usage);
        CPPUNIT_ASSERT(usageCode({"ask", "--timeout", "9x"}) == ExitCode::Usage);
        CPPUNIT_ASSERT(usageCode({"ask", "--insecure", "--ca", "f"}) == ExitCode::Usage);
        CPPUNIT_ASSERT(usageCode({}) == ExitCode::Usage);
    }

    void testKeyFileShapes() {
        CPPUNIT_ASSERT_EQUAL(std::string("abc0123456789xyz"), *ApiKeySource::parse("abc0123456789xyz\n"));
        CPPUNIT_ASSERT_EQUAL(std::string("k1"), *ApiKeySource::parse("# secrets\nAPI_KEY=k1\n#GROQ_API_KEY=\n"));
        CPPUNIT_ASSERT_EQUAL(std::string("k2"), *ApiKeySource::parse("GROQ_API_KEY=g\nexport API_KEY=\"k2\"\n"));
        CPPUNIT_ASSERT_EQUAL(std::string("k3"), *ApiKeySource::parse("API_KEY='k3'"));
        CPPUNIT_ASSERT(!ApiKeySource::parse("GROQ_API_KEY=g\n"));    // someone else's key
        CPPUNIT_ASSERT(!ApiKeySource::parse("one\ntwo\n"));           // which one?
        CPPUNIT_ASSERT(!ApiKeySource::parse("# nothing\n\n"));
    }

    void testUrlForListen() {
        CPPUNIT_ASSERT_EQUAL(std::string("https://127.0.0.1:8443"), ConnectionSettings::urlForListen("0.0.0.0:8443"));
        CPPUNIT_ASSERT_EQUAL(std::string("https://[::1]:9000"), ConnectionSettings::urlForListen("[::]:9000"));
        CPPUNIT_ASSERT_EQUAL(std::string("https://10.0.0.2:8443"), ConnectionSettings::urlForListen("10.0.0.2:8443"));
        CPPUNIT_ASSERT_THROW(ConnectionSettings::urlForListen("127.0.0.1:0"), CliError);
        CPPUNIT_ASSERT_THROW(ConnectionSettings::urlForListen("nohost"), CliError);
    }

    void testEventStreamAcrossPieces() {
        std::vector<std::pair<std::string, std::string>> seen;
        EventStreamReader reader([&](const std::string& e, const std::string& d) { seen.emplace_back(e, d); });
        const std::string stream = "event: start\r\ndata: {\"a\":1}\r\n\r\n: keep-alive\n\nevent: text_delta\ndata: x\ndata: y\n\ndata: last";
        for (char c : stream) reader.feed(std::string_view(&c, 1));  // one byte at a time
        reader.finish();
        CPPUNIT_ASSERT_EQUAL(size_t(3), seen.size());
        CPPUNIT_ASSERT_EQUAL(std::string("start"), seen[0].first);
        CPPUNIT_ASSERT_EQUAL(std::string("{\"a\":1}"), seen[0].second);
        CPPUNIT_ASSERT_EQUAL(std::string("x\ny"), seen[1].second);
        CPPUNIT_ASSERT_EQUAL(std::string("message"), seen[2].first);
        CPPUNIT_ASSERT_EQUAL(std::string("last"), seen[2].second);
    }

    void testLineReaderBoundsLines() {
        // A file, not a pipe: the input is larger than a pipe holds unread.
        char path[] = "/tmp/ha-cli-lines-XXXXXX";
        const int fd = ::mkstemp(path);
        CPPUNIT_ASSERT(fd >= 0);
        ::unlink(path);
        const std::string input = "short\r\n" + std::string(100000, 'x') + "\nafter\nno newline";
        CPPUNIT_ASSERT_EQUAL(static_cast<ssize_t>(input.size()), ::write(fd, input.data(), input.size()));
        CPPUNIT_ASSERT_EQUAL(off_t(0), ::lseek(fd, 0, SEEK_SET));
        LineReader reader(fd, 1000);
        auto a = reader.next();
        CPPUNIT_ASSERT(a && !a->tooLong && a->text == "short");
        auto b = reader.next();
        CPPUNIT_ASSERT(b && b->tooLong && b->text.empty());
        auto c = reader.next();
        CPPUNIT_ASSERT(c && c->text == "after");
        auto d = reader.next();
        CPPUNIT_ASSERT(d && d->text == "no newline");
        CPPUNIT_ASSERT(!reader.next());
        ::close(fd);
    }

    void testHttpFailureTexts() {
        CPPUNIT_ASSERT(HttpFailure::exitCodeFor(401) == ExitCode::AuthRefused);
        CPPUNIT_ASSERT(HttpFailure::exitCodeFor(403) == ExitCode::AuthRefused);
        CPPUNIT_ASSERT(HttpFailure::exitCodeFor(429) == ExitCode::RateLimited);
        CPPUNIT_ASSERT(HttpFailure::exitCodeFor(502) == ExitCode::ServerError);
        CPPUNIT_ASSERT_EQUAL(std::string("bad key"), HttpFailure::messageOf("{\"error\":\"bad key\"}"));
        CPPUNIT_ASSERT_EQUAL(std::string("nope"), HttpFailure::messageOf("{\"error\":{\"message\":\"nope\",\"code\":1}}"));
        CPPUNIT_ASSERT_EQUAL(std::string("plain words"), HttpFailure::messageOf("plain words\nmore"));
        const CliError e = HttpFailure::from(429, "slow down", "30");
        CPPUNIT_ASSERT_EQUAL(std::string("rate limited (429): slow down; retry after 30 s"), std::string(e.what()));
    }

    void testMcpErrorLineAndParseError() {
        const json::Object::Ptr o = json::parseObject(McpStdioBridge::errorLine(json::Var(7), -32000, "down"));
        CPPUNIT_ASSERT_EQUAL(std::string("2.0"), *json::getString(o, "jsonrpc"));
        CPPUNIT_ASSERT_EQUAL(int64_t(7), *json::getInt(o, "id"));
        CPPUNIT_ASSERT_EQUAL(int64_t(-32000), *json::getInt(json::getObject(o, "error"), "code"));
        // A line that is not JSON is answered without asking the server.
        ConnectionSettings settings;
        settings.url = Poco::URI("https://127.0.0.1:9");
        settings.trust.kind = TlsTrust::Kind::None;
        std::ostringstream out, log;
        const ApiClient client(settings);
        McpStdioBridge bridge(client, out, log);
        const std::vector<std::string> lines = bridge.relay("{not json");
        CPPUNIT_ASSERT_EQUAL(size_t(1), lines.size());
        const json::Object::Ptr parseError = json::parseObject(lines[0]);
        CPPUNIT_ASSERT(parseError->get("id").isEmpty());
        CPPUNIT_ASSERT_EQUAL(int64_t(-32700), *json::getInt(json::getObject(parseError, "error"), "code"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CliTest);

}  // namespace ha::cli
