#include "answers/GeneralWords.h"

namespace ha::general_words {

const std::set<std::string>& common() {
    static const std::set<std::string> words = {
        // articles, pronouns, determiners
        "a", "an", "the", "i", "me", "my", "mine", "we", "us", "our", "you", "your", "it", "its", "this", "that",
        "these", "those", "there", "here", "they", "them", "their", "he", "she", "him", "her", "his", "myself",
        "any", "some", "each", "every", "both", "either", "neither", "other", "another", "such", "own",
        // question words
        "what", "whats", "which", "who", "whom", "whose", "when", "where", "why", "how", "hows", "whether",
        // auxiliaries and their contractions (apostrophes split words: "isn't" -> "isn", "t")
        "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "done", "doing", "have", "has",
        "had", "having", "can", "could", "would", "should", "will", "shall", "may", "might", "must", "s", "t", "d",
        "ll", "re", "ve", "m", "isn", "aren", "wasn", "weren", "don", "doesn", "didn", "hasn", "haven", "won",
        "isnt", "arent", "dont", "doesnt", "didnt", "cant", "wont", "im", "ive", "id",
        // prepositions and conjunctions
        "and", "or", "but", "if", "then", "so", "than", "too", "of", "in", "on", "at", "to", "from", "for", "with",
        "without", "about", "by", "as", "into", "onto", "over", "under", "between", "through", "during", "since",
        "until", "per", "via", "against", "among", "around", "out", "off", "up",
        // adverbs and fillers
        "very", "just", "only", "also", "really", "actually", "quite", "still", "yet", "ever", "even", "again",
        "now", "right", "currently", "current", "recently", "recent", "lately", "today", "yesterday", "tonight",
        "already", "always", "never", "often", "sometimes", "soon", "ago", "please", "thanks", "thank", "hi",
        "hello", "hey", "yes", "no", "not", "nope", "ok", "okay", "fine", "good", "great", "bad", "well", "alright",
        "correctly", "properly", "normal", "normally", "fully", "much", "many", "more", "most", "less", "least",
        "few", "lot", "lots", "bit", "kind", "sort", "way", "thing", "stuff", "like", "else", "exactly", "roughly",
        "about", "approximately", "around", "total", "overall", "whole", "number", "amount", "level", "levels",
        "high", "low", "big", "small", "large", "enough", "left", "remaining", "one", "ones", "two", "three",
        "first", "second", "third", "fourth", "fifth", "last", "next", "previous", "latest", "newest", "oldest",
        "same", "different", "new", "old", "top", "biggest", "smallest", "highest", "lowest", "best", "worst",
        // common verbs (a question's action, not its subject)
        "tell", "show", "give", "list", "check", "see", "look", "know", "get", "got", "let", "say", "report",
        "find", "need", "want", "use", "used", "using", "uses", "eat", "eats", "eating", "take", "takes", "taking",
        "work", "works", "working", "worked", "run", "runs", "running", "ran", "go", "goes", "going", "gone", "happen", "happened", "happening",
        "make", "made", "keep", "seem", "seems", "look", "looks", "mean", "means", "think", "hold", "holds",
        "consume", "consumes", "consuming", "hog", "hogging", "fill", "filling", "filled", "going", "doing",
        "healthy", "health", "state", "status", "fine", "something", "nothing", "everyone", "anybody", "worry",
        "worried", "care", "should", "wonder", "curious", "quick", "quickly", "briefly", "short", "me"};
    return words;
}

const std::set<std::string>& scope() {
    static const std::set<std::string> words = {
        "everything", "all", "overall", "server", "servers", "system", "systems", "homelab", "nas", "machine",
        "box", "host", "anything", "things", "health", "status", "summary", "overview", "problem", "problems",
        "issue", "issues", "wrong", "trouble", "broken", "attention", "concern", "concerns"};
    return words;
}

const std::set<std::string>& help() {
    static const std::set<std::string> words = {"help", "commands", "capabilities", "features", "questions", "ask",
                                                "abilities", "topics"};
    return words;
}

}  // namespace ha::general_words
