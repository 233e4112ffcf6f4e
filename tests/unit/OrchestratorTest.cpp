#include "TestSupport.h"
#include "chat/Orchestrator.h"
#include "policy/PolicyLoader.h"

#include <cppunit/extensions/HelperMacros.h>

#include <memory>

namespace ha {

using test::FakeTool;
using test::ScriptedProvider;
using test::textReply;
using test::toolCallReply;

class OrchestratorTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(OrchestratorTest);
    CPPUNIT_TEST(testOffersOnlyAllowedReadOnlyTools);
    CPPUNIT_TEST(testToolCallRoundTrip);
    CPPUNIT_TEST(testDisallowedToolsAreNeverExecuted);
    CPPUNIT_TEST(testInvalidArgumentsAreNotExecuted);
    CPPUNIT_TEST(testStopsAfterMaxRounds);
    CPPUNIT_TEST(testGuardRefusesBeforeAnyModelOrTool);
    CPPUNIT_TEST(testProviderErrorIsReported);
    CPPUNIT_TEST(testHistoryIsSentOnTheNextTurn);
    CPPUNIT_TEST(testLargeToolResultsAreTruncated);
    CPPUNIT_TEST(testMissingToolCallIdsAreFilledIn);
    CPPUNIT_TEST(testEveryToolCallIsRunOrRefusedUpToTheTurnLimit);
    CPPUNIT_TEST(testFailingModelFallsBackWithANotice);
    CPPUNIT_TEST(testNoFallbackReportsTheError);
    CPPUNIT_TEST(testSubjectReachesTheNextTurn);
    CPPUNIT_TEST(testObserverSeesTheTurnAsItHappens);
    CPPUNIT_TEST(testObserverSeesTheFallback);
    CPPUNIT_TEST(testCancelledTurnAsksNoFurtherRound);
    CPPUNIT_TEST_SUITE_END();

    // Writes down what a streaming client would see, one line per event.
    struct RecordingObserver : TurnObserver {
        std::vector<std::string> events;
        std::string text;
        void toolCallStarted(const ToolCallStart& c) override {
            events.push_back("start " + c.id + " " + c.capability + " " + json::stringify(c.arguments));
        }
        void toolCallFinished(const ToolCallRecord& r) override {
            events.push_back("finish " + r.id + " " + r.capability + " " + r.decision + " " + toString(r.status));
        }
        void textDelta(int round, std::string_view t) override {
            const std::string e = "text " + std::to_string(round);
            if (events.empty() || events.back() != e) events.push_back(e);
            text.append(t);
        }
        void fallbackStarted(const ProviderFailure& f, const std::string& notice) override {
            events.push_back("fallback " + f.provider + " " + (notice.empty() ? "" : "notice"));
            text.clear();
        }
    };

    std::shared_ptr<FakeTool> cpu_, disk_, restart_, secret_;
    std::unique_ptr<ToolRegistry> registry_;
    Policy policy_;
    std::unique_ptr<ToolExecutor> executor_;
    ScriptedProvider provider_;
    ScriptedProvider fallback_;
    Provider* fallbackProvider_ = nullptr;
    RequestGuard guard_;
    std::unique_ptr<ConversationStore> store_;
    Orchestrator::Options options_;

    std::unique_ptr<Orchestrator> orchestrator() {
        return std::make_unique<Orchestrator>(*executor_, provider_, fallbackProvider_, guard_, *store_, options_);
    }

public:
    void setUp() override {
        cpu_ = std::make_shared<FakeTool>("cpu.usage", Effect::ReadOnly, R"({"usage_percent":12.5})");
        disk_ = std::make_shared<FakeTool>(
            "disk.usage", Effect::ReadOnly, R"({"filesystems":[]})",
            R"({"type":"object","properties":{"path":{"type":"string"}},"additionalProperties":false})");
        restart_ = std::make_shared<FakeTool>("docker.restart", Effect::Mutating, R"({"restarted":true})");
        secret_ = std::make_shared<FakeTool>("secret.read", Effect::ReadOnly, R"({"secret":"x"})");
        registry_ = std::make_unique<ToolRegistry>(std::vector<std::shared_ptr<Tool>>{cpu_, disk_, restart_, secret_});
        policy_ = PolicyLoader::loadText("allow: [\"*\"]\ndeny: [\"secret.*\"]\n", "policy.yaml");
        executor_ = std::make_unique<ToolExecutor>(*registry_, policy_, std::chrono::milliseconds(1000));
        provider_ = ScriptedProvider();
        fallback_ = ScriptedProvider();
        fallbackProvider_ = nullptr;
        store_ = std::make_unique<ConversationStore>(ConversationStore::Limits{});
        options_ = Orchestrator::Options{};
    }

