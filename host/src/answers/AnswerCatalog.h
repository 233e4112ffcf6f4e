// The answers interfaces of every loaded plugin, with the vocabulary they share: what the
// offline provider and the health checks ask, and which plugins a question concerns. Built once
// at start-up; read-only afterwards.
#pragma once

#include "answers/Answerer.h"
#include "answers/QuestionText.h"
#include "answers/Subject.h"
#include "answers/Vocabulary.h"

#include <optional>

#include <memory>
#include <string>
#include <unordered_map>
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
    // The plugins whose match() a question is for, in plugin order: those whose vocabulary has
    // one of its words (answers.h: the words match() reacts to), the plugin the conversation's
    // subject came from, and every plugin when a word is known to no vocabulary (it may be a
    // name: a container, a unit, a pool). So a question costs the plugins it concerns, not all.
    std::vector<const Answerer*> concernedBy(const QuestionText& question, const std::optional<Subject>& subject) const;

private:
    std::vector<std::shared_ptr<const Answerer>> answerers_;
    Vocabulary vocabulary_;
    // Each form of each plugin word (Vocabulary::forms) -> the answerers (indices) whose
    // vocabulary has it: one hash lookup per form of a question's word finds every plugin it
    // concerns, instead of one search in each plugin's vocabulary.
    std::unordered_map<std::string, std::vector<size_t>> owners_;
};

}  // namespace ha
