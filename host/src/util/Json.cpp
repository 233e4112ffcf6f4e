#include "util/Json.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

namespace ha::json {

Object::Ptr object() { return new Object(Poco::JSON_PRESERVE_KEY_ORDER); }

Array::Ptr array() { return new Array(); }

Var parse(const std::string& text) {
    Poco::JSON::Parser parser;
    parser.setDepth(64);
    try {
        return parser.parse(text);
    } catch (const Poco::Exception& e) {
        // Poco's messages sometimes quote raw bytes; keep them printable.
        std::string msg = e.message().empty() ? e.displayText() : e.message();
        for (char& c : msg) {
            if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F) c = '?';
        }
        if (text.empty()) msg = "empty document";
        throw JsonError("invalid JSON: " + msg);
    } catch (const std::exception& e) {
        throw JsonError(std::string("invalid JSON: ") + e.what());
    }
}

Object::Ptr parseObject(const std::string& text) {
    Object::Ptr o = asObject(parse(text));
    if (!o) throw JsonError("expected a JSON object");
    return o;
}

std::string stringify(const Var& value) {
    std::ostringstream out;
    Poco::JSON::Stringifier::condense(value, out);
    return out.str();
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
