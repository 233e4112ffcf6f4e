#include "answers/AnswerCatalog.h"

namespace ha {

AnswerCatalog::AnswerCatalog(std::vector<std::shared_ptr<const Answerer>> answerers)
    : answerers_(std::move(answerers)) {
    for (const auto& a : answerers_) vocabulary_.add(a->profile().vocabulary);
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
