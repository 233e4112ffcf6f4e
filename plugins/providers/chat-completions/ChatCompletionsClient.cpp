#include "providers/chat-completions/ChatCompletionsClient.h"

#include "common/PluginConfig.h"
#include "providers/chat-completions/ChatStreamAssembler.h"
#include "providers/chat-completions/SseParser.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Timespan.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <thread>

namespace ha_plugins::providers {

using homelab_assistant::Error;

namespace {

Poco::JSON::Object::Ptr parseObject(const std::string& text) {
    Poco::JSON::Parser parser;
    Poco::Dynamic::Var v = parser.parse(text);
    if (v.type() != typeid(Poco::JSON::Object::Ptr)) throw Poco::Exception("not a JSON object");
    return v.extract<Poco::JSON::Object::Ptr>();
}

std::string stringOr(const Poco::JSON::Object::Ptr& o, const std::string& key, const std::string& fallback = "") {
    if (!o || !o->has(key) || o->get(key).isEmpty()) return fallback;
    const auto v = o->get(key);
    return v.isString() ? v.extract<std::string>() : v.convert<std::string>();
}

// Message content may be a string, null, missing, or (newer APIs) a list of text parts.
std::string contentText(const Poco::JSON::Object::Ptr& message) {
    if (!message || !message->has("content") || message->get("content").isEmpty()) return "";
    const auto v = message->get("content");
    if (v.isString()) return v.extract<std::string>();
    if (v.type() == typeid(Poco::JSON::Array::Ptr)) {
        std::string text;
        auto parts = v.extract<Poco::JSON::Array::Ptr>();
        for (size_t i = 0; i < parts->size(); ++i) {
            auto part = parts->getObject(static_cast<unsigned>(i));
            if (part) text += stringOr(part, "text");
        }
        return text;
    }
    return "";
}

std::string cut(const std::string& s, size_t max) { return s.size() <= max ? s : s.substr(0, max) + "..."; }

// A token count from the reply, clamped: Poco's own double->Int64 conversion of a value at 2^63
// is undefined (it happens inside libPocoFoundation, where no sanitizer sees it).
Poco::Int64 tokenCount(const Poco::JSON::Object::Ptr& usage, const std::string& key) {
    if (!usage || !usage->has(key) || !usage->get(key).isNumeric() || usage->get(key).isBoolean()) return 0;
    const double n = usage->get(key).convert<double>();
    return n > 0 ? static_cast<Poco::Int64>(std::min(n, 1e15)) : 0;
}

// A number a peer sent in a header ("2", "2.5", " 1e3 "), or nothing when it is not one.
std::optional<double> headerNumber(const std::string& text) {
    const char* begin = text.c_str();
    char* end = nullptr;
    const double v = std::strtod(begin, &end);
    if (end == begin) return std::nullopt;
    while (*end == ' ' || *end == '\t') ++end;
    if (*end != '\0' || std::isnan(v)) return std::nullopt;
    return v;  // may be +-inf or out of range: the caller clamps
}

// Milliseconds, clamped to [0, kMaxRetryAfter] before any conversion: a peer's number never
// reaches integer arithmetic unbounded (a cast of an out-of-range double is undefined).
std::chrono::milliseconds clampedMs(double ms) {
    const double max = static_cast<double>(ChatCompletionsClient::kMaxRetryAfter.count());
    if (!(ms > 0)) return std::chrono::milliseconds(0);
    return std::chrono::milliseconds(static_cast<int64_t>(std::ceil(std::min(ms, max))));
}

}  // namespace

std::chrono::milliseconds ChatCompletionsClient::retryAfter(const std::map<std::string, std::string>& headers) {
    // retry-after-ms (OpenAI) is more precise than retry-after (seconds, or an HTTP date).
    if (auto it = headers.find("retry-after-ms"); it != headers.end()) {
        if (auto ms = headerNumber(it->second)) return clampedMs(*ms);
    }
    if (auto it = headers.find("retry-after"); it != headers.end()) {
        if (auto seconds = headerNumber(it->second)) return clampedMs(*seconds * 1000.0);
        Poco::DateTime when;
        int zone = 0;
        if (Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::HTTP_FORMAT, it->second, when, zone)) {
            const Poco::Timespan left = when - Poco::DateTime();
            return clampedMs(static_cast<double>(left.totalMilliseconds()));
        }
    }
    return std::chrono::milliseconds(0);
}

