// The streamed Chat Completions path of the provider plugins: SSE framing (SseParser) and the
// chunks put together (ChatStreamAssembler), on the recorded streams the fake model server
// replays (tests/fake-llm/responses/*.sse, each naming its source in its comment lines).
#include "providers/chat-completions/ChatStreamAssembler.h"
#include "providers/chat-completions/SseParser.h"
#include "util/Json.h"

#include <homelab_assistant/plugin.hpp>

#include <cppunit/extensions/HelperMacros.h>

#include <fstream>
#include <sstream>

namespace ha {

using ha_plugins::providers::ChatStreamAssembler;
using ha_plugins::providers::SseEvent;
using ha_plugins::providers::SseParser;

namespace {

std::string recordedStream(const std::string& name) {
    std::ifstream in(std::string(HA_TEST_FIXTURES) + "/../fake-llm/responses/" + name, std::ios::binary);
    if (!in) throw std::runtime_error("missing stream " + name);
    std::ostringstream all;
    all << in.rdbuf();
    return all.str();
}

std::vector<SseEvent> parseAll(const std::string& text, size_t pieceSize) {
    std::vector<SseEvent> events;
    SseParser parser;
    for (size_t i = 0; i < text.size(); i += pieceSize) {
        parser.feed(std::string_view(text).substr(i, pieceSize), [&](const SseEvent& e) { events.push_back(e); });
    }
    return events;
}

struct Assembled {
    json::Object::Ptr output;
    std::vector<std::string> pieces;
};

// The recorded stream fed in reads of `pieceSize` bytes, as a socket might deliver it.
Assembled assemble(const std::string& name, size_t pieceSize = 7) {
    Assembled a;
    ChatStreamAssembler assembler([&](std::string_view t) { a.pieces.emplace_back(t); });
    for (const SseEvent& e : parseAll(recordedStream(name), pieceSize)) assembler.add(e.data);
    a.output = json::parseObject(assembler.output());
    return a;
}

}  // namespace

class ChatStreamTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ChatStreamTest);
    CPPUNIT_TEST(testSseFraming);
    CPPUNIT_TEST(testSseRejectsHugeEvents);
    CPPUNIT_TEST(testOpenAiText);
    CPPUNIT_TEST(testOpenAiToolCallsInFragments);
    CPPUNIT_TEST(testGroqStreams);
    CPPUNIT_TEST(testLlamaCppStreams);
    CPPUNIT_TEST(testErrorsInTheStream);
    CPPUNIT_TEST(testStreamCutShort);
    CPPUNIT_TEST_SUITE_END();

