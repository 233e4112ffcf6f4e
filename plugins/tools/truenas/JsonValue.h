// Typed, forgiving reads of middleware JSON: a missing field, null or a value of another type
// reads as the fallback, so that a field added, renamed or nulled by a later TrueNAS release
// never turns into an exception. Dates are the middleware's {"$date": <ms since the epoch>}.
#pragma once

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ha_plugins::truenas {

using Var = Poco::Dynamic::Var;
using ObjectPtr = Poco::JSON::Object::Ptr;
using ArrayPtr = Poco::JSON::Array::Ptr;

ObjectPtr objectOf(const Var& v);  // nullptr unless an object
ArrayPtr arrayOf(const Var& v);    // nullptr unless an array
ObjectPtr childObject(const ObjectPtr& o, const std::string& key);
ArrayPtr childArray(const ObjectPtr& o, const std::string& key);

std::string text(const ObjectPtr& o, const std::string& key, const std::string& fallback = "");
std::optional<std::string> optionalText(const ObjectPtr& o, const std::string& key);
bool flag(const ObjectPtr& o, const std::string& key, bool fallback = false);
std::optional<double> number(const ObjectPtr& o, const std::string& key);
std::optional<int64_t> integer(const ObjectPtr& o, const std::string& key);
// {"$date": ms}, a plain number of ms, or null/absent (std::nullopt).
std::optional<int64_t> dateMs(const Var& v);
std::optional<int64_t> dateMsOf(const ObjectPtr& o, const std::string& key);

// "2025-11-24T10:00:00Z" for milliseconds since the epoch.
std::string isoUtc(int64_t ms);
// Parses a JSON document; throws homelab_assistant::Error(HA_ERR_UNAVAILABLE) naming `what`.
Var parseJson(const std::string& json, const std::string& what);
// Drops HTML tags and entities the middleware puts into alert texts (<br>, <ul><li>, &amp;) and
// squeezes white space; cuts at maxChars (on a UTF-8 boundary) with an ellipsis.
std::string plainText(std::string_view html, size_t maxChars);

}  // namespace ha_plugins::truenas