ClientSettings ClientSettings::fromConfig(const std::string& providerName, const std::string& defaultBaseUrl,
                                          const std::string& defaultModel, const std::string& configJson) {
    const PluginConfig config(configJson);
    ClientSettings s;
    s.providerName = providerName;
    s.baseUrl = config.string("base_url", defaultBaseUrl);
    s.apiKey = config.string("api_key", "");
    s.model = config.string("model", defaultModel);
    s.requestTimeout = std::chrono::milliseconds(config.integer("request_timeout_ms", 30000, 100, 600000));
    s.maxRetries = static_cast<int>(config.integer("max_retries", 2, 0, 10));
    s.caFile = config.string("ca_file", "");
    s.temperature = config.number("temperature", 0.2, 0.0, 2.0);
    if (s.model.empty()) throw Error(HA_ERR_INVALID_ARGUMENT, "no model configured");
    return s;
}

ChatCompletionsClient::ChatCompletionsClient(ClientSettings settings, Logger log)
    : settings_(std::move(settings)), log_(std::move(log)) {
    try {
        std::string base = settings_.baseUrl;
        while (!base.empty() && base.back() == '/') base.pop_back();
        endpoint_ = Poco::URI(base + "/chat/completions");
    } catch (const Poco::Exception& e) {
        throw Error(HA_ERR_INVALID_ARGUMENT, "invalid base_url: " + e.message());
    }
    const std::string scheme = endpoint_.getScheme();
    if ((scheme != "https" && scheme != "http") || endpoint_.getHost().empty()) {
        throw Error(HA_ERR_INVALID_ARGUMENT, "base_url must be an http:// or https:// URL");
    }
    const std::string host = endpoint_.getHost();
    const bool loopback = host == "localhost" || host.rfind("127.", 0) == 0 || host == "::1" || host == "[::1]";
    if (scheme == "http" && !loopback && !settings_.apiKey.empty() && log_) {
        log_(HA_LOG_WARNING, "the API key is sent over plain HTTP to " + host + "; use https:// outside this machine");
    }
    transport_ = std::make_unique<HttpTransport>(settings_.caFile);
}

std::string ChatCompletionsClient::describe(bool keyRequired) const {
    auto out = newObject();
    const bool ready = !keyRequired || !settings_.apiKey.empty();
    out->set("ready", ready);
    if (!ready) out->set("reason", "no api_key is configured for " + settings_.providerName);
    out->set("model", settings_.model);
    // The base URL as configured, without any user info or query that could carry a credential.
    Poco::URI base(settings_.baseUrl);
    base.setUserInfo("");
    base.setRawQuery("");
    base.setFragment("");
    out->set("endpoint", base.toString());
    return toJson(out);
}

std::string ChatCompletionsClient::withoutKey(std::string text) const {
    if (settings_.apiKey.size() >= 4) {
        for (size_t pos; (pos = text.find(settings_.apiKey)) != std::string::npos;) text.replace(pos, settings_.apiKey.size(), "[REDACTED]");
    }
    return text;
}

