#include "util/Json.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Stringifier.h>

// RapidJSON (Debian's rapidjson-dev) reads and writes the text; the documents stay Poco's, so
// callers keep Poco::JSON objects. Poco's own parser and stringifier were half of the cost of a
// tool call (stream formatting, a Var copy per member).
#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

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

using TextWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void write(TextWriter& out, const Var& v);

void writeString(TextWriter& out, const std::string& s) {
    out.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

// Poco's shortest form: an integral double without ".0", non-finite numbers (not JSON) as null.
void writeDouble(TextWriter& out, double d) {
    if (!std::isfinite(d)) {
        out.Null();
        return;
    }
    if (d == std::trunc(d) && std::fabs(d) < 1e15) {
        out.Int64(static_cast<int64_t>(d));
        return;
    }
    out.Double(d);
}

void writeObject(TextWriter& out, const Object& o) {
    // Members in insertion order without copying a Var: the map is sorted by key, so each name
    // of the ordered list is found by binary search among pointers into it.
    std::vector<const Object::ValueType*> members;
    members.reserve(o.size());
    for (const auto& m : o) members.push_back(&m);
    Object::NameList names;
    o.getNames(names);
    out.StartObject();
    for (const std::string& name : names) {
        auto it = std::lower_bound(members.begin(), members.end(), name,
                                   [](const Object::ValueType* m, const std::string& k) { return m->first < k; });
        if (it == members.end() || (*it)->first != name) continue;
        writeString(out, name);
        write(out, (*it)->second);
    }
    out.EndObject();
}

void writeArray(TextWriter& out, const Array& a) {
    out.StartArray();
    for (const Var& v : a) write(out, v);
    out.EndArray();
}

// Anything else (dates, Poco::Dynamic structs, floats) as Poco writes it.
void writeAsPoco(TextWriter& out, const Var& v) {
    std::ostringstream text;
    Poco::JSON::Stringifier::condense(v, text);
    const std::string s = text.str();
    out.RawValue(s.data(), s.size(), rapidjson::kStringType);
}

void write(TextWriter& out, const Var& v) {
    const std::type_info& type = v.type();
    if (type == typeid(std::string)) {
        writeString(out, v.extract<std::string>());
    } else if (type == typeid(Object::Ptr)) {
        const Object::Ptr& o = v.extract<Object::Ptr>();
        if (o) writeObject(out, *o); else out.Null();
    } else if (type == typeid(Array::Ptr)) {
        const Array::Ptr& a = v.extract<Array::Ptr>();
        if (a) writeArray(out, *a); else out.Null();
    } else if (v.isEmpty()) {
        out.Null();
    } else if (type == typeid(bool)) {
        out.Bool(v.extract<bool>());
    } else if (type == typeid(double)) {
        writeDouble(out, v.extract<double>());
    } else if (type == typeid(char)) {
        writeString(out, std::string(1, v.extract<char>()));
    } else if (v.isInteger()) {
        if (v.isSigned()) out.Int64(v.convert<Poco::Int64>()); else out.Uint64(v.convert<Poco::UInt64>());
    } else if (type == typeid(Object)) {
        writeObject(out, v.extract<Object>());
    } else if (type == typeid(Array)) {
        writeArray(out, v.extract<Array>());
    } else {
        writeAsPoco(out, v);
    }
}

}  // namespace

Var parse(const std::string& text) {
    if (text.empty()) throw JsonError("invalid JSON: empty document");
    DocumentBuilder builder;
    rapidjson::Reader reader;
    rapidjson::StringStream in(text.c_str());
    // Iterative: no recursion however deep the input; the depth cap is the builder's.
    const rapidjson::ParseResult ok =
        reader.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(in, builder);
    if (!ok) {
        if (builder.tooDeep()) throw JsonError("invalid JSON: nesting deeper than 64 levels");
        throw JsonError(std::string("invalid JSON: ") + rapidjson::GetParseError_En(ok.Code()) + " (at byte " +
                        std::to_string(ok.Offset()) + ")");
    }
    // The reader stops at a NUL byte; text after it is not part of the document.
    if (in.Tell() < text.size()) throw JsonError("invalid JSON: NUL byte in the document");
    return std::move(builder.result());
}

Object::Ptr parseObject(const std::string& text) {
    Object::Ptr o = asObject(parse(text));
    if (!o) throw JsonError("expected a JSON object");
    return o;
}

std::string stringify(const Var& value) {
    rapidjson::StringBuffer buffer;
    TextWriter out(buffer);
    write(out, value);
    return std::string(buffer.GetString(), buffer.GetSize());
}

bool isObject(const Var& v) { return v.type() == typeid(Object::Ptr); }

bool isArray(const Var& v) { return v.type() == typeid(Array::Ptr); }

Object::Ptr asObject(const Var& v) { return isObject(v) ? v.extract<Object::Ptr>() : Object::Ptr(); }

Array::Ptr asArray(const Var& v) { return isArray(v) ? v.extract<Array::Ptr>() : Array::Ptr(); }

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
