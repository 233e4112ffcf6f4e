// A client command failed: one line for stderr and the exit code it means.
#pragma once

#include "cli/ExitCode.h"

#include <stdexcept>
#include <string>

namespace ha::cli {

class CliError : public std::runtime_error {
public:
    CliError(ExitCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
    ExitCode code() const { return code_; }

private:
    ExitCode code_;
};

}  // namespace ha::cli