std::string ChatCompletionsClient::buildRequest(const std::string& input, bool stream) const {
    Poco::JSON::Object::Ptr in;
    try {
        in = parseObject(input);
    } catch (const Poco::Exception& e) {
        throw Error(HA_ERR_INVALID_ARGUMENT, "invalid provider input: " + e.message());
    }
    Poco::JSON::Array::Ptr messages = new Poco::JSON::Array;
    auto source = in->has("messages") ? in->getArray("messages") : nullptr;
    if (!source || source->size() == 0) throw Error(HA_ERR_INVALID_ARGUMENT, "no messages");
    for (size_t i = 0; i < source->size(); ++i) {
        auto m = source->getObject(static_cast<unsigned>(i));
        if (!m) continue;
        const std::string role = stringOr(m, "role");
        auto out = newObject();
        out->set("role", role);
        // Groq rejects null content in history: always send a string.
        out->set("content", contentText(m));
        if (role == "assistant" && m->has("tool_calls") && !m->get("tool_calls").isEmpty()) {
            out->set("tool_calls", m->getArray("tool_calls"));
        }
        if (role == "tool") out->set("tool_call_id", stringOr(m, "tool_call_id"));
        messages->add(out);
    }
    auto body = newObject();
    body->set("model", settings_.model);
    body->set("messages", messages);
    auto tools = in->has("tools") && !in->get("tools").isEmpty() ? in->getArray("tools") : nullptr;
    if (tools && tools->size() > 0) {
        body->set("tools", tools);
        body->set("tool_choice", "auto");
    }
    body->set("temperature", settings_.temperature);
    body->set("stream", stream);
    return toJson(body);
}

std::string ChatCompletionsClient::parseResponse(const std::string& body) {
    Poco::JSON::Object::Ptr response;
    try {
        response = parseObject(body);
    } catch (const Poco::Exception& e) {
        throw Error(HA_ERR_UNAVAILABLE, "the model server sent invalid JSON: " + cut(e.message(), 200));
    }
    auto choices = response->has("choices") && !response->get("choices").isEmpty() ? response->getArray("choices") : nullptr;
    if (!choices || choices->size() == 0) throw Error(HA_ERR_UNAVAILABLE, "the model server sent no choices");
    auto choice = choices->getObject(0);
    auto message = choice && choice->has("message") ? choice->getObject("message") : nullptr;
    if (!message) throw Error(HA_ERR_UNAVAILABLE, "the model server sent a choice without a message");

    auto out = newObject();
    std::string content = contentText(message);
    if (content.empty()) content = stringOr(message, "refusal");
    out->set("content", content);
    Poco::JSON::Array::Ptr calls = new Poco::JSON::Array;
    auto toolCalls = message->has("tool_calls") && !message->get("tool_calls").isEmpty() ? message->getArray("tool_calls") : nullptr;
    for (size_t i = 0; toolCalls && i < toolCalls->size(); ++i) {
        auto call = toolCalls->getObject(static_cast<unsigned>(i));
        auto fn = call && call->has("function") ? call->getObject("function") : nullptr;
        if (!fn) continue;
        auto c = newObject();
        c->set("id", stringOr(call, "id"));
        c->set("name", stringOr(fn, "name"));
        // Arguments are a JSON string by the spec; some servers send an object.
        std::string args = "{}";
        if (fn->has("arguments") && !fn->get("arguments").isEmpty()) {
            const auto a = fn->get("arguments");
            if (a.isString()) {
                args = a.extract<std::string>();
            } else {
                std::ostringstream s;
                Poco::JSON::Stringifier::condense(a, s);
                args = s.str();
            }
        }
        c->set("arguments", args);
        calls->add(c);
    }
    out->set("tool_calls", calls);
    out->set("finish_reason", stringOr(choice, "finish_reason"));
    out->set("model", stringOr(response, "model"));
    if (response->has("usage") && !response->get("usage").isEmpty()) {
        auto usage = response->getObject("usage");
        auto u = newObject();
        u->set("prompt_tokens", tokenCount(usage, "prompt_tokens"));
        u->set("completion_tokens", tokenCount(usage, "completion_tokens"));
        out->set("usage", u);
    }
    return toJson(out);
}

