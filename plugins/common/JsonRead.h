// Tolerant reads of JSON results for the in-tree plugins' wording (a capability's output handed
// back to summarize() and checks()): a missing, null or mistyped member reads as absent or as
// the fallback, so a summary never throws on odd data.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ha_plugins::json_read {

bool present(const Poco::JSON::Object::Ptr& o, const std::string& key);
// The string member, or fallback when absent or not a string.
std::string string(const Poco::JSON::Object::Ptr& o, const std::string& key, const std::string& fallback = "");
// The number member (integer or not), nullopt when absent or not a number.
std::optional<double> optionalNumber(const Poco::JSON::Object::Ptr& o, const std::string& key);
double number(const Poco::JSON::Object::Ptr& o, const std::string& key, double fallback = 0.0);
int64_t integer(const Poco::JSON::Object::Ptr& o, const std::string& key, int64_t fallback = 0);
// A non-negative count or size; 0 when absent or negative.
uint64_t count(const Poco::JSON::Object::Ptr& o, const std::string& key);
bool flag(const Poco::JSON::Object::Ptr& o, const std::string& key, bool fallback = false);
// The object member, or nullptr.
Poco::JSON::Object::Ptr object(const Poco::JSON::Object::Ptr& o, const std::string& key);
// The array member, or an empty array.
Poco::JSON::Array::Ptr array(const Poco::JSON::Object::Ptr& o, const std::string& key);
// The object at index i of an array, or nullptr.
Poco::JSON::Object::Ptr objectAt(const Poco::JSON::Array::Ptr& a, size_t i);
// The objects (or strings) of an array member, other elements skipped; empty when absent.
std::vector<Poco::JSON::Object::Ptr> objects(const Poco::JSON::Object::Ptr& o, const std::string& key);
std::vector<std::string> strings(const Poco::JSON::Object::Ptr& o, const std::string& key);

}  // namespace ha_plugins::json_read
