// The shared OpenAI-compatible client: request building, reply parsing across Groq, OpenAI and
// llama.cpp shapes, and the classification of provider errors.
#include "providers/chat-completions/ChatCompletionsClient.h"
#include "util/Json.h"

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <chrono>

namespace ha {

using ha_plugins::providers::ChatCompletionsClient;
using ha_plugins::providers::ClientSettings;
using ha_plugins::providers::HttpResult;

class ChatCompletionsClientTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ChatCompletionsClientTest);
    CPPUNIT_TEST(testSettingsFromConfig);
    CPPUNIT_TEST(testBuildsRequests);
    CPPUNIT_TEST(testParsesReplies);
    CPPUNIT_TEST(testRejectsUnusableReplies);
    CPPUNIT_TEST(testClassifiesErrors);
    CPPUNIT_TEST(testErrorsNeverCarryTheKey);
    CPPUNIT_TEST(testRetryAfterIsClamped);
    CPPUNIT_TEST(testKeyIsMaskedBeforeTheCut);
    CPPUNIT_TEST(testWaitEndsWhenCancelled);
    CPPUNIT_TEST_SUITE_END();

    static ClientSettings settings() {
        return ClientSettings::fromConfig("groq", "https://api.groq.com/openai/v1", "llama-3.3-70b-versatile",
                                          R"({"api_key":"gsk_secret_value_0123456789"})");
    }
    static HttpResult result(int status, const std::string& body, std::map<std::string, std::string> headers = {}) {
        HttpResult r;
        r.status = status;
        r.body = body;
        r.headers = std::move(headers);
        return r;
    }

