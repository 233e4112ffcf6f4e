// Reads what a plugin's checks() returned straight into findings, in one checked pass over the
// text (common/JsonText's readJsonEvents): only the members answers.h defines are kept, and a
// finding's evidence stays the compact text it was (passed on verbatim, never built). Reading
// the output as a Poco document first was a seventh of the health question's cost.
#pragma once

#include "answers/Finding.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ha::plugin {

class FindingsReader {
public:
    // {"findings": [{"severity", "check", "subject", "message", "evidence"}, ...]}: a finding
    // without a known severity or a message is dropped, strings are bounded (check 64 bytes,
    // subject 256, message 1024, trimmed), evidence is kept only when it is an object, at most
    // maxFindings are read; a repeated member counts as its last occurrence. nullopt with
    // `error` set when the text is not one JSON object (syntax, UTF-8, NUL byte, over 64 levels).
    static std::optional<std::vector<Finding>> read(const std::string& plugin, std::string_view output,
                                                    size_t maxFindings, std::string& error);
};

}  // namespace ha::plugin
