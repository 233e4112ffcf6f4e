// Thin helpers over Poco::JSON: parsing with readable errors, typed access, compact output.
#pragma once

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "common/JsonText.h"

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
// Compact JSON text written member by member, without building a document first (hot paths).
using Writer = ha_plugins::JsonWriter;

// Checks one document as parse() does and returns it compact (numbers and escapes as
// stringify() writes them, members in their order), without building it. Throws JsonError.
std::string condense(const std::string& text);
// A value stringify() writes as condense(text): for a document the host only passes on (a
// plugin's result on its way to a response, a model, an answer), which is then never built.
// isObject/asObject/isArray/asArray (and getObject/getArray) read it as the document it is,
// parsing it on that first look. Throws JsonError.
Var verbatim(const std::string& text);

bool isObject(const Var& v);  // also a verbatim() object
bool isArray(const Var& v);   // also a verbatim() array
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
