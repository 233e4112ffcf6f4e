#include "util/Json.h"

// RapidJSON (Debian's rapidjson-dev) reads and writes the text, through plugins/common/JsonText
// (a library of its own that links nothing of either side), so host and plugins share one reader
// and one writer; the documents stay Poco's, so callers keep Poco::JSON objects. Poco's own
// parser and stringifier were half of the cost of a tool call (stream formatting, a Var copy
// per member).
#include "common/JsonText.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Stringifier.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <vector>

namespace ha::json {

Object::Ptr object() { return new Object(Poco::JSON_PRESERVE_KEY_ORDER); }

Array::Ptr array() { return new Array(); }

namespace {

constexpr int kMaxDepth = 64;
constexpr const char* kTooDeep = "invalid JSON: nesting deeper than 64 levels";
constexpr const char* kNulByte = "invalid JSON: NUL byte in the document";

std::string syntaxError(const std::string& what, size_t offset) {
    return "invalid JSON: " + what + " (at byte " + std::to_string(offset) + ")";
}

// The host's words for a text the shared reader refused.
[[noreturn]] void refuse(const ha_plugins::JsonTextFailure& failure) {
    if (failure.tooDeep) throw JsonError(kTooDeep);
    if (failure.nulByte) throw JsonError(kNulByte);
    throw JsonError(syntaxError(failure.message, failure.offset));
}

}  // namespace

Var parse(const std::string& text) {
    if (text.empty()) throw JsonError("invalid JSON: empty document");
    Var out;
    ha_plugins::JsonTextFailure failure;
    if (!ha_plugins::parseJson(text, kMaxDepth, out, failure)) refuse(failure);
    return out;
}

std::string condense(const std::string& text) {
    if (text.empty()) throw JsonError("invalid JSON: empty document");
    std::string out;
    ha_plugins::JsonTextFailure failure;
    if (!ha_plugins::condenseJson(text, kMaxDepth, out, failure)) refuse(failure);
    return out;
}

Var verbatim(const std::string& text) {
    return Var(ha_plugins::VerbatimJson{std::make_shared<const std::string>(condense(text))});
}

Object::Ptr parseObject(const std::string& text) {
    Object::Ptr o = asObject(parse(text));
    if (!o) throw JsonError("expected a JSON object");
    return o;
}

std::string stringify(const Var& value) { return ha_plugins::jsonText(value); }

namespace {
// The condensed text of a verbatim() value, or null.
const std::string* verbatimText(const Var& v) {
    return v.type() == typeid(ha_plugins::VerbatimJson) ? v.extract<ha_plugins::VerbatimJson>().text.get() : nullptr;
}
}  // namespace

bool isObject(const Var& v) {
    if (const std::string* text = verbatimText(v)) return text->front() == '{';
    return v.type() == typeid(Object::Ptr);
}

bool isArray(const Var& v) {
    if (const std::string* text = verbatimText(v)) return text->front() == '[';
    return v.type() == typeid(Array::Ptr);
}

Object::Ptr asObject(const Var& v) {
    if (const std::string* text = verbatimText(v)) return text->front() == '{' ? asObject(parse(*text)) : Object::Ptr();
    return isObject(v) ? v.extract<Object::Ptr>() : Object::Ptr();
}

Array::Ptr asArray(const Var& v) {
    if (const std::string* text = verbatimText(v)) return text->front() == '[' ? asArray(parse(*text)) : Array::Ptr();
    return isArray(v) ? v.extract<Array::Ptr>() : Array::Ptr();
}

namespace {
std::optional<Var> member(const Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key)) return std::nullopt;
    Var v = o->get(key);
    if (v.isEmpty()) return std::nullopt;
    return v;
}
}  // namespace

std::optional<std::string> getString(const Object::Ptr& o, const std::string& key) {
    auto v = member(o, key);
    if (!v || !v->isString()) return std::nullopt;
    return v->extract<std::string>();
}

std::optional<int64_t> getInt(const Object::Ptr& o, const std::string& key) {
    auto v = member(o, key);
    if (!v || !v->isInteger()) return std::nullopt;
    try {
        return v->convert<int64_t>();
    } catch (const Poco::Exception&) {
        return std::nullopt;  // out of range (huge unsigned)
    }
}

std::optional<double> getNumber(const Object::Ptr& o, const std::string& key) {
    auto v = member(o, key);
    if (!v || !v->isNumeric() || v->isBoolean()) return std::nullopt;
    return v->convert<double>();
}

std::optional<bool> getBool(const Object::Ptr& o, const std::string& key) {
    auto v = member(o, key);
    if (!v || !v->isBoolean()) return std::nullopt;
    return v->convert<bool>();
}

Object::Ptr getObject(const Object::Ptr& o, const std::string& key) {
    auto v = member(o, key);
    return v ? asObject(*v) : Object::Ptr();
}

Array::Ptr getArray(const Object::Ptr& o, const std::string& key) {
    auto v = member(o, key);
    return v ? asArray(*v) : Array::Ptr();
}

}  // namespace ha::json
