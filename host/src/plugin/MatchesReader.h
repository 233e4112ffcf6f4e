// Reads what a plugin's match() returned straight into matches, in one checked pass over the
// text (common/JsonText's readJsonEvents), as FindingsReader reads checks(): every concerned
// plugin answers every question, and a Poco document of each answer cost more than reading it.
#pragma once

#include "answers/Answerer.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ha::plugin {

class MatchesReader {
public:
    // {"matches": [{"capability", "arguments", "score", "names"}, ...]}: a match without a
    // capability or a numeric score is dropped; the score is clamped to [0, 1]; arguments are
    // kept as compact text when they are an object ("{}" otherwise); of "names", the strings
    // among its first 8 entries, each cut to 64 bytes; at most maxMatches are read; a repeated
    // member counts as its last occurrence. nullopt with `error` set when the text is not one
    // JSON object (syntax, UTF-8, NUL byte, over 64 levels).
    static std::optional<std::vector<Match>> read(const std::string& plugin, std::string_view output,
                                                  size_t maxMatches, std::string& error);
};

}  // namespace ha::plugin
