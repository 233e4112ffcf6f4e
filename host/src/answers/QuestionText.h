// A question made easy to match: lowercase ASCII words with typos corrected toward the
// vocabulary, and the normalised text form plugins search (" is plex running "). The original
// text stays available: names (container names ...) are matched against it.
#pragma once

#include "answers/Vocabulary.h"

#include <string>
#include <string_view>
#include <vector>

namespace ha {

class QuestionText {
public:
    QuestionText(std::string_view question, const Vocabulary& vocabulary);

    const std::string& original() const { return original_; }
    const std::vector<std::string>& words() const { return words_; }
    // " word word word ": only [a-z0-9 ], a space before and after every word.
    const std::string& text() const { return text_; }
    // "dsik -> disk", for the audit trail and tests.
    const std::vector<std::string>& corrections() const { return corrections_; }

    bool has(const std::string& word) const;

private:
    std::string original_;
    std::vector<std::string> words_;
    std::string text_;
    std::vector<std::string> corrections_;
};

}  // namespace ha
