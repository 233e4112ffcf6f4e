// The plugin call layer with a fixture that breaks the sink rules and one that uses the ABI 1.1
// call members: output beyond the limit fails the call whatever the plugin returns, writes after
// the call returned are ignored (no use-after-free under ASan), text reaches the stream, the
// request id arrives, and a cancel is seen by the plugin and ends the host's wait early.
#include "TestSupport.h"
#include "plugin/PluginLoader.h"

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <thread>

namespace ha::plugin {

class CallRunnerTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(CallRunnerTest);
    CPPUNIT_TEST(testOverflowFailsTheCallWhateverThePluginReturns);
    CPPUNIT_TEST(testWritesAfterTheCallAreIgnored);
    CPPUNIT_TEST(testStreamedTextReachesTheCaller);
    CPPUNIT_TEST(testRequestIdReachesThePlugin);
    CPPUNIT_TEST(testCancelIsSeenAndEndsTheWait);
    CPPUNIT_TEST(testCancelledBeforeTheCallStarts);
    CPPUNIT_TEST_SUITE_END();

    test::TempDir dir_;
    LoadResult loaded_;

    std::shared_ptr<Tool> tool(const std::string& capability) {
        for (const auto& t : loaded_.tools) {
            if (t->info().capability == capability) return t;
        }
        CPPUNIT_FAIL("not loaded: " + capability);
        return nullptr;
    }

public:
    void setUp() override {
        test::copyFile(std::string(HA_FIXTURE_PLUGIN_DIR) + "/misbehaves.so", dir_.file("misbehaves.so"));
        LoaderOptions o;
        o.directory = dir_.path();
        loaded_ = PluginLoader(o).loadAll();
        CPPUNIT_ASSERT_EQUAL(size_t(5), loaded_.tools.size());
    }

    void testOverflowFailsTheCallWhateverThePluginReturns() {
        const ToolOutput out = tool("fixture_misbehaves.overflow")->invoke("{}", Deadline::after(std::chrono::seconds(5)), {});
        CPPUNIT_ASSERT(out.status == CallStatus::TooLarge);
        CPPUNIT_ASSERT_MESSAGE(out.error, out.error.find("exceeded 1048576 bytes") != std::string::npos);
        CPPUNIT_ASSERT(out.result.isEmpty());
    }

    void testWritesAfterTheCallAreIgnored() {
        for (int i = 0; i < 3; ++i) {
            const ToolOutput out = tool("fixture_misbehaves.late")->invoke("{}", Deadline::after(std::chrono::seconds(2)), {});
            CPPUNIT_ASSERT(out.status == CallStatus::Ok);
            CPPUNIT_ASSERT_EQUAL(std::string("{}"), json::stringify(out.result));
        }
        // The plugin's threads write 100 ms after each call returned: to closed sinks.
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        const ToolOutput again = tool("fixture_misbehaves.late")->invoke("{}", Deadline::after(std::chrono::seconds(2)), {});
        CPPUNIT_ASSERT_EQUAL(std::string("{}"), json::stringify(again.result));
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }

    void testStreamedTextReachesTheCaller() {
        std::string streamed;
        CallContext context;
        context.onText = [&](std::string_view text) { streamed += "[" + std::string(text) + "]"; };
        const ToolOutput out = tool("fixture_misbehaves.stream")->invoke("{}", Deadline::after(std::chrono::seconds(2)), context);
        CPPUNIT_ASSERT(out.status == CallStatus::Ok);
        CPPUNIT_ASSERT_EQUAL(std::string("[Hel][lo]"), streamed);
        // Without a listener the plugin sees no stream sink.
        streamed.clear();
        tool("fixture_misbehaves.stream")->invoke("{}", Deadline::after(std::chrono::seconds(2)), {});
        CPPUNIT_ASSERT(streamed.empty());
    }

    void testRequestIdReachesThePlugin() {
        CallContext context;
        context.requestId = "0123abcd4567ef89";
        const ToolOutput out = tool("fixture_misbehaves.request_id")->invoke("{}", Deadline::after(std::chrono::seconds(2)), context);
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"request_id":"0123abcd4567ef89"})"), json::stringify(out.result));
    }

    void testCancelIsSeenAndEndsTheWait() {
        auto token = std::make_shared<CancelToken>();
        CallContext context;
        context.cancel = token;
        std::thread canceller([token] {
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
            token->cancel();
        });
        const uint64_t start = Deadline::nowNs();
        const ToolOutput out = tool("fixture_misbehaves.cancel")->invoke("{}", Deadline::after(std::chrono::seconds(2)), context);
        const double ms = elapsedMs(start);
        canceller.join();
        CPPUNIT_ASSERT(out.status == CallStatus::Timeout);
        CPPUNIT_ASSERT_MESSAGE(std::to_string(ms) + " ms", ms >= 150 && ms < 1000);
    }

    void testCancelledBeforeTheCallStarts() {
        auto token = std::make_shared<CancelToken>();
        token->cancel();
        CallContext context;
        context.cancel = token;
        const ToolOutput out = tool("fixture_misbehaves.request_id")->invoke("{}", Deadline::after(std::chrono::seconds(2)), context);
        CPPUNIT_ASSERT(out.status == CallStatus::Timeout);
        CPPUNIT_ASSERT_MESSAGE(out.error, out.error.find("cancelled") != std::string::npos);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CallRunnerTest);

}  // namespace ha::plugin
