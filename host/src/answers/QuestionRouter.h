// Decides what a question is, for the offline provider: the plugins' best matches, the health
// of the whole server, a subject nobody here knows, a request for help, or unclear. The plugins
// the question concerns are asked (AnswerCatalog::concernedBy); the selection rules are the
// ones answers.h documents.
#pragma once

#include "answers/AnswerCatalog.h"
#include "answers/QuestionText.h"
#include "tools/ToolCatalog.h"

#include <optional>
#include <string>
#include <vector>

namespace ha {

struct Route {
    enum class Kind { Matches, Health, Unknown, Denied, Help, Unclear };
    Kind kind = Kind::Unclear;
    std::vector<Match> matches;             // Matches: best first
    std::vector<std::string> unknownWords;  // Unknown: the words no plugin knows
    std::vector<std::string> denied;        // Denied: capabilities the policy keeps from answering
};

class QuestionRouter {
public:
    // The selection rules of answers.h.
    static constexpr double kMinScore = 0.5;       // weaker matches are ignored
    static constexpr double kMargin = 0.25;        // matches this far below the best are dropped
    static constexpr double kExplicitScore = 0.95; // names a plugin's own subject: only such matches run
    static constexpr double kSpecificScore = 0.8;  // below this, "is everything ok?" is the health check
    static constexpr size_t kMaxMatches = 4;

    QuestionRouter(const AnswerCatalog& answers, const ToolCatalog& tools);

    Route route(const QuestionText& question, const std::optional<Subject>& subject, const CallContext& context) const;

private:
    // The concerned plugins' proposals. A plugin the policy allows nothing of is asked with all its
    // read-only capabilities, so that a question it would answer can be said to be denied;
    // those proposals come back in `denied`.
    std::vector<Match> collectMatches(const QuestionText& question, const std::optional<Subject>& subject,
                                      const CallContext& context, std::vector<Match>& denied) const;
    std::vector<std::string> unknownWords(const QuestionText& question, const std::vector<Match>& matches) const;
    static std::vector<Match> select(std::vector<Match> matches);
    static bool asksForHelp(const QuestionText& question);
    static bool asksAboutEverything(const QuestionText& question);

    const AnswerCatalog& answers_;
    const ToolCatalog& tools_;
};

}  // namespace ha
