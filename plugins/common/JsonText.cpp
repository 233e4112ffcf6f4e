#include "common/JsonText.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>

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
    } else if (type == typeid(Object)) {
        writeObject(out, v.extract<Object>());
    } else if (type == typeid(Array)) {
        writeArray(out, v.extract<Array>());
    } else {
        writeAsPoco(out, v);
    }
}

}  // namespace

std::string jsonText(const Var& value) {
    rapidjson::StringBuffer buffer;
    TextWriter out(buffer);
    write(out, value);
    return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace ha_plugins
