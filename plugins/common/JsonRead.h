// Tolerant reads of JSON results (a capability's output handed back to summarize() and
// checks()): a missing member or one of another type reads as absent, never throws.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <vector>

namespace ha_plugins::json {

// The string member, "" when absent or not a string.
std::string str(const Poco::JSON::Object::Ptr& o, const std::string& key);
// The number member (integer or not), nullopt when absent or not a number.
std::optional<double> opt(const Poco::JSON::Object::Ptr& o, const std::string& key);
// opt() or 0.
double num(const Poco::JSON::Object::Ptr& o, const std::string& key);
// The boolean member, or fallback.
bool flag(const Poco::JSON::Object::Ptr& o, const std::string& key, bool fallback = false);
// The object member, or nullptr.
Poco::JSON::Object::Ptr obj(const Poco::JSON::Object::Ptr& o, const std::string& key);
// The objects of an array member (other elements skipped); empty when absent.
std::vector<Poco::JSON::Object::Ptr> objects(const Poco::JSON::Object::Ptr& o, const std::string& key);
// The strings of an array member (other elements skipped); empty when absent.
std::vector<std::string> strings(const Poco::JSON::Object::Ptr& o, const std::string& key);

}  // namespace ha_plugins::json
