// Reads a plugin's JSON configuration (the config_json given to create()) with defaults and
// precise errors. Used by the in-tree plugins only.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <string_view>
#include <string>
#include <vector>

namespace ha_plugins {

class PluginConfig {
public:
    // Throws homelab_assistant::Error(HA_ERR_INVALID_ARGUMENT) unless json is an object.
    explicit PluginConfig(const std::string& json);

    std::string string(const std::string& key, const std::string& fallback) const;
    int64_t integer(const std::string& key, int64_t fallback, int64_t min, int64_t max) const;
    double number(const std::string& key, double fallback, double min, double max) const;
    bool boolean(const std::string& key, bool fallback) const;
    std::vector<std::string> strings(const std::string& key, const std::vector<std::string>& fallback) const;

    // Input of a call (already schema-checked by the host): same accessors over another object.
    static PluginConfig fromInput(std::string_view input) { return PluginConfig(std::string(input)); }

private:
    Poco::JSON::Object::Ptr object_;
};

// Compact JSON text of an object.
std::string toJson(const Poco::JSON::Object::Ptr& object);
// A new object that keeps keys in insertion order.
Poco::JSON::Object::Ptr newObject();
// Rounds to the given number of decimals (JSON output stays short).
double rounded(double value, int decimals);
// part / whole in percent with one decimal; 0 when whole is 0.
double percentOf(uint64_t part, uint64_t whole);
// A byte count as a JSON integer.
inline Poco::Int64 jsonInt(uint64_t v) { return static_cast<Poco::Int64>(v); }

}  // namespace ha_plugins