    void testOffersOnlyAllowedReadOnlyTools() {
        provider_.replies = {textReply("hi")};
        orchestrator()->handle({"How are things?", "c1"});
        CPPUNIT_ASSERT_EQUAL(size_t(1), provider_.sentTools.size());
        CPPUNIT_ASSERT((std::vector<std::string>{"cpu_usage", "disk_usage"}) == provider_.sentTools[0]);
    }

    void testToolCallRoundTrip() {
        provider_.replies = {toolCallReply("call_a", "cpu_usage", "{}"), textReply("  CPU is at 12.5%.  ")};
        const ChatTurnResult r = orchestrator()->handle({"What is the CPU usage?", "c1"});
        CPPUNIT_ASSERT_EQUAL(std::string("CPU is at 12.5%."), r.answer);
        CPPUNIT_ASSERT_EQUAL(2, r.rounds);
        CPPUNIT_ASSERT_EQUAL(1, cpu_->calls.load());
        CPPUNIT_ASSERT_EQUAL(size_t(1), r.toolCalls.size());
        CPPUNIT_ASSERT_EQUAL(std::string("call_a"), r.toolCalls[0].id);
        CPPUNIT_ASSERT_EQUAL(std::string("allowed"), r.toolCalls[0].decision);
        CPPUNIT_ASSERT(r.toolCalls[0].status == CallStatus::Ok);
        CPPUNIT_ASSERT((std::vector<std::string>{"cpu.usage"}) == r.toolsMade());

        auto messages = json::asArray(json::parse(provider_.sentMessages[1]));
        CPPUNIT_ASSERT_EQUAL(size_t(4), messages->size());  // system, user, assistant, tool
        auto assistant = json::asObject(messages->get(2));
        CPPUNIT_ASSERT_EQUAL(std::string(""), *json::getString(assistant, "content"));  // "" not null
        auto call = json::asObject(json::getArray(assistant, "tool_calls")->get(0));
        CPPUNIT_ASSERT_EQUAL(std::string("call_a"), *json::getString(call, "id"));
        CPPUNIT_ASSERT_EQUAL(std::string("function"), *json::getString(call, "type"));
        auto tool = json::asObject(messages->get(3));
        CPPUNIT_ASSERT_EQUAL(std::string("tool"), *json::getString(tool, "role"));
        CPPUNIT_ASSERT_EQUAL(std::string("call_a"), *json::getString(tool, "tool_call_id"));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"ok":true,"result":{"usage_percent":12.5}})"),
                             *json::getString(tool, "content"));
    }

    void testDisallowedToolsAreNeverExecuted() {
        ProviderReply calls;
        calls.toolCalls = {{"c1", "docker_restart", "{}"}, {"c2", "secret_read", "{}"}, {"c3", "rm_rf", "{}"},
                           {"c4", "docker.restart", "{}"}};
        provider_.replies = {calls, textReply("done")};
        const ChatTurnResult r = orchestrator()->handle({"What is going on?", "c1"});
        CPPUNIT_ASSERT_EQUAL(0, restart_->calls.load());
        CPPUNIT_ASSERT_EQUAL(0, secret_->calls.load());
        CPPUNIT_ASSERT_EQUAL(size_t(4), r.toolCalls.size());
        CPPUNIT_ASSERT_EQUAL(std::string("denied"), r.toolCalls[0].decision);
        CPPUNIT_ASSERT(r.toolCalls[0].reason.find("always refused") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::string("denied"), r.toolCalls[1].decision);
        CPPUNIT_ASSERT(r.toolCalls[1].reason.find("denied by rule 'secret.*'") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::string("unknown"), r.toolCalls[2].decision);
        CPPUNIT_ASSERT_EQUAL(std::string("denied"), r.toolCalls[3].decision);
        CPPUNIT_ASSERT(r.toolsMade().empty());
        // The model is told each call was refused.
        CPPUNIT_ASSERT(provider_.sentMessages[1].find(R"(\"ok\":false)") != std::string::npos);
    }

    void testInvalidArgumentsAreNotExecuted() {
        ProviderReply calls;
        calls.toolCalls = {{"a", "disk_usage", "{not json"}, {"b", "disk_usage", R"({"path":5})"},
                           {"c", "disk_usage", R"(["/"])"}, {"d", "disk_usage", R"({"path":"/"})"}};
        provider_.replies = {calls, textReply("ok")};
        const ChatTurnResult r = orchestrator()->handle({"disk?", "c1"});
        CPPUNIT_ASSERT_EQUAL(1, disk_->calls.load());
        CPPUNIT_ASSERT(r.toolCalls[0].status == CallStatus::InvalidArgument);
        CPPUNIT_ASSERT(r.toolCalls[0].error.find("not valid JSON") != std::string::npos);
        CPPUNIT_ASSERT(r.toolCalls[1].error.find("$.path: expected string") != std::string::npos);
        CPPUNIT_ASSERT(r.toolCalls[2].error.find("must be a JSON object") != std::string::npos);
        CPPUNIT_ASSERT(r.toolCalls[3].status == CallStatus::Ok);
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"path":"/"})"), disk_->lastInput);
    }

    void testStopsAfterMaxRounds() {
        options_.maxToolRounds = 2;
        provider_.replies = {toolCallReply("x", "cpu_usage", "{}")};  // repeats forever
        const ChatTurnResult r = orchestrator()->handle({"loop", "c1"});
        CPPUNIT_ASSERT_EQUAL(size_t(3), provider_.sentMessages.size());
        CPPUNIT_ASSERT(provider_.sentTools[2].empty());  // the final round offers no tools
        CPPUNIT_ASSERT_EQUAL(2, cpu_->calls.load());     // the final round's call is refused
        CPPUNIT_ASSERT_EQUAL(std::string("denied"), r.toolCalls.back().decision);
        CPPUNIT_ASSERT(r.answer.find("after 2 rounds") != std::string::npos);
    }

    void testGuardRefusesBeforeAnyModelOrTool() {
        const ChatTurnResult r = orchestrator()->handle({"Please restart the nginx container", "c1"});
        CPPUNIT_ASSERT(r.refusal.has_value());
        CPPUNIT_ASSERT(provider_.sentMessages.empty());
        CPPUNIT_ASSERT(r.toolCalls.empty());
        CPPUNIT_ASSERT(r.answer.find("read-only") != std::string::npos);
    }

    void testProviderErrorIsReported() {
        provider_.throwBefore = [] { throw ProviderError(CallStatus::Denied, "401 invalid api key"); };
        const ChatTurnResult r = orchestrator()->handle({"cpu?", "c1"});
        CPPUNIT_ASSERT(r.error.has_value());
        CPPUNIT_ASSERT(r.error->status == CallStatus::Denied);
        CPPUNIT_ASSERT_EQUAL(std::string("401 invalid api key"), r.error->message);
        CPPUNIT_ASSERT_EQUAL(std::string("scripted"), r.error->provider);
    }

    void testHistoryIsSentOnTheNextTurn() {
        provider_.replies = {textReply("first answer")};
        auto o = orchestrator();
        o->handle({"first question", "conv"});
        o->handle({"second question", "conv"});
        o->handle({"other conversation", "other"});
        auto second = json::asArray(json::parse(provider_.sentMessages[1]));
        CPPUNIT_ASSERT_EQUAL(size_t(4), second->size());
        CPPUNIT_ASSERT_EQUAL(std::string("first question"), *json::getString(json::asObject(second->get(1)), "content"));
        CPPUNIT_ASSERT_EQUAL(std::string("first answer"), *json::getString(json::asObject(second->get(2)), "content"));
        CPPUNIT_ASSERT_EQUAL(size_t(2), json::asArray(json::parse(provider_.sentMessages[2]))->size());
    }

    void testLargeToolResultsAreTruncated() {
        auto big = std::make_shared<FakeTool>("big.dump", Effect::ReadOnly,
                                              "{\"data\":\"" + std::string(50000, 'x') + "\"}");
        registry_ = std::make_unique<ToolRegistry>(std::vector<std::shared_ptr<Tool>>{big});
        executor_ = std::make_unique<ToolExecutor>(*registry_, policy_, std::chrono::milliseconds(1000));
        options_.toolResultMaxBytes = 1024;
        provider_.replies = {toolCallReply("a", "big_dump", "{}"), textReply("ok")};
        orchestrator()->handle({"dump", "c1"});
        auto messages = json::asArray(json::parse(provider_.sentMessages[1]));
        const std::string content = *json::getString(json::asObject(messages->get(3)), "content");
        CPPUNIT_ASSERT(content.size() <= 1024);
        CPPUNIT_ASSERT(content.find(R"("truncated":true)") != std::string::npos);
    }

    void testMissingToolCallIdsAreFilledIn() {
        provider_.replies = {toolCallReply("", "cpu_usage", ""), textReply("ok")};
        const ChatTurnResult r = orchestrator()->handle({"cpu?", "c1"});
        CPPUNIT_ASSERT_EQUAL(std::string("call_1"), r.toolCalls[0].id);
        CPPUNIT_ASSERT(r.toolCalls[0].status == CallStatus::Ok);  // empty arguments mean {}
    }

    void testEveryToolCallIsRunOrRefusedUpToTheTurnLimit() {
        ProviderReply many;
        for (int i = 0; i < 50; ++i) many.toolCalls.push_back({"c" + std::to_string(i), "cpu_usage", "{}"});
        provider_.replies = {many, textReply("done")};
        const ChatTurnResult r = orchestrator()->handle({"cpu?", "c1"});
        CPPUNIT_ASSERT_EQUAL(size_t(50), r.toolCalls.size());  // none dropped
        CPPUNIT_ASSERT_EQUAL(options_.maxToolCallsPerTurn, cpu_->calls.load());
        for (size_t i = 0; i < r.toolCalls.size(); ++i) {
            const bool ran = static_cast<int>(i) < options_.maxToolCallsPerTurn;
            CPPUNIT_ASSERT_EQUAL(std::string(ran ? "allowed" : "denied"), r.toolCalls[i].decision);
            if (!ran) CPPUNIT_ASSERT(r.toolCalls[i].reason.find("at most 16 tool calls") != std::string::npos);
        }
        // The model gets an answer for every call id it sent (the API requires one per call).
        auto messages = json::asArray(json::parse(provider_.sentMessages[1]));
        CPPUNIT_ASSERT_EQUAL(size_t(3 + 50), messages->size());
    }

    void testFailingModelFallsBackWithANotice() {
        fallbackProvider_ = &fallback_;
        provider_.replies = {toolCallReply("a", "cpu_usage", "{}")};
        provider_.throwBefore = [this] {
            if (provider_.sentMessages.size() == 2) throw ProviderError(CallStatus::Unavailable, "502 from upstream");
        };
        fallback_.replies = {textReply("CPU: 12.5% busy.")};
        const ChatTurnResult r = orchestrator()->handle({"What is the CPU usage?", "c1"});
        CPPUNIT_ASSERT(!r.error);
        CPPUNIT_ASSERT(r.degraded());
        CPPUNIT_ASSERT(r.fallbackFrom->status == CallStatus::Unavailable);
        CPPUNIT_ASSERT_EQUAL(std::string("502 from upstream"), r.fallbackFrom->message);
        CPPUNIT_ASSERT_EQUAL(std::string("scripted"), r.provider);
        CPPUNIT_ASSERT_MESSAGE(r.answer, r.answer.find("The language model 'scripted' is not answering (unavailable)") == 0);
        CPPUNIT_ASSERT(r.answer.find("\nCPU: 12.5% busy.") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(size_t(1), r.toolCalls.size());  // what the failed attempt ran is kept
        CPPUNIT_ASSERT_EQUAL(size_t(1), fallback_.sentMessages.size());
    }

    void testNoFallbackReportsTheError() {
        provider_.throwBefore = [] { throw ProviderError(CallStatus::Quota, "insufficient_quota"); };
        const ChatTurnResult r = orchestrator()->handle({"cpu?", "c1"});
        CPPUNIT_ASSERT(r.error && r.error->status == CallStatus::Quota);
        CPPUNIT_ASSERT(!r.degraded());
        CPPUNIT_ASSERT(fallback_.sentMessages.empty());
    }

    void testSubjectReachesTheNextTurn() {
        ProviderReply about = textReply("nginx is running.");
        about.subject = Subject{"docker", "docker.inspect", json::parseObject(R"({"container":"nginx"})"), json::object()};
        provider_.replies = {about, textReply("its memory")};
        auto o = orchestrator();
        o->handle({"is nginx running?", "conv"});
        o->handle({"what about its memory?", "conv"});
        o->handle({"unrelated", "other"});
        CPPUNIT_ASSERT(!provider_.sentSubjects[0]);
        CPPUNIT_ASSERT(provider_.sentSubjects[1] && provider_.sentSubjects[1]->plugin == "docker");
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"container":"nginx"})"), json::stringify(provider_.sentSubjects[1]->arguments));
        CPPUNIT_ASSERT(!provider_.sentSubjects[2]);
    }

    void testObserverSeesTheTurnAsItHappens() {
        provider_.replies = {ProviderReply{"", {{"a", "cpu_usage", "{}"}, {"b", "secret_read", "{}"}, {"c", "disk_usage", "{bad"}}, "tool_calls", "", {}},
                             textReply("CPU is at 12.5%.")};
        RecordingObserver seen;
        ChatTurnRequest turn{"What is the CPU usage?", "c1"};
        turn.observer = &seen;
        const ChatTurnResult r = orchestrator()->handle(turn);
        const std::vector<std::string> expected{
            "start a cpu.usage {}",        "finish a cpu.usage allowed ok",
            "start b secret.read {}",      "finish b secret.read denied denied",
            "start c disk.usage \"{bad\"", "finish c disk.usage allowed invalid_argument",
            "text 2"};
        CPPUNIT_ASSERT(expected == seen.events);
        CPPUNIT_ASSERT_EQUAL(r.answer, seen.text);
        // Without an observer nothing streams.
        CPPUNIT_ASSERT_EQUAL(std::string("CPU is at 12.5%."), orchestrator()->handle({"And now?", "c1"}).answer);
    }

    void testObserverSeesTheFallback() {
        fallbackProvider_ = &fallback_;
        provider_.replies = {textReply("half an ans")};
        provider_.throwBefore = [] { throw ProviderError(CallStatus::Unavailable, "502 from upstream"); };
        fallback_.replies = {textReply("CPU: 12.5% busy.")};
        RecordingObserver seen;
        ChatTurnRequest turn{"What is the CPU usage?", "c1"};
        turn.observer = &seen;
        const ChatTurnResult r = orchestrator()->handle(turn);
        CPPUNIT_ASSERT(r.degraded());
        CPPUNIT_ASSERT((std::vector<std::string>{"fallback scripted notice", "text 1"}) == seen.events);
        CPPUNIT_ASSERT_EQUAL(std::string("CPU: 12.5% busy."), seen.text);
        CPPUNIT_ASSERT_EQUAL(r.notice + "\n" + seen.text, r.answer);
    }

    void testCancelledTurnAsksNoFurtherRound() {
        auto cancel = std::make_shared<CancelToken>();
        provider_.replies = {toolCallReply("a", "cpu_usage", "{}"), textReply("never")};
        provider_.throwBefore = [&] {
            if (provider_.sentMessages.size() == 1) cancel->cancel();  // the client leaves during round 1
        };
        fallbackProvider_ = &fallback_;
        const ChatTurnResult r = orchestrator()->handle({"What is the CPU usage?", "c1", CallContext{"r1", cancel, {}}});
        CPPUNIT_ASSERT(r.error);
        CPPUNIT_ASSERT_EQUAL(size_t(1), provider_.sentMessages.size());
        CPPUNIT_ASSERT(fallback_.sentMessages.empty());  // nobody to answer for
        CPPUNIT_ASSERT_EQUAL(0, cpu_->calls.load());      // the tool call saw the cancel too
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(OrchestratorTest);

}  // namespace ha