public:
    void testSseFraming() {
        // \n, \r\n and \r line ends, split anywhere; comments, other fields, multi-line data,
        // one leading space dropped, a byte order mark, and an event cut off at the end.
        const std::string text = "\xEF\xBB\xBF: comment\r\ndata: a\r\ndata:  b\r\rid: 7\nevent: x\ndata:c\nretry: 10\n\n"
                                 "data\n\n:only a comment\n\ndata: tail";
        for (size_t piece : {1, 2, 3, 64}) {
            const auto events = parseAll(text, piece);
            CPPUNIT_ASSERT_EQUAL(size_t(3), events.size());
            CPPUNIT_ASSERT_EQUAL(std::string("a\n b"), events[0].data);
            CPPUNIT_ASSERT_EQUAL(std::string("message"), events[0].type);
            CPPUNIT_ASSERT_EQUAL(std::string("c"), events[1].data);
            CPPUNIT_ASSERT_EQUAL(std::string("x"), events[1].type);
            CPPUNIT_ASSERT_EQUAL(std::string(""), events[2].data);  // "data" alone: an empty data line
        }
    }

    void testSseRejectsHugeEvents() {
        SseParser parser(100);
        CPPUNIT_ASSERT_THROW(parser.feed("data: " + std::string(200, 'x'), [](const SseEvent&) {}), std::length_error);
    }

    void testOpenAiText() {
        const Assembled a = assemble("openai_stream_final.sse");
        const std::string text = *json::getString(a.output, "content");
        CPPUNIT_ASSERT(text.rfind("The root filesystem has 42.1 GiB free of 100 GiB (58% used).", 0) == 0);
        CPPUNIT_ASSERT_EQUAL(size_t(29), a.pieces.size());  // each delta handed on as it came
        std::string joined;
        for (const auto& p : a.pieces) joined += p;
        CPPUNIT_ASSERT_EQUAL(text, joined);
        CPPUNIT_ASSERT_EQUAL(std::string("stop"), *json::getString(a.output, "finish_reason"));
        CPPUNIT_ASSERT_EQUAL(std::string("gpt-4o-mini-2024-07-18"), *json::getString(a.output, "model"));
        CPPUNIT_ASSERT_EQUAL(size_t(0), json::getArray(a.output, "tool_calls")->size());
        // include_usage's last chunk has no choices, only the usage.
        CPPUNIT_ASSERT_EQUAL(std::string("1012"), json::stringify(json::asObject(a.output->get("usage"))->get("prompt_tokens")));
    }

    void testOpenAiToolCallsInFragments() {
        const Assembled a = assemble("openai_stream_tool_call.sse", 5);
        CPPUNIT_ASSERT(a.pieces.empty());  // tool calls are not text
        auto calls = json::getArray(a.output, "tool_calls");
        CPPUNIT_ASSERT_EQUAL(size_t(2), calls->size());
        auto first = json::asObject(calls->get(0));
        CPPUNIT_ASSERT_EQUAL(std::string("call_Xk3pQ7rT2vB9nL4mW8sY1cZ5"), *json::getString(first, "id"));
        CPPUNIT_ASSERT_EQUAL(std::string("disk_usage"), *json::getString(first, "name"));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"path":"/"})"), *json::getString(first, "arguments"));
        CPPUNIT_ASSERT_EQUAL(std::string("memory_usage"), *json::getString(json::asObject(calls->get(1)), "name"));
        CPPUNIT_ASSERT_EQUAL(std::string("tool_calls"), *json::getString(a.output, "finish_reason"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), *json::getString(a.output, "content"));
    }

    void testGroqStreams() {
        const Assembled text = assemble("groq_stream_final.sse");
        CPPUNIT_ASSERT_EQUAL(std::string("CPU usage is 7% over the last sample, with a load average of 0.42."),
                             *json::getString(text.output, "content"));
        // x_groq.usage in the last chunk.
        CPPUNIT_ASSERT_EQUAL(std::string("16"), json::stringify(json::asObject(text.output->get("usage"))->get("completion_tokens")));
        const Assembled call = assemble("groq_stream_tool_call.sse");
        auto c = json::asObject(json::getArray(call.output, "tool_calls")->get(0));  // sent whole
        CPPUNIT_ASSERT_EQUAL(std::string("cpu_usage"), *json::getString(c, "name"));
        CPPUNIT_ASSERT_EQUAL(std::string("{}"), *json::getString(c, "arguments"));
        CPPUNIT_ASSERT_EQUAL(std::string("call_9d3k"), *json::getString(c, "id"));
    }

    void testLlamaCppStreams() {
        const Assembled call = assemble("llamacpp_stream_tool_call.sse", 3);
        auto c = json::asObject(json::getArray(call.output, "tool_calls")->get(0));
        CPPUNIT_ASSERT_EQUAL(std::string("disk_usage"), *json::getString(c, "name"));
        CPPUNIT_ASSERT_EQUAL(std::string("{}"), *json::getString(c, "arguments"));  // "{" and "}" apart
        CPPUNIT_ASSERT_EQUAL(size_t(32), json::getString(c, "id")->size());
        const Assembled text = assemble("llamacpp_stream_final.sse", 11);
        CPPUNIT_ASSERT_EQUAL(std::string("Done."), *json::getString(text.output, "content"));
        CPPUNIT_ASSERT_EQUAL(size_t(5), text.pieces.size());  // one token at a time, content null first
    }

    void testErrorsInTheStream() {
        ChatStreamAssembler assembler(nullptr);
        bool threw = false;
        try {
            for (const SseEvent& e : parseAll(recordedStream("openai_stream_error.sse"), 64)) assembler.add(e.data);
        } catch (const homelab_assistant::Error& e) {
            threw = true;
            CPPUNIT_ASSERT_EQUAL(int32_t(HA_ERR_UNAVAILABLE), e.status());
            CPPUNIT_ASSERT(std::string(e.what()).find("The server had an error") != std::string::npos);
        }
        CPPUNIT_ASSERT(threw);
        CPPUNIT_ASSERT_THROW(ChatStreamAssembler(nullptr).add("{not json"), homelab_assistant::Error);
        CPPUNIT_ASSERT_THROW(ChatStreamAssembler(nullptr).add(R"({"choices":[{"delta":{"tool_calls":[{"index":100000}]}}]})"),
                             homelab_assistant::Error);
        CPPUNIT_ASSERT_THROW(ChatStreamAssembler(nullptr).add(R"({"choices":[{"delta":{"tool_calls":[{"index":-1}]}}]})"),
                             homelab_assistant::Error);
    }

    void testStreamCutShort() {
        ChatStreamAssembler assembler(nullptr);
        assembler.add(R"({"choices":[{"index":0,"delta":{"content":"Half an"},"finish_reason":null}]})");
        CPPUNIT_ASSERT(!assembler.complete());
        CPPUNIT_ASSERT_THROW(assembler.output(), homelab_assistant::Error);
        assembler.add("[DONE]");
        CPPUNIT_ASSERT_EQUAL(std::string("Half an"), *json::getString(json::parseObject(assembler.output()), "content"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChatStreamTest);

}  // namespace ha
