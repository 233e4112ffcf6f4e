#include "common/JsonRead.h"

namespace ha_plugins::json {

namespace {
Poco::JSON::Array::Ptr array(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || o->get(key).type() != typeid(Poco::JSON::Array::Ptr)) return nullptr;
    return o->getArray(key);
}
}  // namespace

std::string str(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || !o->get(key).isString()) return "";
    return o->get(key).extract<std::string>();
}

std::optional<double> opt(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || !o->get(key).isNumeric() || o->get(key).isBoolean()) return std::nullopt;
    return o->get(key).convert<double>();
}

double num(const Poco::JSON::Object::Ptr& o, const std::string& key) { return opt(o, key).value_or(0.0); }

bool flag(const Poco::JSON::Object::Ptr& o, const std::string& key, bool fallback) {
    if (!o || !o->has(key) || !o->get(key).isBoolean()) return fallback;
    return o->get(key).convert<bool>();
}

Poco::JSON::Object::Ptr obj(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || o->get(key).type() != typeid(Poco::JSON::Object::Ptr)) return nullptr;
    return o->getObject(key);
}

std::vector<Poco::JSON::Object::Ptr> objects(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    std::vector<Poco::JSON::Object::Ptr> out;
    auto a = array(o, key);
    for (size_t i = 0; a && i < a->size(); ++i) {
        if (a->get(i).type() == typeid(Poco::JSON::Object::Ptr)) out.push_back(a->getObject(static_cast<unsigned>(i)));
    }
    return out;
}

std::vector<std::string> strings(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    std::vector<std::string> out;
    auto a = array(o, key);
    for (size_t i = 0; a && i < a->size(); ++i) {
        if (a->get(i).isString()) out.push_back(a->get(i).extract<std::string>());
    }
    return out;
}

}  // namespace ha_plugins::json
