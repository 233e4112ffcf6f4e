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
#include <cmath>
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

}  // namespace

bool condenseJson(std::string_view text, int maxDepth, std::string& out, CondenseFailure& failure) {
    rapidjson::StringBuffer buffer;
    TextWriter writer(buffer);
    Condenser condenser(writer, maxDepth);
    rapidjson::Reader reader;
    // A memory stream: a UTF-8 sequence cut at the end is never read past the text.
    rapidjson::MemoryStream in(text.data(), text.size());
    const rapidjson::ParseResult ok =
        reader.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(in, condenser);
    if (!ok) {
        failure.tooDeep = condenser.tooDeep();
        failure.message = rapidjson::GetParseError_En(ok.Code());
        failure.offset = ok.Offset();
        return false;
    }
    if (in.Tell() < text.size()) {
        failure.nulByte = true;
        failure.offset = in.Tell();
        return false;
    }
    out.assign(buffer.GetString(), buffer.GetSize());
    return true;
}

std::string jsonText(const Var& value) {
    rapidjson::StringBuffer buffer;
    TextWriter out(buffer);
    write(out, value);
    return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace ha_plugins
