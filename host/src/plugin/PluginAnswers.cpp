#include "plugin/PluginAnswers.h"

#include "plugin/FindingsReader.h"
#include "plugin/MatchesReader.h"

#include "answers/QuestionText.h"
#include "util/Text.h"

#include <Poco/Logger.h>

#include <algorithm>
#include <cmath>

namespace ha::plugin {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("answers"); }

std::string tooLarge(const std::string& what, size_t bytes, size_t max) {
    return what + "() returned " + std::to_string(bytes) + " bytes (at most " + std::to_string(max) + ")";
}

bool plainWord(const std::string& w) {
    return !w.empty() && w.size() <= 32 &&
           std::all_of(w.begin(), w.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
}

std::string boundedString(const json::Object::Ptr& o, const std::string& key, size_t max) {
    return text::truncateUtf8(json::getString(o, key).value_or(""), max);
}

std::string argumentsText(const json::Object::Ptr& o) {
    auto args = json::getObject(o, "arguments");
    return json::stringify(args ? json::Var(args) : json::Var(json::object()));
}

// The members answers.h gives every question, written straight to text: twelve plugins read
// a question, and a Poco document built for each one cost more than their match() did.
void writeQuestion(json::Writer& w, const QuestionInput& q) {
    w.member("text", q.text.text());  // first member, as answers.h promises C plugins
    w.member("question", q.text.original());
    w.key("words").startArray();
    for (const auto& word : q.text.words()) w.string(word);
    w.endArray();
    w.key("subject");
    if (q.subject) {
        const Subject& s = *q.subject;
        w.startObject().member("plugin", s.plugin).member("capability", s.capability);
        w.member("arguments", s.arguments ? json::Var(s.arguments) : json::Var(json::object()));
        w.member("data", s.data ? json::Var(s.data) : json::Var(json::object()));
        w.endObject();
    } else {
        w.null();
    }
    w.key("allowed").startArray();
    for (const auto& c : q.allowed) w.string(c);
    w.endArray();
}

void writeOutcome(json::Writer& w, const ToolExecution& ex) {
    w.member("capability", ex.record.capability.empty() ? ex.record.name : ex.record.capability);
    w.member("arguments", json::isObject(ex.record.arguments) ? ex.record.arguments : json::Var(json::object()));
    w.member("status", toString(ex.record.status));
    if (ex.record.status == CallStatus::Ok) {
        w.member("result", ex.result);
    } else {
        w.member("error", ex.record.error);
    }
}

}  // namespace

PluginAnswers::PluginAnswers(std::shared_ptr<LoadedPlugin> plugin, std::chrono::milliseconds timeout)
    : plugin_(std::move(plugin)), timeout_(timeout) {}

std::shared_ptr<PluginAnswers> PluginAnswers::bind(std::shared_ptr<LoadedPlugin> plugin,
                                                   std::chrono::milliseconds timeout, std::string& error) {
    const ha_answers_v1* vtable = plugin->answers();
    if (vtable == nullptr) return nullptr;
    std::shared_ptr<PluginAnswers> answers(new PluginAnswers(std::move(plugin), timeout));
    if (HA_STRUCT_HAS(vtable, ha_answers_v1, flags)) answers->instant_ = vtable->flags;
    if (vtable->profile != nullptr) {
        auto out = answers->call(vtable->profile, "profile", "{}", {}, error);
        if (!out) return nullptr;
        if (error = readProfile(out, answers->profile_); !error.empty()) return nullptr;
    }
    return answers;
}

json::Object::Ptr PluginAnswers::call(Function fn, const std::string& what, std::string input,
                                      const CallContext& context, std::string& error, uint32_t instantFlag) const {
    const std::optional<std::string> output = callForText(fn, what, std::move(input), context, error, instantFlag);
    return output ? readOutput(what, *output, error) : nullptr;
}

std::optional<std::string> PluginAnswers::callForText(Function fn, const std::string& what, std::string input,
                                                      const CallContext& context, std::string& error,
                                                      uint32_t instantFlag) const {
    const bool instant = instantFlag != 0 && (instant_.load(std::memory_order_relaxed) & instantFlag) != 0;
    CallOutcome outcome = plugin_->call([fn](void* instance, const ha_call* c) { return fn(instance, c); },
                                        std::move(input), Deadline::after(timeout_), context,
                                        instant ? CallThread::Caller : CallThread::Call);
    if (outcome.overran && (instant_.fetch_and(~instantFlag) & instantFlag) != 0) {
        logger().warning("plugin '" + plugin_->identity().id + "': " + what +
                         "() is declared instant but returned after its deadline; it runs on a call thread from now on");
    }
    if (outcome.status == HA_ERR_UNSUPPORTED) return std::nullopt;  // nothing to say; not an error
    if (outcome.status != HA_OK) {
        error = what + "() failed: " + (outcome.error.empty() ? "status " + std::to_string(outcome.status) : outcome.error);
        return std::nullopt;
    }
    return std::move(outcome.output);
}

json::Object::Ptr PluginAnswers::readOutput(const std::string& what, const std::string& output, std::string& error) {
    if (output.size() > kMaxOutputBytes) {
        error = tooLarge(what, output.size(), kMaxOutputBytes);
        return nullptr;
    }
    try {
        return json::parseObject(output);
    } catch (const json::JsonError& e) {
        error = what + "() returned invalid JSON: " + e.what();
        return nullptr;
    }
}

