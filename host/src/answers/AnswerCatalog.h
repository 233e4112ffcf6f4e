// The answers interfaces of every loaded plugin, with the vocabulary they share: what the
// offline provider and the health checks ask. Built once at start-up; read-only afterwards.
#pragma once

#include "answers/Answerer.h"
#include "answers/Vocabulary.h"

#include <memory>
#include <string>
#include <vector>

namespace ha {

class AnswerCatalog {
public:
    AnswerCatalog() = default;
    explicit AnswerCatalog(std::vector<std::shared_ptr<const Answerer>> answerers);

    const std::vector<std::shared_ptr<const Answerer>>& all() const { return answerers_; }
    // The answerer of a plugin, or nullptr.
    const Answerer* find(const std::string& plugin) const;
    const Vocabulary& vocabulary() const { return vocabulary_; }
    // Every plugin's topics, in plugin order.
    std::vector<Topic> topics() const;

private:
    std::vector<std::shared_ptr<const Answerer>> answerers_;
    Vocabulary vocabulary_;
};

}  // namespace ha
