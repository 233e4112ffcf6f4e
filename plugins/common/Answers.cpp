#include "common/Answers.h"

#include "common/JsonText.h"
#include "common/PluginConfig.h"

#include <homelab_assistant/plugin.hpp>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>

namespace ha_plugins::answers {

using homelab_assistant::Error;

namespace {

// The host's inputs are read with RapidJSON's document (one arena, no Poco value per member):
// twelve plugins read every question, and building it as a Poco document cost each of them more
// than its whole match(). Only what a plugin words from (the subject, a result) becomes Poco.
using JsonValue = rapidjson::Value;

constexpr int kMaxDepth = 64;  // the host's own limit for what it sends

// One answers input as a RapidJSON document whose values live in a buffer of its own first: a
// question fits, so reading one allocates no 64 KiB arena chunk (RapidJSON's default), which the
// C library would keep around per thread; larger inputs (results) take chunks as they need.
class Input {
public:
    explicit Input(std::string_view json) {
        // Neither a UTF-8 check nor the iterative parser (each doubled the cost of reading a
        // question): the host writes these inputs from text it has checked already (UTF-8, at
        // most 64 levels deep), so a stray byte could only reach a plugin's own wording.
        doc_.Parse(json.data(), json.size());
        if (doc_.HasParseError()) {
            throw Error(HA_ERR_INVALID_ARGUMENT, std::string("answers input is not valid JSON: ") +
                                                     rapidjson::GetParseError_En(doc_.GetParseError()) + " (at byte " +
                                                     std::to_string(doc_.GetErrorOffset()) + ")");
        }
        if (!doc_.IsObject()) throw Error(HA_ERR_INVALID_ARGUMENT, "answers input must be a JSON object");
    }
    Input(const Input&) = delete;
    Input& operator=(const Input&) = delete;
    const JsonValue& root() const { return doc_; }

private:
    static constexpr size_t kInlineBytes = 8192;
    char buffer_[kInlineBytes];
    rapidjson::MemoryPoolAllocator<> pool_{buffer_, kInlineBytes};
    rapidjson::Document doc_{&pool_};
};

const JsonValue* member(const JsonValue& o, const char* key) {
    if (!o.IsObject()) return nullptr;
    const auto it = o.FindMember(key);
    return it == o.MemberEnd() ? nullptr : &it->value;
}

std::string stringIn(const JsonValue& o, const char* key) {
    const JsonValue* v = member(o, key);
    return v && v->IsString() ? std::string(v->GetString(), v->GetStringLength()) : std::string();
}

// The values Poco's parser would make (as parseJson: Int64, UInt64 above its range, double,
// null an empty Var, objects sorted by name).
Poco::Dynamic::Var toPoco(const JsonValue& v, int depth) {
    if (depth > kMaxDepth) throw Error(HA_ERR_INVALID_ARGUMENT, "answers input is nested too deeply");
    switch (v.GetType()) {
        case rapidjson::kNullType: return {};
        case rapidjson::kFalseType: return false;
        case rapidjson::kTrueType: return true;
        case rapidjson::kStringType: return std::string(v.GetString(), v.GetStringLength());
        case rapidjson::kNumberType:
            if (v.IsInt64()) return static_cast<Poco::Int64>(v.GetInt64());
            if (v.IsUint64()) return static_cast<Poco::UInt64>(v.GetUint64());
            return v.GetDouble();
        case rapidjson::kArrayType: {
            Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
            for (const JsonValue& item : v.GetArray()) a->add(toPoco(item, depth + 1));
            return a;
        }
        case rapidjson::kObjectType: {
            Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
            for (const auto& m : v.GetObject()) {
                o->set(std::string(m.name.GetString(), m.name.GetStringLength()), toPoco(m.value, depth + 1));
            }
            return o;
        }
    }
    return {};
}

// The member as a Poco object; an empty one when it is missing or not an object.
Poco::JSON::Object::Ptr objectIn(const JsonValue& o, const char* key) {
    const JsonValue* v = member(o, key);
    if (!v || !v->IsObject()) return newObject();
    return toPoco(*v, 1).extract<Poco::JSON::Object::Ptr>();
}

// What a question without a subject has as the subject's arguments and data (most questions):
// one empty object shared by all of them, never written to, rather than two built per plugin.
const Poco::JSON::Object::Ptr& noSubjectObject() {
    static const Poco::JSON::Object::Ptr empty = newObject();
    return empty;
}

Question questionOf(const JsonValue& o) {
    Question q;
    q.text = stringIn(o, "text");
    q.question = stringIn(o, "question");
    if (const JsonValue* words = member(o, "words"); words && words->IsArray()) {
        for (const JsonValue& w : words->GetArray()) {
            if (w.IsString()) q.words.emplace_back(w.GetString(), w.GetStringLength());
        }
    }
    if (q.text.empty()) {
        q.text = " ";
        for (const auto& w : q.words) q.text += w + " ";
    }
    static const JsonValue kNoSubject(rapidjson::kObjectType);
    const JsonValue* found = member(o, "subject");
    const JsonValue& subject = found && found->IsObject() ? *found : kNoSubject;
    q.subjectPlugin = stringIn(subject, "plugin");
    q.subjectCapability = stringIn(subject, "capability");
    q.subjectArguments = &subject == &kNoSubject ? noSubjectObject() : objectIn(subject, "arguments");
    q.subjectData = &subject == &kNoSubject ? noSubjectObject() : objectIn(subject, "data");
    if (const JsonValue* allowed = member(o, "allowed"); allowed && allowed->IsArray()) {
        for (const JsonValue& c : allowed->GetArray()) {
            if (c.IsString()) q.allowed.emplace_back(c.GetString(), c.GetStringLength());
        }
    }
    return q;
}

Outcome outcomeOf(const JsonValue& o) {
    Outcome out;
    out.capability = stringIn(o, "capability");
    out.arguments = objectIn(o, "arguments");
    out.status = stringIn(o, "status");
    if (const JsonValue* result = member(o, "result"); result && result->IsObject()) {
        out.result = toPoco(*result, 1).extract<Poco::JSON::Object::Ptr>();
    }
    out.error = stringIn(o, "error");
    return out;
}

const char* severityName(Findings::Severity s) {
    switch (s) {
        case Findings::Severity::Ok: return "ok";
        case Findings::Severity::Warning: return "warning";
        case Findings::Severity::Critical: return "critical";
    }
    return "warning";
}

}  // namespace

bool Question::has(std::string_view word) const {
    // text has a space before and after every word: a whole word (or phrase) is one found
    // between two spaces. No needle is built: plugins ask this hundreds of times a question.
    if (word.empty()) return false;
    const std::string_view t(text);
    for (size_t at = t.find(word, 1); at != std::string_view::npos; at = t.find(word, at + 1)) {
        const size_t end = at + word.size();
        if (t[at - 1] == ' ' && end < t.size() && t[end] == ' ') return true;
    }
    return false;
}

bool Question::hasAny(std::initializer_list<std::string_view> list) const {
    return std::any_of(list.begin(), list.end(), [this](std::string_view w) { return has(w); });
}

bool Question::hasPhrase(std::string_view phrase) const { return has(phrase); }

bool Question::aboutAWorkload() const {
    // "what about its memory?" after an answer about something: that thing's memory.
    if (!subjectPlugin.empty() && hasAny({"its", "their"})) return true;
    return hasAny({"container", "containers", "docker", "process", "processes", "service", "services", "app", "apps",
                   "vm", "vms", "pod", "pods", "unit", "units"});
}

Question Question::parse(std::string_view json) { return questionOf(Input(json).root()); }

void Matches::add(const std::string& capability, double score, Poco::JSON::Object::Ptr arguments,
                  const std::vector<std::string>& names) {
    list_.push_back({capability, rounded(std::clamp(score, 0.0, 1.0), 3), std::move(arguments), names});
}

std::string Matches::json() const {
    if (list_.empty()) return R"({"matches":[]})";  // the usual answer: most questions are another plugin's
    JsonWriter out;
    out.startObject().key("matches").startArray();
    for (const Entry& m : list_) {
        out.startObject().member("capability", m.capability).key("arguments");
        if (m.arguments) {
            out.value(m.arguments);
        } else {
            out.startObject().endObject();
        }
        out.key("score").number(m.score);
        if (!m.names.empty()) {
            out.key("names").startArray();
            for (const auto& name : m.names) out.string(name);
            out.endArray();
        }
        out.endObject();
    }
    return out.endArray().endObject().text();
}

SummaryRequest SummaryRequest::parse(std::string_view json) {
    const Input in(json);
    return SummaryRequest{questionOf(in.root()), outcomeOf(in.root())};
}

std::string summary(const std::string& text, bool found, Poco::JSON::Object::Ptr subject) {
    JsonWriter out;
    out.startObject().member("text", text).key("found").boolean(found);
    if (subject) out.member("subject", subject);
    return out.endObject().text();
}

const Outcome* CheckResults::find(const std::string& capability) const {
    for (const auto& r : results) {
        if (r.capability == capability) return &r;
    }
    return nullptr;
}

CheckResults CheckResults::parse(std::string_view json) {
    const Input in(json);
    CheckResults out;
    if (const JsonValue* list = member(in.root(), "results"); list && list->IsArray()) {
        for (const JsonValue& r : list->GetArray()) {
            if (r.IsObject()) out.results.push_back(outcomeOf(r));
        }
    }
    return out;
}

void Findings::add(Severity severity, const std::string& check, const std::string& subject, const std::string& message,
                   Poco::JSON::Object::Ptr evidence) {
    auto f = newObject();
    f->set("severity", std::string(severityName(severity)));
    f->set("check", check);
    f->set("subject", subject);
    f->set("message", message);
    if (evidence) f->set("evidence", evidence);
    list_->add(f);
}

std::string Findings::json() const {
    auto out = newObject();
    out->set("findings", list_);
    return toJson(out);
}

Profile& Profile::words(std::initializer_list<const char*> vocabulary) {
    vocabulary_.insert(vocabulary_.end(), vocabulary.begin(), vocabulary.end());
    return *this;
}

Profile& Profile::topic(const std::string& capability, const std::string& title, const std::string& example) {
    auto t = newObject();
    t->set("capability", capability);
    t->set("title", title);
    t->set("example", example);
    topics_->add(t);
    return *this;
}

Profile& Profile::check(const std::string& capability, Poco::JSON::Object::Ptr arguments) {
    auto c = newObject();
    c->set("capability", capability);
    c->set("arguments", arguments ? arguments : newObject());
    checks_->add(c);
    return *this;
}

std::string Profile::json() const {
    Poco::JSON::Array::Ptr words = new Poco::JSON::Array;
    for (const auto& w : vocabulary_) words->add(w);
    auto out = newObject();
    out->set("vocabulary", words);
    out->set("topics", topics_);
    out->set("checks", checks_);
    return toJson(out);
}

}  // namespace ha_plugins::answers
