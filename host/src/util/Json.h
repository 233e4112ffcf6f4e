// Thin helpers over Poco::JSON: parsing with readable errors, typed access, compact output.
#pragma once

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace ha::json {

using Poco::JSON::Array;
using Poco::JSON::Object;
using Var = Poco::Dynamic::Var;

// Invalid JSON text or a document of the wrong shape.
class JsonError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// New object that keeps keys in insertion order (stable output, readable audit lines).
Object::Ptr object();
Array::Ptr array();

// Parses one JSON document (nesting depth <= 64). Throws JsonError.
Var parse(const std::string& text);
// Parses a document that must be an object. Throws JsonError.
Object::Ptr parseObject(const std::string& text);

// Compact JSON text.
std::string stringify(const Var& value);

bool isObject(const Var& v);
bool isArray(const Var& v);
Object::Ptr asObject(const Var& v);  // nullptr unless an object
Array::Ptr asArray(const Var& v);    // nullptr unless an array

// Typed member access; std::nullopt when the member is missing, null or of another type.
std::optional<std::string> getString(const Object::Ptr& o, const std::string& key);
std::optional<int64_t> getInt(const Object::Ptr& o, const std::string& key);
std::optional<double> getNumber(const Object::Ptr& o, const std::string& key);
std::optional<bool> getBool(const Object::Ptr& o, const std::string& key);
Object::Ptr getObject(const Object::Ptr& o, const std::string& key);
Array::Ptr getArray(const Object::Ptr& o, const std::string& key);

}  // namespace ha::json
