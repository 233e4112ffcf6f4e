#include "answers/QuestionRouter.h"

#include "util/Json.h"

#include <algorithm>
#include <set>

namespace ha {

QuestionRouter::QuestionRouter(const AnswerCatalog& answers, const ToolCatalog& tools)
    : answers_(answers), tools_(tools) {}

std::vector<Match> QuestionRouter::collectMatches(const QuestionText& question, const std::optional<Subject>& subject,
                                                  const CallContext& context, std::vector<Match>& denied) const {
    std::vector<Match> all;
    for (const Answerer* answerer : answers_.concernedBy(question, subject)) {
        std::vector<std::string> allowed, readOnly;
        for (const auto& entry : tools_.entries()) {
            const ToolInfo& info = entry.tool->info();
            if (info.pluginId != answerer->plugin()) continue;
            if (entry.offered) allowed.push_back(info.capability);
            if (info.effect == Effect::ReadOnly) readOnly.push_back(info.capability);
        }
        const bool allDenied = allowed.empty();
        const std::vector<std::string>& asked = allDenied ? readOnly : allowed;
        if (asked.empty()) continue;
        for (Match& m : answerer->match(QuestionInput{question, subject, asked}, context)) {
            // Only the plugin's own capabilities it was asked about: anything else is a plugin bug.
            if (std::find(asked.begin(), asked.end(), m.capability) == asked.end()) continue;
            (allDenied ? denied : all).push_back(std::move(m));
        }
    }
    return all;
}

std::vector<std::string> QuestionRouter::unknownWords(const QuestionText& question,
                                                      const std::vector<Match>& matches) const {
    static const Vocabulary kNoCorrections;  // names are taken as written
    std::set<std::string> names;
    for (const Match& m : matches) {
        for (const auto& n : m.names) {
            const QuestionText nameWords(n, kNoCorrections);
            names.insert(nameWords.words().begin(), nameWords.words().end());
        }
    }
    std::vector<std::string> unknown;
    for (const std::string& w : question.words()) {
        const bool number = std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (w.size() < 3 || number || names.count(w) || answers_.vocabulary().knows(w)) continue;
        if (std::find(unknown.begin(), unknown.end(), w) == unknown.end()) unknown.push_back(w);
    }
    return unknown;
}

std::vector<Match> QuestionRouter::select(std::vector<Match> matches) {
    std::stable_sort(matches.begin(), matches.end(), [](const Match& a, const Match& b) { return a.score > b.score; });
    std::vector<Match> chosen;
    if (matches.empty() || matches.front().score < kMinScore) return chosen;
    const double best = matches.front().score;
    const double floor = best >= kExplicitScore ? kExplicitScore : std::max(kMinScore, best - kMargin);
    for (Match& m : matches) {
        if (m.score < floor || chosen.size() >= kMaxMatches) break;
        const bool duplicate = std::any_of(chosen.begin(), chosen.end(), [&](const Match& c) {
            return c.capability == m.capability && c.arguments == m.arguments;
        });
        if (!duplicate) chosen.push_back(std::move(m));
    }
    return chosen;
}

bool QuestionRouter::asksForHelp(const QuestionText& question) {
    if (question.has("help")) return true;
    const std::string& t = question.text();
    return t.find(" what can you ") != std::string::npos || t.find(" what do you know ") != std::string::npos ||
           std::any_of(question.words().begin(), question.words().end(),
                       [](const std::string& w) { return Vocabulary::isHelp(w) && w != "ask"; });
}

bool QuestionRouter::asksAboutEverything(const QuestionText& question) {
    return std::any_of(question.words().begin(), question.words().end(), &Vocabulary::isScope);
}

Route QuestionRouter::route(const QuestionText& question, const std::optional<Subject>& subject,
                            const CallContext& context) const {
    Route route;
    std::vector<Match> denied;
    std::vector<Match> matches = collectMatches(question, subject, context, denied);
    std::vector<Match> everything = matches;
    everything.insert(everything.end(), denied.begin(), denied.end());
    route.unknownWords = unknownWords(question, everything);
    const auto bestOf = [](const std::vector<Match>& list) {
        double best = 0.0;
        for (const Match& m : list) best = std::max(best, m.score);
        return best;
    };
    const double best = bestOf(everything);
    if (asksForHelp(question) && best < kSpecificScore) {
        route.kind = Route::Kind::Help;
        return route;
    }
    if (!route.unknownWords.empty()) {
        route.kind = Route::Kind::Unknown;  // never answer a different question
        return route;
    }
    if (asksAboutEverything(question) && best < kSpecificScore) {
        route.kind = Route::Kind::Health;
        return route;
    }
    // The question is what the policy denies (nothing allowed matches, or only the denied match
    // names its subject explicitly): say so rather than answer another question.
    const double allowedBest = bestOf(matches), deniedBest = bestOf(denied);
    const bool deniedWins = (deniedBest >= kMinScore && allowedBest < kMinScore) ||
                            (deniedBest >= kExplicitScore && allowedBest < kExplicitScore);
    if (deniedWins) {
        route.kind = Route::Kind::Denied;
        for (const Match& m : select(std::move(denied))) route.denied.push_back(m.capability);
        return route;
    }
    route.matches = select(std::move(matches));
    route.kind = route.matches.empty() ? Route::Kind::Unclear : Route::Kind::Matches;
    return route;
}

}  // namespace ha
