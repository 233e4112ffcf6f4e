#include "answers/AnswerCatalog.h"

#include <algorithm>

namespace ha {

AnswerCatalog::AnswerCatalog(std::vector<std::shared_ptr<const Answerer>> answerers)
    : answerers_(std::move(answerers)) {
    for (size_t i = 0; i < answerers_.size(); ++i) {
        const auto& words = answerers_[i]->profile().vocabulary;
        vocabulary_.add(words);
        for (const auto& w : words) {
            for (auto& form : Vocabulary::forms(w)) {
                auto& owners = owners_[std::move(form)];
                if (owners.empty() || owners.back() != i) owners.push_back(i);
            }
        }
    }
}

std::vector<const Answerer*> AnswerCatalog::concernedBy(const QuestionText& question,
                                                        const std::optional<Subject>& subject) const {
    std::vector<bool> hasItsWord(answerers_.size(), false);
    bool possibleName = false;
    for (const std::string& word : question.words()) {
        const std::vector<std::string> forms = Vocabulary::forms(word);
        if (!vocabulary_.knowsOneOf(forms)) {
            possibleName = true;  // every plugin is asked: no need to look further
            break;
        }
        for (const std::string& form : forms) {
            if (const auto it = owners_.find(form); it != owners_.end()) {
                for (const size_t i : it->second) hasItsWord[i] = true;
            }
        }
    }
    std::vector<const Answerer*> concerned;
    for (size_t i = 0; i < answerers_.size(); ++i) {
        const Answerer* a = answerers_[i].get();
        const bool itsSubject = subject && subject->plugin == a->plugin();
        if (possibleName || itsSubject || hasItsWord[i]) concerned.push_back(a);
    }
    return concerned;
}

const Answerer* AnswerCatalog::find(const std::string& plugin) const {
    for (const auto& a : answerers_) {
        if (a->plugin() == plugin) return a.get();
    }
    return nullptr;
}

std::vector<Topic> AnswerCatalog::topics() const {
    std::vector<Topic> out;
    for (const auto& a : answerers_) out.insert(out.end(), a->profile().topics.begin(), a->profile().topics.end());
    return out;
}

}  // namespace ha
