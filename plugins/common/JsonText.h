// Compact JSON text of a Poco document, written by RapidJSON (Debian's rapidjson-dev): Poco's
// stringifier, through std::ostream and a Var copy per member, was a quarter of the cost of a
// tool call. The host's util/Json writes with it too (a library of its own: ha_json_text).
#pragma once

#include <Poco/Dynamic/Var.h>

#include <string>

namespace ha_plugins {

std::string jsonText(const Poco::Dynamic::Var& value);

}  // namespace ha_plugins
