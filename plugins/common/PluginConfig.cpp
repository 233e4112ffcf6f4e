#include "common/PluginConfig.h"

#include "common/JsonText.h"

#include <homelab_assistant/plugin.hpp>

#include <Poco/JSON/Stringifier.h>

#include <cmath>
#include <sstream>

namespace ha_plugins {

using homelab_assistant::Error;

PluginConfig::PluginConfig(const std::string& json) {
    constexpr int kMaxDepth = 64;
    Poco::Dynamic::Var v;
    JsonTextFailure failure;
    if (!parseJson(json.empty() ? std::string_view("{}") : std::string_view(json), kMaxDepth, v, failure)) {
        throw Error(HA_ERR_INVALID_ARGUMENT, "configuration is not valid JSON: " + describe(failure, kMaxDepth));
    }
    if (v.type() != typeid(Poco::JSON::Object::Ptr)) throw Error(HA_ERR_INVALID_ARGUMENT, "configuration must be a JSON object");
    object_ = v.extract<Poco::JSON::Object::Ptr>();
}

std::string PluginConfig::string(const std::string& key, const std::string& fallback) const {
    if (!object_->has(key) || object_->get(key).isEmpty()) return fallback;
    const auto v = object_->get(key);
    if (!v.isString()) throw Error(HA_ERR_INVALID_ARGUMENT, "'" + key + "' must be a string");
    return v.extract<std::string>();
}

int64_t PluginConfig::integer(const std::string& key, int64_t fallback, int64_t min, int64_t max) const {
    if (!object_->has(key) || object_->get(key).isEmpty()) return fallback;
    const auto v = object_->get(key);
    int64_t n = 0;
    bool ok = v.isInteger();
    if (ok) {
        try {
            n = v.convert<int64_t>();
        } catch (const Poco::Exception&) {
            ok = false;
        }
    }
    if (!ok || n < min || n > max) {
        throw Error(HA_ERR_INVALID_ARGUMENT, "'" + key + "' must be an integer between " + std::to_string(min) +
                                                 " and " + std::to_string(max));
    }
    return n;
}

double PluginConfig::number(const std::string& key, double fallback, double min, double max) const {
    if (!object_->has(key) || object_->get(key).isEmpty()) return fallback;
    const auto v = object_->get(key);
    const double n = v.isNumeric() && !v.isBoolean() ? v.convert<double>() : min - 1;
    if (!(n >= min && n <= max)) {
        throw Error(HA_ERR_INVALID_ARGUMENT, "'" + key + "' must be a number between " + std::to_string(min) + " and " +
                                                 std::to_string(max));
    }
    return n;
}

bool PluginConfig::boolean(const std::string& key, bool fallback) const {
    if (!object_->has(key) || object_->get(key).isEmpty()) return fallback;
    const auto v = object_->get(key);
    if (!v.isBoolean()) throw Error(HA_ERR_INVALID_ARGUMENT, "'" + key + "' must be true or false");
    return v.convert<bool>();
}

std::vector<std::string> PluginConfig::strings(const std::string& key, const std::vector<std::string>& fallback) const {
    if (!object_->has(key) || object_->get(key).isEmpty()) return fallback;
    auto a = object_->getArray(key);
    if (!a) throw Error(HA_ERR_INVALID_ARGUMENT, "'" + key + "' must be a list of strings");
    std::vector<std::string> out;
    for (size_t i = 0; i < a->size(); ++i) {
        if (!a->get(i).isString()) throw Error(HA_ERR_INVALID_ARGUMENT, "'" + key + "' must be a list of strings");
        out.push_back(a->get(i).extract<std::string>());
    }
    return out;
}

std::string toJson(const Poco::JSON::Object::Ptr& object) { return jsonText(object); }

Poco::JSON::Object::Ptr newObject() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

double rounded(double value, int decimals) {
    if (!std::isfinite(value)) return 0.0;
    const double f = std::pow(10.0, decimals);
    return std::round(value * f) / f;
}

double percentOf(uint64_t part, uint64_t whole) {
    return whole == 0 ? 0.0 : rounded(static_cast<double>(part) * 100.0 / static_cast<double>(whole), 1);
}

}  // namespace ha_plugins
