#include "common/JsonText.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <sstream>
#include <vector>

namespace ha_plugins {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;
using Var = Poco::Dynamic::Var;

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
    } else if (type == typeid(VerbatimJson)) {
        const std::string& text = *v.extract<VerbatimJson>().text;
        out.RawValue(text.data(), text.size(), rapidjson::kObjectType);
    } else if (type == typeid(Object)) {
        writeObject(out, v.extract<Object>());
    } else if (type == typeid(Array)) {
        writeArray(out, v.extract<Array>());
    } else {
        writeAsPoco(out, v);
    }
}

// A JSON number, as the text RapidJSON has checked (grammar, exponent range) denotes it: an
// integer that fits Int64 or UInt64 as one, anything else the nearest double. from_chars reads
// exactly; RapidJSON's own conversion is off by a unit in the last place for some numbers (so a
// number passed on changed its last digit, and condense() read back differently from parse()),
// and its full-precision mode counts the leading zero bits of 0 for "0e300" (both fuzz findings).
struct Number {
    enum class Kind { Signed, Unsigned, Real } kind = Kind::Real;
    int64_t i = 0;
    uint64_t u = 0;
    double d = 0;
};

// Whether a number from_chars found out of range is too large (else too small): the power of ten
// of its first non-zero digit plus its exponent.
bool beyondLargest(std::string_view text) {
    const size_t e = std::min(text.find_first_of("eE"), text.size());
    const std::string_view significand = text.substr(0, e);
    const size_t point = std::min(significand.find('.'), significand.size());
    const size_t first = significand.find_first_of("123456789");
    if (first == std::string_view::npos) return false;  // zero
    const long magnitude = first < point ? static_cast<long>(point - first) - 1 : -static_cast<long>(first - point);
    long exponent = 0;
    if (e < text.size()) {
        const char* from = text.data() + e + 1;
        const bool negative = *from == '-';
        if (*from == '+' || negative) ++from;
        if (std::from_chars(from, text.data() + text.size(), exponent).ec != std::errc()) exponent = 1'000'000'000;
        if (negative) exponent = -exponent;
    }
    return magnitude + exponent > 0;
}

Number readNumber(std::string_view text) {
    Number n;
    const char* end = text.data() + text.size();
    if (text.find_first_of(".eE") == std::string_view::npos) {
        if (std::from_chars(text.data(), end, n.i).ec == std::errc()) {
            n.kind = Number::Kind::Signed;
            return n;
        }
        if (text.front() != '-' && std::from_chars(text.data(), end, n.u).ec == std::errc()) {
            n.kind = Number::Kind::Unsigned;
            return n;
        }
    }
    if (std::from_chars(text.data(), end, n.d).ec == std::errc::result_out_of_range) {
        const double limit = beyondLargest(text) ? std::numeric_limits<double>::infinity() : 0.0;
        n.d = text.front() == '-' ? -limit : limit;
    }
    return n;
}

// SAX events straight into the writer: the document is checked and condensed in one pass.
class Condenser : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Condenser> {
public:
    Condenser(TextWriter& out, int maxDepth) : out_(out), maxDepth_(maxDepth) {}

    bool Null() { return out_.Null(); }
    bool Bool(bool b) { return out_.Bool(b); }
    bool Int(int i) { return out_.Int(i); }
    bool Uint(unsigned u) { return out_.Uint(u); }
    bool Int64(int64_t i) { return out_.Int64(i); }
    bool Uint64(uint64_t u) { return out_.Uint64(u); }
    bool Double(double d) {
        writeDouble(out_, d);
        return true;
    }
    bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
        const Number number = readNumber(std::string_view(s, n));
        switch (number.kind) {
        case Number::Kind::Signed: return out_.Int64(number.i);
        case Number::Kind::Unsigned: return out_.Uint64(number.u);
        case Number::Kind::Real: return Double(number.d);
        }
        return false;
    }
    bool String(const char* s, rapidjson::SizeType n, bool) { return out_.String(s, n); }
    bool Key(const char* s, rapidjson::SizeType n, bool) { return out_.Key(s, n); }
    bool StartObject() { return open() && out_.StartObject(); }
    bool EndObject(rapidjson::SizeType n) {
        --depth_;
        return out_.EndObject(n);
    }
    bool StartArray() { return open() && out_.StartArray(); }
    bool EndArray(rapidjson::SizeType n) {
        --depth_;
        return out_.EndArray(n);
    }

    bool tooDeep() const { return tooDeep_; }

private:
    bool open() {
        if (depth_ >= maxDepth_) {
            tooDeep_ = true;
            return false;
        }
        ++depth_;
        return true;
    }

    TextWriter& out_;
    int maxDepth_;
    int depth_ = 0;
    bool tooDeep_ = false;
};

// SAX events into Poco documents: the same value types Poco's parser makes (integers as Int64,
// UInt64 above its range; other numbers double; null as an empty Var; objects sorted by name).
class DocumentBuilder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, DocumentBuilder> {
public:
    explicit DocumentBuilder(int maxDepth) : maxDepth_(maxDepth) {}

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
    bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
        const Number number = readNumber(std::string_view(s, n));
        switch (number.kind) {
        case Number::Kind::Signed: return Int64(number.i);
        case Number::Kind::Unsigned: return Uint64(number.u);
        case Number::Kind::Real: return Double(number.d);
        }
        return false;
    }
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
        Array::Ptr a = new Array();
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
        if (static_cast<int>(stack_.size()) >= maxDepth_) {
            tooDeep_ = true;
            return false;
        }
        return put(std::move(container));
    }
    bool close() {
        stack_.pop_back();
        return true;
    }

    int maxDepth_;
    std::vector<Frame> stack_;
    std::string key_;  // the member being read: every value takes it at once
    Var result_;
    bool tooDeep_ = false;
};

