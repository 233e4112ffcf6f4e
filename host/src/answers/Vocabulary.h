// Every word the assistant understands: the host's general words plus each plugin's vocabulary
// (answers profile). Corrects typos toward it and tells which words of a question nobody knows,
// so that "what's the CPU temperature?" without a sensors plugin is not answered with CPU usage.
#pragma once

#include <set>
#include <string>
#include <unordered_set>
#include <vector>

namespace ha {

class Vocabulary {
public:
    Vocabulary();  // the host's general words only
    // One plugin's words alone, without the host's general words.
    static Vocabulary only(const std::vector<std::string>& pluginWords);
    void add(const std::vector<std::string>& pluginWords);

    // True when the word, or a simple inflection of it ("containers" -> "container",
    // "crashed" -> "crash"), is known.
    bool knows(const std::string& word) const;
    // The same for forms(word) already at hand (a question's words are looked up many times).
    bool knowsOneOf(const std::vector<std::string>& forms) const;
    // The word first, then what it may be an inflection of ("crashed" -> "crash", "crashe").
    static std::vector<std::string> forms(const std::string& word);
    // The known word a typo most likely meant ("dsik" -> "disk", "contaners" -> "containers"),
    // or the word itself when it is known, too short to guess, or nothing is close enough.
    std::string correct(const std::string& word) const;

    static bool isScope(const std::string& word);
    static bool isHelp(const std::string& word);

    // Damerau-Levenshtein distance (optimal string alignment), capped at limit + 1.
    static size_t distance(const std::string& a, const std::string& b, size_t limit);

private:
    struct Empty {};
    explicit Vocabulary(Empty) {}
    // Hashed: a question looks up each of its words once per plugin vocabulary.
    std::unordered_set<std::string> stems_;  // every known word and the forms it may be an inflection of
    std::set<std::string> correctable_; // plugin words and scope/help words: what a typo may become
};

}  // namespace ha
