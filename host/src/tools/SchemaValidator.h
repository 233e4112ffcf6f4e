// The subset of JSON Schema that tool inputs use: type (string or list), properties, required,
// additionalProperties (boolean), enum, minimum/maximum, minLength/maxLength, items,
// minItems/maxItems. Annotations (description, title, default, examples, $schema, writeOnly)
// are ignored by validation; any other keyword is rejected when the schema is checked, so a
// plugin cannot rely on checks the host would silently skip. The same subset serves plugin
// settings schemas, where "writeOnly": true marks a secret.
#pragma once

#include "util/Json.h"

#include <optional>
#include <string>
#include <vector>

namespace ha::schema {

// Checks that `schema` is a tool input schema: an object schema built from the subset above.
// Returns an error message, or nullopt when it is fine.
std::optional<std::string> checkToolSchema(const json::Object::Ptr& schema);

// Validates a value; returns the first problem as "$.path: message", or nullopt.
std::optional<std::string> validate(const json::Var& value, const json::Object::Ptr& schema);

// The string values of `value` at properties the schema marks "writeOnly": true (secrets).
std::vector<std::string> secretValues(const json::Var& value, const json::Object::Ptr& schema);

}  // namespace ha::schema
