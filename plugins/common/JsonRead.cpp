#include "common/JsonRead.h"

namespace ha_plugins::json_read {

bool present(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    return o && o->has(key) && !o->get(key).isEmpty();
}

std::string string(const Poco::JSON::Object::Ptr& o, const std::string& key, const std::string& fallback) {
    if (!present(o, key) || !o->get(key).isString()) return fallback;
    return o->get(key).extract<std::string>();
}

std::optional<double> optionalNumber(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    if (!present(o, key)) return std::nullopt;
    const auto v = o->get(key);
    if (!v.isNumeric() || v.isBoolean()) return std::nullopt;
    return v.convert<double>();
}

double number(const Poco::JSON::Object::Ptr& o, const std::string& key, double fallback) {
    return optionalNumber(o, key).value_or(fallback);
}

int64_t integer(const Poco::JSON::Object::Ptr& o, const std::string& key, int64_t fallback) {
    const auto v = optionalNumber(o, key);
    // Clamped: a value past int64 would be undefined behaviour to convert.
    if (!v || !(*v > -9.2e18 && *v < 9.2e18)) return fallback;
    return static_cast<int64_t>(*v);
}

uint64_t count(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    const double v = number(o, key);
    return v > 0 && v < 1.8e19 ? static_cast<uint64_t>(v) : 0;
}

bool flag(const Poco::JSON::Object::Ptr& o, const std::string& key, bool fallback) {
    if (!present(o, key) || !o->get(key).isBoolean()) return fallback;
    return o->get(key).extract<bool>();
}

Poco::JSON::Object::Ptr object(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    if (!present(o, key) || o->get(key).type() != typeid(Poco::JSON::Object::Ptr)) return nullptr;
    return o->getObject(key);
}

Poco::JSON::Array::Ptr array(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    if (!present(o, key) || o->get(key).type() != typeid(Poco::JSON::Array::Ptr)) return new Poco::JSON::Array;
    return o->getArray(key);
}

Poco::JSON::Object::Ptr objectAt(const Poco::JSON::Array::Ptr& a, size_t i) {
    if (!a || i >= a->size() || a->get(static_cast<unsigned>(i)).type() != typeid(Poco::JSON::Object::Ptr)) return nullptr;
    return a->getObject(static_cast<unsigned>(i));
}

std::vector<Poco::JSON::Object::Ptr> objects(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    std::vector<Poco::JSON::Object::Ptr> out;
    auto a = array(o, key);
    for (size_t i = 0; i < a->size(); ++i) {
        if (auto e = objectAt(a, i)) out.push_back(e);
    }
    return out;
}

std::vector<std::string> strings(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    std::vector<std::string> out;
    auto a = array(o, key);
    for (size_t i = 0; i < a->size(); ++i) {
        if (a->get(static_cast<unsigned>(i)).isString()) out.push_back(a->get(static_cast<unsigned>(i)).extract<std::string>());
    }
    return out;
}

}  // namespace ha_plugins::json_read
