#include "answers/QuestionText.h"

#include <algorithm>

namespace ha {

namespace {

// Lowercase ASCII words; a word with any non-ASCII byte is left out (plugins match [a-z0-9]).
std::vector<std::string> asciiWords(std::string_view s) {
    std::vector<std::string> out;
    std::string current;
    bool foreign = false;
    const auto flush = [&] {
        if (!current.empty() && !foreign) out.push_back(current);
        current.clear();
        foreign = false;
    };
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x80) {
            foreign = true;
        } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            current.push_back(c);
        } else if (c >= 'A' && c <= 'Z') {
            current.push_back(static_cast<char>(c - 'A' + 'a'));
        } else {
            flush();
        }
    }
    flush();
    return out;
}

}  // namespace

QuestionText::QuestionText(std::string_view question, const Vocabulary& vocabulary) : original_(question) {
    text_ = " ";
    for (std::string& w : asciiWords(question)) {
        std::string corrected = vocabulary.correct(w);
        if (corrected != w) corrections_.push_back(w + " -> " + corrected);
        text_ += corrected;  // appended in two steps: no temporary (and no GCC 12 -Wrestrict false alarm)
        text_ += ' ';
        words_.push_back(std::move(corrected));
    }
}

bool QuestionText::has(const std::string& word) const {
    return std::find(words_.begin(), words_.end(), word) != words_.end();
}

}  // namespace ha