ErrorVerdict ChatCompletionsClient::classify(const HttpResult& r) const {
    ErrorVerdict v;
    std::string code, type, message;
    try {
        auto body = parseObject(r.body);
        auto error = body->has("error") && body->get("error").type() == typeid(Poco::JSON::Object::Ptr) ? body->getObject("error") : nullptr;
        if (error) {
            code = stringOr(error, "code");  // a string (OpenAI, Groq) or a number (llama.cpp)
            type = stringOr(error, "type");
            message = stringOr(error, "message");
        } else {
            message = stringOr(body, "message", stringOr(body, "detail"));
        }
    } catch (const Poco::Exception&) {
        message = r.body;
    }
    // The key is masked before the text is cut: a cut first could leave the head of the key.
    message = cut(withoutKey(message), 300);
    v.retryAfter = retryAfter(r.headers);
    const std::string who = settings_.providerName + " (HTTP " + std::to_string(r.status) + ")";
    if (r.status == 401 || r.status == 403) {
        // Never echo the provider's text here: some quote part of the rejected key.
        v.status = HA_ERR_DENIED;
        v.message = who + ": the API key was rejected";
    } else if (r.status == 429 && (code == "insufficient_quota" || type == "insufficient_quota")) {
        v.status = HA_ERR_QUOTA;
        v.message = who + ": the account has no quota left (check the plan and billing)";
    } else if (r.status == 429) {
        v.status = HA_ERR_RATE_LIMITED;
        v.retry = true;
        v.message = who + ": rate limited: " + message;
    } else if (r.status == 400 && code == "tool_use_failed") {
        v.status = HA_ERR_UNAVAILABLE;
        v.toolUseFailed = true;
        v.message = who + ": the model produced an invalid tool call";
    } else if (r.status >= 500 || r.status == 408) {
        v.status = HA_ERR_UNAVAILABLE;
        v.retry = true;
        v.message = who + ": server error: " + message;
    } else if (r.status == 404) {
        v.status = HA_ERR_UNAVAILABLE;
        v.message = who + ": not found (check base_url and model '" + settings_.model + "'): " + message;
    } else {
        v.status = HA_ERR_INVALID_ARGUMENT;
        v.message = who + ": request rejected: " + message;
    }
    return v;
}

std::chrono::milliseconds ChatCompletionsClient::backoff(int attempt) const {
    return std::chrono::milliseconds(std::min(500 << attempt, 8000));
}

CallHooks ChatCompletionsClient::hooksOf(const homelab_assistant::Call& call) {
    CallHooks hooks;
    hooks.cancelled = [&call] { return call.cancelled(); };
    if (call.streaming()) hooks.onText = [&call](std::string_view text) { call.stream(text); };
    return hooks;
}

