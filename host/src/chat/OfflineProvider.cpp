#include "chat/OfflineProvider.h"

#include "util/Text.h"

#include <algorithm>
#include <map>

namespace ha {

namespace {

const Message* lastUserMessage(const std::vector<Message>& messages) {
    for (auto it = messages.rbegin(); it != messages.rend(); ++it) {
        if (it->role == Message::Role::User) return &*it;
    }
    return nullptr;
}

// The tool messages answering this turn's calls, by tool_call_id.
std::map<std::string, std::shared_ptr<const ToolExecution>> resultsOfThisTurn(const std::vector<Message>& messages) {
    std::map<std::string, std::shared_ptr<const ToolExecution>> results;
    for (auto it = messages.rbegin(); it != messages.rend() && it->role != Message::Role::User; ++it) {
        if (it->role == Message::Role::Tool && it->execution) results.emplace(it->toolCallId, it->execution);
    }
    return results;
}

bool startsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

std::string quotedList(const std::vector<std::string>& words) {
    std::string s;
    for (size_t i = 0; i < words.size(); ++i) {
        if (i > 0) s += i + 1 == words.size() ? " or " : ", ";
        s += "'" + words[i] + "'";
    }
    return s;
}

}  // namespace

OfflineProvider::OfflineProvider(const AnswerCatalog& answers, const ToolCatalog& tools)
    : answers_(answers), tools_(tools), router_(answers, tools), health_(answers, tools) {}

ProviderReply OfflineProvider::text(std::string content) {
    ProviderReply reply;
    reply.model = "offline";
    reply.finishReason = "stop";
    reply.content = std::move(content);
    return reply;
}

ProviderReply OfflineProvider::chat(const ChatRequest& request) {
    if (request.messages.empty()) throw ProviderError(CallStatus::InvalidArgument, "no messages");
    ProviderReply reply = request.messages.back().role == Message::Role::Tool ? compose(request) : plan(request);
    if (reply.toolCalls.empty() && request.context.onText) stream(reply.content, request.context);
    return reply;
}

std::vector<std::string> OfflineProvider::chunks(const std::string& text, size_t wordsPerChunk) {
    // Each chunk ends after the whitespace that follows its last word, so the chunks put
    // together are the text byte for byte (newlines included).
    wordsPerChunk = std::max<size_t>(1, wordsPerChunk);
    std::vector<std::string> out;
    std::string current;
    size_t words = 0;
    bool inWord = false;
    for (char c : text) {
        const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
        if (!space && !inWord) {
            if (words == wordsPerChunk) {
                out.push_back(std::move(current));
                current.clear();
                words = 0;
            }
            ++words;
        }
        inWord = !space;
        current += c;
    }
    if (!current.empty()) out.push_back(std::move(current));
    return out;
}

void OfflineProvider::stream(const std::string& content, const CallContext& context) {
    for (const std::string& chunk : chunks(content, kWordsPerChunk)) {
        if (context.cancelled()) return;  // nobody is reading any more
        context.onText(chunk);
    }
}

std::string OfflineProvider::whatICanAnswer() const {
    const std::vector<Topic> topics = answers_.topics();
    if (topics.empty()) {
        std::vector<std::string> caps;
        for (const auto& f : tools_.offered()) caps.push_back(f.capability);
        if (caps.empty()) return "No capability is available to answer questions with.";
        return "Without a language model I can only run these capabilities directly (POST /v1/tools/...): " +
               quotedList(caps) + ".";
    }
    std::vector<std::string> titles, examples;
    for (const Topic& t : topics) {
        if (tools_.find(t.capability) == nullptr || !tools_.find(t.capability)->offered) continue;
        if (std::find(titles.begin(), titles.end(), t.title) == titles.end() && titles.size() < 16) titles.push_back(t.title);
        if (!t.example.empty() && examples.size() < 3) examples.push_back("\"" + t.example + "\"");
    }
    std::string s = "I can answer questions about: ";
    for (size_t i = 0; i < titles.size(); ++i) s += (i == 0 ? "" : ", ") + titles[i];
    s += ".";
    if (!examples.empty()) {
        s += " For example: ";
        for (size_t i = 0; i < examples.size(); ++i) s += (i == 0 ? "" : ", ") + examples[i];
        s += ".";
    }
    return s + " Ask \"Is everything running correctly?\" for a health check.";
}

ProviderReply OfflineProvider::plan(const ChatRequest& request) const {
    const Message* user = lastUserMessage(request.messages);
    const QuestionText question(user ? user->content : "", answers_.vocabulary());
    const Route route = router_.route(question, request.subject, request.context);
    switch (route.kind) {
        case Route::Kind::Help: return text(whatICanAnswer());
        case Route::Kind::Unknown:
            return text("I can't answer that: nothing on this server reports " + quotedList(route.unknownWords) +
                        ". " + whatICanAnswer());
        case Route::Kind::Unclear: return text("I'm not sure what you are asking. " + whatICanAnswer());
        case Route::Kind::Denied:
            return text("I can't answer that here: the policy does not allow " + quotedList(route.denied) + ".");
        case Route::Kind::Health: return healthCalls();
        case Route::Kind::Matches: break;
    }
    ProviderReply reply;
    reply.model = "offline";
    reply.finishReason = "tool_calls";
    for (size_t i = 0; i < route.matches.size(); ++i) {
        const ToolCatalog::Entry* entry = tools_.find(route.matches[i].capability);
        reply.toolCalls.push_back(
            {kMatchCallPrefix + std::to_string(i + 1), entry->tool->info().function, route.matches[i].arguments});
    }
    return reply;
}

ProviderReply OfflineProvider::healthCalls() const {
    ProviderReply reply;
    reply.model = "offline";
    reply.finishReason = "tool_calls";
    const auto& plan = health_.plan();
    for (size_t i = 0; i < plan.size(); ++i) {
        const ToolCatalog::Entry* entry = tools_.find(plan[i].capability);
        // Denied capabilities are not requested; evaluate() tells their plugin so.
        if (entry->offered) {
            reply.toolCalls.push_back(
                {kHealthCallPrefix + std::to_string(i), entry->tool->info().function, plan[i].arguments});
        }
    }
    if (reply.toolCalls.empty()) return text(healthAnswer({}, {}));
    return reply;
}

std::string OfflineProvider::healthAnswer(const std::vector<Message>& messages, const CallContext& context) const {
    const auto results = resultsOfThisTurn(messages);
    const auto& plan = health_.plan();
    std::vector<ToolExecution> executions;
    for (size_t i = 0; i < plan.size(); ++i) {
        if (auto it = results.find(kHealthCallPrefix + std::to_string(i)); it != results.end()) {
            executions.push_back(*it->second);
            continue;
        }
        ToolExecution denied;  // not requested: the policy does not allow it
        const ToolCatalog::Entry* entry = tools_.find(plan[i].capability);
        denied.record.capability = plan[i].capability;
        denied.record.plugin = entry->tool->info().pluginId;
        denied.record.arguments = json::parse(plan[i].arguments);
        denied.record.decision = "denied";
        denied.record.reason = entry->decision.reason;
        denied.record.status = CallStatus::Denied;
        denied.record.error = "refused: " + entry->decision.reason;
        executions.push_back(std::move(denied));
    }
    return health_.evaluate(executions, context).text();
}

Subject OfflineProvider::subjectOf(const ToolExecution& ex, const ToolCall& call, const Summary& summary) {
    Subject s{ex.record.plugin, ex.record.capability,
              json::isObject(ex.record.arguments) ? json::asObject(ex.record.arguments) : json::object(),
              summary.subject ? summary.subject : json::object()};
    // toJson()'s text from the texts at hand: the call's arguments as the plugin's match() wrote
    // them (compact) and the data as readSummary() measured it; the rest is the four keys.
    static constexpr size_t kFrame = sizeof(R"({"plugin":"","capability":"","arguments":,"data":})") - 1;
    const size_t arguments = json::isObject(ex.record.arguments) && !call.arguments.empty() ? call.arguments.size() : 2;
    s.measuredBytes = kFrame + s.plugin.size() + s.capability.size() + arguments + (summary.subject ? summary.subjectBytes : 2);
    return s;
}

std::string OfflineProvider::genericSummary(const ToolExecution& ex) const {
    const std::string& capability = ex.record.capability.empty() ? ex.record.name : ex.record.capability;
    switch (ex.record.status) {
        case CallStatus::Ok:
            return capability + ": " + text::truncateUtf8(json::stringify(ex.result), 600);
        case CallStatus::Denied: return capability + " is not allowed here: " + ex.record.reason + ".";
        default: return capability + " failed: " + ex.record.error;
    }
}

ProviderReply OfflineProvider::matchAnswer(const ChatRequest& request, const QuestionText& question) const {
    const auto results = resultsOfThisTurn(request.messages);
    const Message& asked = *std::find_if(request.messages.rbegin(), request.messages.rend(), [](const Message& m) {
        return m.role == Message::Role::Assistant && !m.toolCalls.empty();
    });
    struct Part {
        std::string text;
        bool found;
    };
    std::vector<Part> parts;
    ProviderReply reply = text("");
    for (const ToolCall& call : asked.toolCalls) {
        auto it = results.find(call.id);
        if (it == results.end()) continue;
        const ToolExecution& ex = *it->second;
        const Answerer* answerer = answers_.find(ex.record.plugin);
        std::vector<std::string> allowed{ex.record.capability};
        std::optional<Summary> summary;
        if (answerer != nullptr) summary = answerer->summarize(QuestionInput{question, request.subject, allowed}, ex, request.context);
        parts.push_back(summary ? Part{summary->text, summary->found} : Part{genericSummary(ex), ex.record.status == CallStatus::Ok});
        if (!reply.subject && summary) reply.subject = subjectOf(ex, call, *summary);
    }
    // "There is no container named plex" only matters when nobody found it.
    const bool anyFound = std::any_of(parts.begin(), parts.end(), [](const Part& p) { return p.found; });
    for (const Part& p : parts) {
        if (anyFound && !p.found) continue;
        reply.content += (reply.content.empty() ? "" : "\n") + p.text;
    }
    if (reply.content.empty()) reply.content = "None of the capabilities I asked returned anything.";
    return reply;
}

ProviderReply OfflineProvider::compose(const ChatRequest& request) const {
    const auto asked = std::find_if(request.messages.rbegin(), request.messages.rend(), [](const Message& m) {
        return m.role == Message::Role::Assistant && !m.toolCalls.empty();
    });
    if (asked == request.messages.rend()) throw ProviderError(CallStatus::InvalidArgument, "tool results without calls");
    if (startsWith(asked->toolCalls.front().id, kHealthCallPrefix)) {
        return text(healthAnswer(request.messages, request.context));
    }
    const Message* user = lastUserMessage(request.messages);
    const QuestionText question(user ? user->content : "", answers_.vocabulary());
    return matchAnswer(request, question);
}

}  // namespace ha
