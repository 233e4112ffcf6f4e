// A capability as offered to a language model: a Chat Completions "function".
#pragma once

#include "util/Json.h"

#include <string>

namespace ha {

struct FunctionSpec {
    std::string function;    // "disk_usage"
    std::string capability;  // "disk.usage"
    std::string description;
    json::Object::Ptr parameters;  // the capability's input JSON Schema
};

}  // namespace ha