std::string ChatCompletionsClient::chat(const std::string& input, uint64_t deadlineNs, const CallHooks& hooks) const {
    const bool stream = static_cast<bool>(hooks.onText);
    const std::string body = buildRequest(input, stream);
    std::vector<std::pair<std::string, std::string>> headers = {{"User-Agent", "homelab-assistant/" HA_PLUGIN_VERSION}};
    if (!settings_.apiKey.empty()) headers.emplace_back("Authorization", "Bearer " + settings_.apiKey);

    int attempt = 0;
    bool toolUseRetried = false;
    for (;;) {
        ErrorVerdict verdict;
        // Fresh for every attempt; what an attempt already handed on cannot be taken back.
        ChatStreamAssembler assembler(hooks.onText);
        SseParser parser;
        PostOptions options;
        options.deadlineNs = deadlineNs;
        options.requestTimeout = settings_.requestTimeout;
        options.cancelled = hooks.cancelled;
        if (stream) {
            options.accept = "text/event-stream";
            options.onEventStream = [&](std::string_view bytes) {
                try {
                    parser.feed(bytes, [&](const SseEvent& event) { assembler.add(event.data); });
                } catch (const std::length_error& e) {
                    throw Error(HA_ERR_UNAVAILABLE, settings_.providerName + ": " + e.what());
                }
            };
        }
        std::optional<HttpResult> r;
        try {
            r = transport_->post(endpoint_, body, headers, options);
            if (r->status == 200 && r->streamed) return assembler.output();
        } catch (const TransportError& e) {
            if (e.kind() == TransportError::Kind::Cancelled) {
                throw Error(HA_ERR_TIMEOUT, settings_.providerName + ": the request was cancelled");
            }
            r.reset();
            verdict.status = e.kind() == TransportError::Kind::Timeout ? HA_ERR_TIMEOUT : HA_ERR_UNAVAILABLE;
            verdict.retry = e.kind() != TransportError::Kind::Tls;  // a bad certificate does not heal
            verdict.message = settings_.providerName + ": " + withoutKey(e.what());
        } catch (const Error& e) {
            // The stream itself failed: an error chunk, invalid JSON, or it was cut off.
            r.reset();
            verdict.status = e.status();
            verdict.retry = true;
            verdict.message = settings_.providerName + ": " + withoutKey(e.what());
        }
        if (r && r->status == 200) {
            // Whole (a server that ignored "stream": true too): its text is handed on at once.
            std::string out = parseResponse(r->body);
            if (stream) {
                const std::string text = stringOr(parseObject(out), "content");
                if (!text.empty()) hooks.onText(text);
            }
            return out;
        }
        if (r) verdict = classify(*r);
        if (assembler.streamedText()) {
            // Part of the answer is out: asking again would show it twice.
            throw Error(verdict.status, verdict.message + " (after part of the answer was streamed)");
        }
        if (hooks.cancelled && hooks.cancelled()) throw Error(HA_ERR_TIMEOUT, verdict.message + " (the request was cancelled)");
        if (verdict.toolUseFailed && settings_.retryToolUseFailed && !toolUseRetried) {
            toolUseRetried = true;
            if (log_) log_(HA_LOG_WARNING, verdict.message + "; asking once more");
            continue;
        }
        if (!verdict.retry || attempt >= settings_.maxRetries) throw Error(verdict.status, verdict.message);
        // Both are bounded (kMaxRetryAfter, backoff's cap), so the sum below cannot overflow.
        const auto wait = verdict.retryAfter.count() > 0 ? verdict.retryAfter : backoff(attempt);
        const uint64_t now = homelab_assistant::monotonicNowNs();
        const uint64_t left = deadlineNs > now ? deadlineNs - now : 0;
        // Waiting only helps if a request still fits after it: the wait never outlasts the deadline.
        if (static_cast<uint64_t>(wait.count() + kMinRequestMs) * 1000000ull >= left) {
            throw Error(verdict.status, verdict.message + " (no time left to retry)");
        }
        ++attempt;
        if (log_) {
            log_(HA_LOG_WARNING, verdict.message + "; retry " + std::to_string(attempt) + "/" +
                                     std::to_string(settings_.maxRetries) + " in " + std::to_string(wait.count()) + " ms");
        }
        if (!pause(wait, hooks.cancelled)) throw Error(HA_ERR_TIMEOUT, verdict.message + " (the request was cancelled)");
    }
}

bool ChatCompletionsClient::pause(std::chrono::milliseconds wait, const std::function<bool()>& cancelled) {
    // In slices, so that a caller who gave up (client gone, server stopping) frees this thread soon.
    constexpr auto kSlice = std::chrono::milliseconds(50);
    const auto end = std::chrono::steady_clock::now() + wait;
    for (auto now = std::chrono::steady_clock::now(); now < end; now = std::chrono::steady_clock::now()) {
        if (cancelled && cancelled()) return false;
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(end - now, kSlice));
    }
    return !(cancelled && cancelled());
}

}  // namespace ha_plugins::providers