std::string PluginAnswers::readProfile(const json::Object::Ptr& out, AnswerProfile& profile) {
    if (auto words = json::getArray(out, "vocabulary")) {
        for (size_t i = 0; i < words->size() && profile.vocabulary.size() < kMaxVocabulary; ++i) {
            const json::Var w = words->get(i);
            if (!w.isString() || !plainWord(w.extract<std::string>())) {
                return "profile(): vocabulary entry " + std::to_string(i) + " is not a lowercase word [a-z0-9]{1,32}";
            }
            profile.vocabulary.push_back(w.extract<std::string>());
        }
    }
    if (auto topics = json::getArray(out, "topics")) {
        for (size_t i = 0; i < topics->size() && profile.topics.size() < kMaxTopics; ++i) {
            auto t = json::asObject(topics->get(i));
            if (!t) return "profile(): topic " + std::to_string(i) + " is not an object";
            profile.topics.push_back(
                {boundedString(t, "capability", 64), boundedString(t, "title", 80), boundedString(t, "example", 200)});
        }
    }
    if (auto checks = json::getArray(out, "checks")) {
        for (size_t i = 0; i < checks->size() && profile.checks.size() < kMaxChecks; ++i) {
            auto c = json::asObject(checks->get(i));
            const std::string capability = c ? json::getString(c, "capability").value_or("") : "";
            if (capability.empty()) return "profile(): check " + std::to_string(i) + " names no capability";
            profile.checks.push_back({capability, argumentsText(c)});
        }
    }
    return "";
}

std::vector<Match> PluginAnswers::match(const QuestionInput& question, const CallContext& context) const {
    const ha_answers_v1* vtable = plugin_->answers();
    if (vtable->match == nullptr) return {};
    std::string error;
    json::Writer input;
    writeQuestion(input.startObject(), question);
    const std::optional<std::string> out =
        callForText(vtable->match, "match", input.endObject().text(), context, error, HA_ANSWERS_INSTANT_MATCH);
    std::vector<Match> matches = out ? readMatches(plugin(), *out, error) : std::vector<Match>{};
    if (!error.empty()) logger().warning("plugin " + plugin() + ": " + text::sanitizeForLog(error, 300));
    return matches;
}

std::vector<Match> PluginAnswers::readMatches(const std::string& plugin, const std::string& output, std::string& error) {
    if (output.size() > kMaxOutputBytes) {
        error = tooLarge("match", output.size(), kMaxOutputBytes);
        return {};
    }
    return MatchesReader::read(plugin, output, kMaxMatches, error).value_or(std::vector<Match>{});
}

std::optional<Summary> PluginAnswers::summarize(const QuestionInput& question, const ToolExecution& execution,
                                                const CallContext& context) const {
    const ha_answers_v1* vtable = plugin_->answers();
    if (vtable->summarize == nullptr) return std::nullopt;
    json::Writer input;
    writeQuestion(input.startObject(), question);
    writeOutcome(input, execution);
    std::string error;
    auto out = call(vtable->summarize, "summarize", input.endObject().text(), context, error, HA_ANSWERS_INSTANT_SUMMARIZE);
    if (!error.empty()) logger().warning("plugin " + plugin() + ": " + text::sanitizeForLog(error, 300));
    return readSummary(out);
}

std::optional<Summary> PluginAnswers::readSummary(const json::Object::Ptr& out) {
    const std::string text = out ? text::trim(boundedString(out, "text", 8192)) : "";
    if (text.empty()) return std::nullopt;
    Summary s{text, json::getBool(out, "found").value_or(true), json::getObject(out, "subject")};
    if (s.subject) s.subjectBytes = json::stringify(s.subject).size();
    if (s.subjectBytes > 16 * 1024) s = Summary{s.text, s.found, nullptr};
    return s;
}

std::optional<std::vector<Finding>> PluginAnswers::checks(const std::vector<const ToolExecution*>& results,
                                                          const CallContext& context, std::string& error) const {
    const ha_answers_v1* vtable = plugin_->answers();
    if (vtable->checks == nullptr) return std::nullopt;
    json::Writer input;
    input.startObject().key("results").startArray();
    for (const ToolExecution* ex : results) {
        writeOutcome(input.startObject(), *ex);
        input.endObject();
    }
    const std::optional<std::string> out =
        callForText(vtable->checks, "checks", input.endArray().endObject().text(), context, error, HA_ANSWERS_INSTANT_CHECKS);
    std::optional<std::vector<Finding>> findings =
        out ? lastFindings_.get(*out, [&](const std::string& text) { return readFindings(plugin(), text, error); })
            : std::nullopt;
    if (!findings && !error.empty()) logger().warning("plugin " + plugin() + ": " + text::sanitizeForLog(error, 300));
    return findings;
}

std::optional<std::vector<Finding>> PluginAnswers::readFindings(const std::string& plugin, const std::string& output,
                                                                std::string& error) {
    if (output.size() > kMaxOutputBytes) {
        error = tooLarge("checks", output.size(), kMaxOutputBytes);
        return std::nullopt;
    }
    return FindingsReader::read(plugin, output, kMaxFindings, error);
}

}  // namespace ha::plugin
