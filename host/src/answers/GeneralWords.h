// Words the host itself understands in a question, whatever plugins are loaded: English function
// words and common verbs (never a question's subject), the words that ask about the whole server
// ("is everything ok?"), and the words that ask for help. Nothing here is any plugin's subject.
#pragma once

#include <set>
#include <string>

namespace ha::general_words {

const std::set<std::string>& common();  // function words, pronouns, auxiliaries, common verbs
const std::set<std::string>& scope();   // everything, overall, server, problems ...
const std::set<std::string>& help();    // help, commands, features ...

}  // namespace ha::general_words
