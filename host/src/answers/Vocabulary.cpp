#include "answers/Vocabulary.h"

#include "answers/GeneralWords.h"

#include <algorithm>

namespace ha {

namespace {
// "systemd" is not a typo of "system" or "systems": a different, added or missing last letter
// makes another word far more often than a slip of the finger does.
bool differsOnlyAtTheEnd(const std::string& a, const std::string& b) {
    const std::string& shorter = a.size() < b.size() ? a : b;
    const std::string& longer = a.size() < b.size() ? b : a;
    if (longer.size() == shorter.size() + 1) return longer.compare(0, shorter.size(), shorter) == 0;
    return a.size() == b.size() && !a.empty() && a.compare(0, a.size() - 1, b, 0, b.size() - 1) == 0;
}

bool endsWith(const std::string& s, const char* suffix) {
    const size_t n = std::char_traits<char>::length(suffix);
    return s.size() > n && s.compare(s.size() - n, n, suffix) == 0;
}
}  // namespace

Vocabulary::Vocabulary() {
    for (const auto* set : {&general_words::common(), &general_words::scope(), &general_words::help()}) {
        for (const auto& w : *set) {
            for (auto& f : forms(w)) stems_.insert(std::move(f));
        }
    }
    for (const auto* set : {&general_words::scope(), &general_words::help()}) correctable_.insert(set->begin(), set->end());
    // Long common words too ("runing" -> "running"); short ones are too close to each other.
    for (const auto& w : general_words::common()) {
        if (w.size() >= 6) correctable_.insert(w);
    }
}

Vocabulary Vocabulary::only(const std::vector<std::string>& pluginWords) {
    Vocabulary v{Empty{}};
    v.add(pluginWords);
    return v;
}

void Vocabulary::add(const std::vector<std::string>& pluginWords) {
    for (const auto& w : pluginWords) {
        correctable_.insert(w);
        for (auto& f : forms(w)) stems_.insert(std::move(f));
    }
}

std::vector<std::string> Vocabulary::forms(const std::string& word) {
    std::vector<std::string> out{word};
    if (endsWith(word, "ies")) out.push_back(word.substr(0, word.size() - 3) + "y");
    if (endsWith(word, "es")) out.push_back(word.substr(0, word.size() - 2));
    if (endsWith(word, "s") && !endsWith(word, "ss")) out.push_back(word.substr(0, word.size() - 1));
    if (endsWith(word, "ing") && word.size() > 5) {
        out.push_back(word.substr(0, word.size() - 3));
        out.push_back(word.substr(0, word.size() - 3) + "e");
    }
    if (endsWith(word, "ed") && word.size() > 4) {
        out.push_back(word.substr(0, word.size() - 2));
        out.push_back(word.substr(0, word.size() - 1));
    }
    if (endsWith(word, "ly") && word.size() > 4) out.push_back(word.substr(0, word.size() - 2));
    return out;
}

bool Vocabulary::knows(const std::string& word) const { return stems_.count(word) > 0 || knowsOneOf(forms(word)); }

bool Vocabulary::knowsOneOf(const std::vector<std::string>& forms) const {
    return std::any_of(forms.begin(), forms.end(), [this](const std::string& f) { return stems_.count(f) > 0; });
}

size_t Vocabulary::distance(const std::string& a, const std::string& b, size_t limit) {
    const size_t n = a.size(), m = b.size();
    if ((n > m ? n - m : m - n) > limit) return limit + 1;
    std::vector<std::vector<size_t>> d(n + 1, std::vector<size_t>(m + 1));
    for (size_t i = 0; i <= n; ++i) d[i][0] = i;
    for (size_t j = 0; j <= m; ++j) d[0][j] = j;
    for (size_t i = 1; i <= n; ++i) {
        size_t rowMin = limit + 1;
        for (size_t j = 1; j <= m; ++j) {
            const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);  // transposition: "dsik"
            }
            rowMin = std::min(rowMin, d[i][j]);
        }
        if (rowMin > limit) return limit + 1;
    }
    return std::min(d[n][m], limit + 1);
}

std::string Vocabulary::correct(const std::string& word) const {
    if (word.size() < 4 || knows(word)) return word;
    if (std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; })) return word;
    const size_t limit = word.size() >= 8 ? 2 : 1;
    std::string best;
    size_t bestDistance = limit + 1;
    bool bestSameStart = false;
    for (const std::string& candidate : correctable_) {  // sorted: ties go to the first in order
        if (candidate.size() < 3 || differsOnlyAtTheEnd(word, candidate)) continue;
        const size_t d = distance(word, candidate, limit);
        const bool sameStart = candidate[0] == word[0];
        if (d < bestDistance || (d == bestDistance && sameStart && !bestSameStart)) {
            best = candidate;
            bestDistance = d;
            bestSameStart = sameStart;
        }
    }
    return bestDistance <= limit ? best : word;
}

bool Vocabulary::isScope(const std::string& word) { return general_words::scope().count(word) > 0; }

bool Vocabulary::isHelp(const std::string& word) { return general_words::help().count(word) > 0; }

}  // namespace ha
