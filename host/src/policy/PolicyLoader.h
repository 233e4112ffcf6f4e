// Reads policy.yaml into a Policy; any problem is an error naming file:line.
#pragma once

#include "policy/Policy.h"

#include <stdexcept>
#include <string>

namespace ha {

class PolicyError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class PolicyLoader {
public:
    static Policy loadFile(const std::string& path);
    static Policy loadText(const std::string& text, const std::string& name);
};

}  // namespace ha
