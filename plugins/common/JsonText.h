// Compact JSON text of a Poco document, written by RapidJSON (Debian's rapidjson-dev): Poco's
// stringifier, through std::ostream and a Var copy per member, was a quarter of the cost of a
// tool call. The same writer as the host's util/Json (plugins link nothing of the host).
#pragma once

#include <Poco/Dynamic/Var.h>

#include <string>

namespace ha_plugins {

std::string jsonText(const Poco::Dynamic::Var& value);

}  // namespace ha_plugins
