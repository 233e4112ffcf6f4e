#include "common/Answers.h"

#include "common/PluginConfig.h"

#include <homelab_assistant/plugin.hpp>

#include <Poco/JSON/Parser.h>

#include <algorithm>

namespace ha_plugins::answers {

using homelab_assistant::Error;

namespace {

Poco::JSON::Object::Ptr parseObject(std::string_view json) {
    try {
        Poco::JSON::Parser parser;
        Poco::Dynamic::Var v = parser.parse(std::string(json));
        if (v.type() == typeid(Poco::JSON::Object::Ptr)) return v.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception& e) {
        throw Error(HA_ERR_INVALID_ARGUMENT, "answers input is not valid JSON: " + e.message());
    }
    throw Error(HA_ERR_INVALID_ARGUMENT, "answers input must be a JSON object");
}

std::string stringOf(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || !o->get(key).isString()) return "";
    return o->get(key).extract<std::string>();
}

Poco::JSON::Object::Ptr objectOf(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    if (o && o->has(key) && o->get(key).type() == typeid(Poco::JSON::Object::Ptr)) return o->getObject(key);
    return newObject();
}

Poco::JSON::Array::Ptr arrayOf(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    if (o && o->has(key) && o->get(key).type() == typeid(Poco::JSON::Array::Ptr)) return o->getArray(key);
    return new Poco::JSON::Array;
}

Question questionOf(const Poco::JSON::Object::Ptr& o) {
    Question q;
    q.text = stringOf(o, "text");
    q.question = stringOf(o, "question");
    auto words = arrayOf(o, "words");
    for (size_t i = 0; i < words->size(); ++i) {
        if (words->get(i).isString()) q.words.push_back(words->get(i).extract<std::string>());
    }
    if (q.text.empty()) {
        q.text = " ";
        for (const auto& w : q.words) q.text += w + " ";
    }
    auto subject = objectOf(o, "subject");
    q.subjectPlugin = stringOf(subject, "plugin");
    q.subjectCapability = stringOf(subject, "capability");
    q.subjectArguments = objectOf(subject, "arguments");
    q.subjectData = objectOf(subject, "data");
    auto allowed = arrayOf(o, "allowed");
    for (size_t i = 0; i < allowed->size(); ++i) {
        if (allowed->get(i).isString()) q.allowed.insert(allowed->get(i).extract<std::string>());
    }
    return q;
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
    std::string needle = " ";
    needle.append(word);
    needle += ' ';
    return text.find(needle) != std::string::npos;
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

Question Question::parse(std::string_view json) { return questionOf(parseObject(json)); }

void Matches::add(const std::string& capability, double score, Poco::JSON::Object::Ptr arguments,
                  const std::vector<std::string>& names) {
    auto m = newObject();
    m->set("capability", capability);
    m->set("arguments", arguments ? arguments : newObject());
    m->set("score", rounded(std::clamp(score, 0.0, 1.0), 3));
    if (!names.empty()) {
        Poco::JSON::Array::Ptr n = new Poco::JSON::Array;
        for (const auto& name : names) n->add(name);
        m->set("names", n);
    }
    list_->add(m);
}

std::string Matches::json() const {
    auto out = newObject();
    out->set("matches", list_);
    return toJson(out);
}

Outcome Outcome::fromObject(const Poco::JSON::Object::Ptr& o) {
    Outcome out;
    out.capability = stringOf(o, "capability");
    out.arguments = objectOf(o, "arguments");
    out.status = stringOf(o, "status");
    if (o && o->has("result") && o->get("result").type() == typeid(Poco::JSON::Object::Ptr)) {
        out.result = o->getObject("result");
    }
    out.error = stringOf(o, "error");
    return out;
}

SummaryRequest SummaryRequest::parse(std::string_view json) {
    auto o = parseObject(json);
    return SummaryRequest{questionOf(o), Outcome::fromObject(o)};
}

std::string summary(const std::string& text, bool found, Poco::JSON::Object::Ptr subject) {
    auto out = newObject();
    out->set("text", text);
    out->set("found", found);
    if (subject) out->set("subject", subject);
    return toJson(out);
}

const Outcome* CheckResults::find(const std::string& capability) const {
    for (const auto& r : results) {
        if (r.capability == capability) return &r;
    }
    return nullptr;
}

CheckResults CheckResults::parse(std::string_view json) {
    auto list = arrayOf(parseObject(json), "results");
    CheckResults out;
    for (size_t i = 0; i < list->size(); ++i) {
        if (list->get(i).type() == typeid(Poco::JSON::Object::Ptr)) {
            out.results.push_back(Outcome::fromObject(list->getObject(static_cast<unsigned>(i))));
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
