#include "answers/AnswerCatalog.h"

#include <algorithm>

namespace ha {

AnswerCatalog::AnswerCatalog(std::vector<std::shared_ptr<const Answerer>> answerers)
    : answerers_(std::move(answerers)) {
    for (const auto& a : answerers_) {
        vocabulary_.add(a->profile().vocabulary);
        own_.push_back(Vocabulary::only(a->profile().vocabulary));
    }
}

std::vector<const Answerer*> AnswerCatalog::concernedBy(const QuestionText& question,
                                                        const std::optional<Subject>& subject) const {
    const auto& words = question.words();
    const bool possibleName =
        std::any_of(words.begin(), words.end(), [this](const std::string& w) { return !vocabulary_.knows(w); });
    std::vector<const Answerer*> concerned;
    for (size_t i = 0; i < answerers_.size(); ++i) {
        const Answerer* a = answerers_[i].get();
        const bool itsSubject = subject && subject->plugin == a->plugin();
        const Vocabulary& own = own_[i];
        if (possibleName || itsSubject ||
            std::any_of(words.begin(), words.end(), [&own](const std::string& w) { return own.knows(w); })) {
            concerned.push_back(a);
        }
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
