#include "util/Json.h"

// The one RapidJSON writer, shared with the plugins (plugins/common/JsonText: a library of its
// own that links nothing of either side).
#include "common/JsonText.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Stringifier.h>

// RapidJSON (Debian's rapidjson-dev) reads and writes the text; the documents stay Poco's, so
// callers keep Poco::JSON objects. Poco's own parser and stringifier were half of the cost of a
// tool call (stream formatting, a Var copy per member).
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

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

// SAX events into Poco documents: the same value types Poco's parser makes (integers as Int64,
// UInt64 above its range; other numbers double; null as an empty Var; objects sorted by name).
class DocumentBuilder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, DocumentBuilder> {
public:
    bool Null() { return put(Var()); }
    bool Bool(bool b) { return put(Var(b)); }
    bool Int(int i) { return put(Var(static_cast<Poco::Int64>(i))); }
    bool Uint(unsigned u) { return put(Var(static_cast<Poco::Int64>(u))); }
    bool Int64(int64_t i) { return put(Var(static_cast<Poco::Int64>(i))); }
    bool Uint64(uint64_t u) {
        if (u <= static_cast<uint64_t>(std::numeric_limits<Poco::Int64>::max())) {
            return put(Var(static_cast<Poco::Int64>(u)));
        }
        return put(Var(static_cast<Poco::UInt64>(u)));
    }
    bool Double(double d) { return put(Var(d)); }
    bool String(const char* s, rapidjson::SizeType n, bool) { return put(Var(std::string(s, n))); }
    bool Key(const char* s, rapidjson::SizeType n, bool) {
        key_.assign(s, n);
        return true;
    }
    bool StartObject() {
        Object::Ptr o = new Object();  // as Poco's parser: members kept sorted by name
        if (!open(Var(o))) return false;
        stack_.push_back(Frame{o, nullptr});
        return true;
    }
    bool EndObject(rapidjson::SizeType) { return close(); }
    bool StartArray() {
        Array::Ptr a = array();
        if (!open(Var(a))) return false;
        stack_.push_back(Frame{nullptr, a});
        return true;
    }
    bool EndArray(rapidjson::SizeType) { return close(); }

    bool tooDeep() const { return tooDeep_; }
    Var& result() { return result_; }

private:
    struct Frame {
        Object::Ptr object;
        Array::Ptr array;
    };

    bool put(Var&& v) {
        if (stack_.empty()) {
            result_ = std::move(v);
        } else if (Frame& f = stack_.back(); f.object) {
            f.object->set(key_, v);
        } else {
            f.array->add(v);
        }
        return true;
    }
    bool open(Var&& container) {
        if (static_cast<int>(stack_.size()) >= kMaxDepth) {
            tooDeep_ = true;
            return false;
        }
        return put(std::move(container));
    }
    bool close() {
        stack_.pop_back();
        return true;
    }

    std::vector<Frame> stack_;
    std::string key_;  // the member being read: every value takes it at once
    Var result_;
    bool tooDeep_ = false;
};

}  // namespace

Var parse(const std::string& text) {
    if (text.empty()) throw JsonError("invalid JSON: empty document");
    DocumentBuilder builder;
    rapidjson::Reader reader;
    // A memory stream, not a string stream: RapidJSON's UTF-8 check takes a sequence's
    // continuation bytes before judging them, so a truncated sequence at the end would read past
    // a NUL terminator; a memory stream answers '\0' at its end instead (found by fuzzing).
    rapidjson::MemoryStream in(text.data(), text.size());
    // Iterative: no recursion however deep the input; the depth cap is the builder's.
    const rapidjson::ParseResult ok =
        reader.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(in, builder);
    if (!ok) {
        if (builder.tooDeep()) throw JsonError(kTooDeep);
        throw JsonError(syntaxError(rapidjson::GetParseError_En(ok.Code()), ok.Offset()));
    }
    // The reader stops at a NUL byte; text after it is not part of the document.
    if (in.Tell() < text.size()) throw JsonError(kNulByte);
    return std::move(builder.result());
}

std::string condense(const std::string& text) {
    if (text.empty()) throw JsonError("invalid JSON: empty document");
    std::string out;
    ha_plugins::CondenseFailure failure;
    if (ha_plugins::condenseJson(text, kMaxDepth, out, failure)) return out;
    if (failure.tooDeep) throw JsonError(kTooDeep);
    if (failure.nulByte) throw JsonError(kNulByte);
    throw JsonError(syntaxError(failure.message, failure.offset));
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
