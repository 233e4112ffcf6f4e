// Lenient reads of a Poco JSON object's members for the in-tree plugins' wording: a missing,
// null or mistyped member reads as the fallback, so a summary never throws on odd data.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <string>

namespace ha_plugins::json_read {

inline bool present(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    return o && o->has(key) && !o->get(key).isEmpty();
}
inline double number(const Poco::JSON::Object::Ptr& o, const std::string& key, double fallback = 0.0) {
    if (!present(o, key)) return fallback;
    const auto v = o->get(key);
    return v.isNumeric() && !v.isBoolean() ? v.convert<double>() : fallback;
}
inline int64_t integer(const Poco::JSON::Object::Ptr& o, const std::string& key, int64_t fallback = 0) {
    if (!present(o, key)) return fallback;
    const auto v = o->get(key);
    return v.isNumeric() && !v.isBoolean() ? static_cast<int64_t>(v.convert<double>()) : fallback;
}
inline uint64_t count(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    const double v = number(o, key);
    return v > 0 ? static_cast<uint64_t>(v) : 0;
}
inline std::string string(const Poco::JSON::Object::Ptr& o, const std::string& key, const std::string& fallback = "") {
    if (!present(o, key) || !o->get(key).isString()) return fallback;
    return o->get(key).extract<std::string>();
}
inline bool flag(const Poco::JSON::Object::Ptr& o, const std::string& key, bool fallback = false) {
    if (!present(o, key) || !o->get(key).isBoolean()) return fallback;
    return o->get(key).extract<bool>();
}
inline Poco::JSON::Object::Ptr object(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    if (!present(o, key) || o->get(key).type() != typeid(Poco::JSON::Object::Ptr)) return nullptr;
    return o->getObject(key);
}
inline Poco::JSON::Array::Ptr array(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    if (!present(o, key) || o->get(key).type() != typeid(Poco::JSON::Array::Ptr)) return new Poco::JSON::Array;
    return o->getArray(key);
}
inline Poco::JSON::Object::Ptr objectAt(const Poco::JSON::Array::Ptr& a, size_t i) {
    if (!a || i >= a->size() || a->get(static_cast<unsigned>(i)).type() != typeid(Poco::JSON::Object::Ptr)) return nullptr;
    return a->getObject(static_cast<unsigned>(i));
}

}  // namespace ha_plugins::json_read