public:
    void testSettingsFromConfig() {
        const ClientSettings s = ClientSettings::fromConfig(
            "openai", "https://api.openai.com/v1", "gpt-4o-mini",
            R"({"base_url":"http://127.0.0.1:8080/v1","model":"local","request_timeout_ms":5000,"max_retries":0})");
        CPPUNIT_ASSERT_EQUAL(std::string("http://127.0.0.1:8080/v1"), s.baseUrl);
        CPPUNIT_ASSERT_EQUAL(std::string("local"), s.model);
        CPPUNIT_ASSERT_EQUAL(std::string(""), s.apiKey);
        CPPUNIT_ASSERT_EQUAL(int64_t(5000), static_cast<int64_t>(s.requestTimeout.count()));
        CPPUNIT_ASSERT_EQUAL(0, s.maxRetries);
        CPPUNIT_ASSERT_THROW(ClientSettings::fromConfig("x", "https://a/v1", "m", R"({"max_retries":99})"), homelab_assistant::Error);
        CPPUNIT_ASSERT_THROW(ChatCompletionsClient(ClientSettings::fromConfig("x", "ftp://a/v1", "m", "{}"), nullptr),
                             homelab_assistant::Error);
    }

    void testBuildsRequests() {
        const ChatCompletionsClient client(settings(), nullptr);
        const std::string input = R"({"messages":[
            {"role":"system","content":"sys"},{"role":"user","content":"q"},
            {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"cpu_usage","arguments":"{}"}}]},
            {"role":"tool","tool_call_id":"c1","name":"cpu_usage","content":"{\"ok\":true}"}],
          "tools":[{"type":"function","function":{"name":"cpu_usage","description":"d","parameters":{"type":"object"}}}]})";
        auto body = json::parseObject(client.buildRequest(input));
        CPPUNIT_ASSERT_EQUAL(std::string("llama-3.3-70b-versatile"), *json::getString(body, "model"));
        CPPUNIT_ASSERT_EQUAL(std::string("auto"), *json::getString(body, "tool_choice"));
        CPPUNIT_ASSERT_EQUAL(false, *json::getBool(body, "stream"));
        auto messages = json::getArray(body, "messages");
        auto assistant = json::asObject(messages->get(2));
        CPPUNIT_ASSERT_EQUAL(std::string(""), *json::getString(assistant, "content"));  // null became ""
        CPPUNIT_ASSERT(json::getArray(assistant, "tool_calls"));
        auto tool = json::asObject(messages->get(3));
        CPPUNIT_ASSERT_EQUAL(std::string("c1"), *json::getString(tool, "tool_call_id"));
        CPPUNIT_ASSERT(!tool->has("name"));  // only the fields the role may carry
        // Without tools: no tools and no tool_choice.
        auto plain = json::parseObject(client.buildRequest(R"({"messages":[{"role":"user","content":"q"}]})"));
        CPPUNIT_ASSERT(!plain->has("tools") && !plain->has("tool_choice"));
        CPPUNIT_ASSERT_THROW(client.buildRequest(R"({"messages":[]})"), homelab_assistant::Error);
    }

    void testParsesReplies() {
        // Groq: no "content" at all next to tool calls.
        auto groq = json::parseObject(ChatCompletionsClient::parseResponse(
            R"({"model":"llama-3.3-70b-versatile","choices":[{"message":{"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"cpu_usage","arguments":"{}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":9,"completion_tokens":2},"x_groq":{"id":"req_1"}})"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), *json::getString(groq, "content"));
        auto call = json::asObject(json::getArray(groq, "tool_calls")->get(0));
        CPPUNIT_ASSERT_EQUAL(std::string("call_1"), *json::getString(call, "id"));
        CPPUNIT_ASSERT_EQUAL(std::string("cpu_usage"), *json::getString(call, "name"));
        CPPUNIT_ASSERT_EQUAL(std::string("{}"), *json::getString(call, "arguments"));
        CPPUNIT_ASSERT_EQUAL(std::string("tool_calls"), *json::getString(groq, "finish_reason"));
        CPPUNIT_ASSERT_EQUAL(int64_t(9), *json::getInt(json::getObject(groq, "usage"), "prompt_tokens"));
        // OpenAI: content null; a server sending arguments as an object.
        auto openai = json::parseObject(ChatCompletionsClient::parseResponse(
            R"({"choices":[{"message":{"content":null,"tool_calls":[{"id":"c","function":{"name":"disk_usage","arguments":{"path":"/"}}}]}}]})"));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"path":"/"})"),
                             *json::getString(json::asObject(json::getArray(openai, "tool_calls")->get(0)), "arguments"));
        // llama.cpp: content "", and text as content parts.
        CPPUNIT_ASSERT_EQUAL(std::string(""), *json::getString(json::parseObject(ChatCompletionsClient::parseResponse(
                                                   R"({"choices":[{"message":{"content":""}}]})")), "content"));
        CPPUNIT_ASSERT_EQUAL(std::string("ab"), *json::getString(json::parseObject(ChatCompletionsClient::parseResponse(
                                                     R"({"choices":[{"message":{"content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}}]})")), "content"));
        // A refusal with no content becomes the text.
        CPPUNIT_ASSERT_EQUAL(std::string("I can't"), *json::getString(json::parseObject(ChatCompletionsClient::parseResponse(
                                                          R"({"choices":[{"message":{"content":null,"refusal":"I can't"}}]})")), "content"));
    }

    void testRejectsUnusableReplies() {
        CPPUNIT_ASSERT_THROW(ChatCompletionsClient::parseResponse("not json"), homelab_assistant::Error);
        CPPUNIT_ASSERT_THROW(ChatCompletionsClient::parseResponse(R"({"choices":[]})"), homelab_assistant::Error);
        CPPUNIT_ASSERT_THROW(ChatCompletionsClient::parseResponse(R"({"choices":[{}]})"), homelab_assistant::Error);
        CPPUNIT_ASSERT_THROW(ChatCompletionsClient::parseResponse("[]"), homelab_assistant::Error);
    }

    void testClassifiesErrors() {
        const ChatCompletionsClient client(settings(), nullptr);
        auto v = client.classify(result(401, R"({"error":{"message":"Invalid API Key","type":"invalid_request_error","code":"invalid_api_key"}})"));
        CPPUNIT_ASSERT_EQUAL(int32_t(HA_ERR_DENIED), v.status);
        CPPUNIT_ASSERT(!v.retry);
        v = client.classify(result(401, R"({"error":{"code":401,"message":"Invalid API Key","type":"authentication_error"}})"));
        CPPUNIT_ASSERT_EQUAL(int32_t(HA_ERR_DENIED), v.status);  // llama.cpp: integer code
        v = client.classify(result(429, R"({"error":{"message":"You exceeded your current quota","type":"insufficient_quota","param":null,"code":"insufficient_quota"}})"));
        CPPUNIT_ASSERT_EQUAL(int32_t(HA_ERR_QUOTA), v.status);
        CPPUNIT_ASSERT(!v.retry);
        v = client.classify(result(429, R"({"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}})", {{"retry-after", "2.5"}}));
        CPPUNIT_ASSERT_EQUAL(int32_t(HA_ERR_RATE_LIMITED), v.status);
        CPPUNIT_ASSERT(v.retry);
        CPPUNIT_ASSERT_EQUAL(int64_t(2500), static_cast<int64_t>(v.retryAfter.count()));
        v = client.classify(result(429, "{}", {{"retry-after-ms", "750"}}));
        CPPUNIT_ASSERT_EQUAL(int64_t(750), static_cast<int64_t>(v.retryAfter.count()));
        v = client.classify(result(400, R"({"error":{"message":"Failed to call a function.","type":"invalid_request_error","code":"tool_use_failed","failed_generation":"x"}})"));
        CPPUNIT_ASSERT(v.toolUseFailed);
        CPPUNIT_ASSERT(!v.retry);
        v = client.classify(result(503, "<html>bad gateway</html>"));
        CPPUNIT_ASSERT_EQUAL(int32_t(HA_ERR_UNAVAILABLE), v.status);
        CPPUNIT_ASSERT(v.retry);
        v = client.classify(result(400, R"({"error":{"message":"context length exceeded","code":"context_length_exceeded"}})"));
        CPPUNIT_ASSERT_EQUAL(int32_t(HA_ERR_INVALID_ARGUMENT), v.status);
        CPPUNIT_ASSERT(v.message.find("context length exceeded") != std::string::npos);
        v = client.classify(result(404, R"({"error":{"message":"model not found"}})"));
        CPPUNIT_ASSERT(v.message.find("check base_url and model") != std::string::npos);
    }

    void testErrorsNeverCarryTheKey() {
        const ChatCompletionsClient client(settings(), nullptr);
        auto v = client.classify(result(401, R"({"error":{"message":"Incorrect API key provided: gsk_secret_value_0123456789"}})"));
        CPPUNIT_ASSERT(v.message.find("gsk_secret") == std::string::npos);
        v = client.classify(result(400, R"({"error":{"message":"bad header gsk_secret_value_0123456789"}})"));
        CPPUNIT_ASSERT(v.message.find("gsk_secret_value_0123456789") == std::string::npos);
        CPPUNIT_ASSERT(v.message.find("[REDACTED]") != std::string::npos);
    }

    // Numbers from the model server are clamped before any arithmetic: the issue's
    // "retry-after-ms: 18446744073610" overflowed the deadline sum and slept forever, and a
    // huge retry-after was an undefined float-to-integer cast (UBSan: float-cast-overflow).
    void testRetryAfterIsClamped() {
        using ms = std::chrono::milliseconds;
        const auto wait = [](std::map<std::string, std::string> headers) {
            return static_cast<int64_t>(ChatCompletionsClient::retryAfter(headers).count());
        };
        const int64_t max = ChatCompletionsClient::kMaxRetryAfter.count();
        CPPUNIT_ASSERT_EQUAL(max, wait({{"retry-after-ms", "18446744073610"}}));
        CPPUNIT_ASSERT_EQUAL(max, wait({{"retry-after-ms", "99999999999999999999999999"}}));
        CPPUNIT_ASSERT_EQUAL(max, wait({{"retry-after", "1e300"}}));
        CPPUNIT_ASSERT_EQUAL(max, wait({{"retry-after", "inf"}}));
        CPPUNIT_ASSERT_EQUAL(max, wait({{"retry-after", "9223372036854775807"}}));
        CPPUNIT_ASSERT_EQUAL(int64_t(0), wait({{"retry-after", "-5"}}));
        CPPUNIT_ASSERT_EQUAL(int64_t(0), wait({{"retry-after-ms", "-1e300"}}));
        CPPUNIT_ASSERT_EQUAL(int64_t(0), wait({{"retry-after", "nan"}}));
        CPPUNIT_ASSERT_EQUAL(int64_t(0), wait({{"retry-after", "soon"}}));
        CPPUNIT_ASSERT_EQUAL(int64_t(0), wait({{"retry-after", "12abc"}}));
        CPPUNIT_ASSERT_EQUAL(int64_t(0), wait({}));
        CPPUNIT_ASSERT_EQUAL(int64_t(1500), wait({{"retry-after", " 1.5 "}}));
        CPPUNIT_ASSERT_EQUAL(int64_t(1), wait({{"retry-after-ms", "0.2"}}));
        // retry-after-ms wins; an unusable one falls back to retry-after.
        CPPUNIT_ASSERT_EQUAL(int64_t(20), wait({{"retry-after-ms", "20"}, {"retry-after", "3"}}));
        CPPUNIT_ASSERT_EQUAL(int64_t(3000), wait({{"retry-after-ms", "x"}, {"retry-after", "3"}}));
        // The HTTP-date form: a date in the past means now, one far ahead the cap.
        CPPUNIT_ASSERT_EQUAL(int64_t(0), wait({{"retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"}}));
        CPPUNIT_ASSERT_EQUAL(max, wait({{"retry-after", "Fri, 31 Dec 9999 23:59:59 GMT"}}));
        const ChatCompletionsClient client(settings(), nullptr);
        const auto v = client.classify(result(429, "{}", {{"retry-after-ms", "18446744073610"}}));
        CPPUNIT_ASSERT(v.retry);
        CPPUNIT_ASSERT(v.retryAfter <= ms(ChatCompletionsClient::kMaxRetryAfter));
    }

    // A provider error echoing the key is masked before it is cut to 300 bytes: cutting first
    // left the key's first characters (here the 9 of "gsk_secre") in the message.
    void testKeyIsMaskedBeforeTheCut() {
        const ChatCompletionsClient client(settings(), nullptr);
        for (size_t pad = 280; pad < 300; ++pad) {
            const std::string body = R"({"error":{"message":")" + std::string(pad, 'x') + R"(gsk_secret_value_0123456789 rejected"}})";
            const auto v = client.classify(result(400, body));
            CPPUNIT_ASSERT_MESSAGE(v.message, v.message.find("gsk_sec") == std::string::npos);
            CPPUNIT_ASSERT_MESSAGE(v.message, v.message.find("gsk_") == std::string::npos);
        }
    }

    // A wait for a retry ends as soon as the caller gives up, not when the wait is over.
    void testWaitEndsWhenCancelled() {
        ClientSettings s = ClientSettings::fromConfig("openai", "http://127.0.0.1:9/v1", "m", R"({"max_retries":3})");
        const ChatCompletionsClient client(s, nullptr);  // port 9 (discard): connection refused, retried
        std::atomic<int> asked{0};
        const auto start = std::chrono::steady_clock::now();
        const uint64_t deadline = homelab_assistant::monotonicNowNs() + 30ull * 1000000000ull;
        ha_plugins::providers::CallHooks hooks;
        hooks.cancelled = [&] { return ++asked > 2; };
        try {
            client.chat(R"({"messages":[{"role":"user","content":"hi"}]})", deadline, hooks);
            CPPUNIT_FAIL("a refused connection must fail");
        } catch (const homelab_assistant::Error& e) {
            CPPUNIT_ASSERT_MESSAGE(e.what(), std::string(e.what()).find("cancelled") != std::string::npos);
        }
        CPPUNIT_ASSERT(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChatCompletionsClientTest);

}  // namespace ha