// Numbers as their text, read by readNumber().
constexpr unsigned kParseFlags =
    rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag | rapidjson::kParseNumbersAsStringsFlag;

// One checked pass of RapidJSON's reader over the text into `handler` (syntax, UTF-8; the depth
// cap is the handler's). Iterative: no recursion however deep the input.
template <typename Handler>
bool readJson(std::string_view text, Handler& handler, JsonTextFailure& failure) {
    rapidjson::Reader reader;
    // A memory stream, not a string stream: RapidJSON's UTF-8 check takes a sequence's
    // continuation bytes before judging them, so a truncated sequence at the end would read past
    // a NUL terminator; a memory stream answers '\0' at its end instead (found by fuzzing).
    rapidjson::MemoryStream in(text.data(), text.size());
    const rapidjson::ParseResult ok =
        reader.Parse<kParseFlags>(in, handler);
    if (!ok) {
        failure.tooDeep = handler.tooDeep();
        failure.message = rapidjson::GetParseError_En(ok.Code());
        failure.offset = ok.Offset();
        return false;
    }
    // The reader stops at a NUL byte; text after it is not part of the document.
    if (in.Tell() < text.size()) {
        failure.nulByte = true;
        failure.offset = in.Tell();
        return false;
    }
    return true;
}

// RapidJSON's SAX events to a JsonEvents, with the depth cap.
class EventsAdapter : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, EventsAdapter> {
public:
    EventsAdapter(JsonEvents& events, int maxDepth) : events_(events), maxDepth_(maxDepth) {}

    bool Null() { return events_.null(); }
    bool Bool(bool b) { return events_.boolean(b); }
    bool RawNumber(const char* s, rapidjson::SizeType n, bool) { return events_.number(std::string_view(s, n)); }
    bool String(const char* s, rapidjson::SizeType n, bool) { return events_.string(std::string_view(s, n)); }
    bool Key(const char* s, rapidjson::SizeType n, bool) { return events_.key(std::string_view(s, n)); }
    bool StartObject() { return open() && events_.startObject(); }
    bool EndObject(rapidjson::SizeType) {
        --depth_;
        return events_.endObject();
    }
    bool StartArray() { return open() && events_.startArray(); }
    bool EndArray(rapidjson::SizeType) {
        --depth_;
        return events_.endArray();
    }
    bool tooDeep() const { return tooDeep_; }

private:
    bool open() {
        if (++depth_ > maxDepth_) tooDeep_ = true;
        return !tooDeep_;
    }

    JsonEvents& events_;
    int maxDepth_;
    int depth_ = 0;
    bool tooDeep_ = false;
};

}  // namespace

bool readJsonEvents(std::string_view text, int maxDepth, JsonEvents& events, JsonTextFailure& failure) {
    EventsAdapter adapter(events, maxDepth);
    return readJson(text, adapter, failure);
}

bool condenseJson(std::string_view text, int maxDepth, std::string& out, JsonTextFailure& failure) {
    rapidjson::StringBuffer buffer;
    TextWriter writer(buffer);
    Condenser condenser(writer, maxDepth);
    if (!readJson(text, condenser, failure)) return false;
    out.assign(buffer.GetString(), buffer.GetSize());
    return true;
}

bool parseJson(std::string_view text, int maxDepth, Var& out, JsonTextFailure& failure) {
    DocumentBuilder builder(maxDepth);
    if (!readJson(text, builder, failure)) return false;
    out = std::move(builder.result());
    return true;
}

std::string describe(const JsonTextFailure& failure, int maxDepth) {
    if (failure.tooDeep) return "nesting deeper than " + std::to_string(maxDepth) + " levels";
    if (failure.nulByte) return "NUL byte in the document";
    return failure.message + " (at byte " + std::to_string(failure.offset) + ")";
}

struct JsonWriter::State {
    rapidjson::StringBuffer buffer;
    TextWriter out{buffer};
};

JsonWriter::JsonWriter() : state_(std::make_unique<State>()) {}
JsonWriter::~JsonWriter() = default;

JsonWriter& JsonWriter::startObject() {
    state_->out.StartObject();
    return *this;
}
JsonWriter& JsonWriter::endObject() {
    state_->out.EndObject();
    return *this;
}
JsonWriter& JsonWriter::startArray() {
    state_->out.StartArray();
    return *this;
}
JsonWriter& JsonWriter::endArray() {
    state_->out.EndArray();
    return *this;
}
JsonWriter& JsonWriter::key(std::string_view name) {
    state_->out.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    return *this;
}
JsonWriter& JsonWriter::string(std::string_view value) {
    state_->out.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
    return *this;
}
JsonWriter& JsonWriter::boolean(bool value) {
    state_->out.Bool(value);
    return *this;
}
JsonWriter& JsonWriter::null() {
    state_->out.Null();
    return *this;
}
JsonWriter& JsonWriter::integer(int64_t value) {
    state_->out.Int64(value);
    return *this;
}
JsonWriter& JsonWriter::number(double value) {
    writeDouble(state_->out, value);
    return *this;
}
JsonWriter& JsonWriter::rawNumber(std::string_view checkedText) {
    state_->out.RawValue(checkedText.data(), checkedText.size(), rapidjson::kNumberType);
    return *this;
}
JsonWriter& JsonWriter::value(const Var& value) {
    write(state_->out, value);
    return *this;
}

std::string JsonWriter::text() const { return std::string(state_->buffer.GetString(), state_->buffer.GetSize()); }

std::string jsonText(const Var& value) {
    rapidjson::StringBuffer buffer;
    TextWriter out(buffer);
    write(out, value);
    return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace ha_plugins
