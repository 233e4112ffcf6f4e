// Fuzz target: what a plugin's answers functions return (profile, match, summarize, checks).
// The host reads it with PluginAnswers' readers, which must bound and drop anything odd.
#include "plugin/PluginAnswers.h"

#include "util/Json.h"
#include "util/Text.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace {

using namespace ha;

// The findings as the host read them before FindingsReader: from the whole output parsed into a
// document. The reader must find the same ones in the text (a differential check).
std::vector<Finding> findingsFromDocument(const json::Object::Ptr& out) {
    const auto bounded = [](const json::Object::Ptr& o, const std::string& key, size_t max) {
        return text::truncateUtf8(json::getString(o, key).value_or(""), max);
    };
    std::vector<Finding> findings;
    auto items = json::getArray(out, "findings");
    for (size_t i = 0; items && i < items->size() && findings.size() < plugin::PluginAnswers::kMaxFindings; ++i) {
        auto f = json::asObject(items->get(i));
        const auto severity = f ? severityFrom(json::getString(f, "severity").value_or("")) : std::nullopt;
        const std::string message = f ? text::trim(bounded(f, "message", 1024)) : "";
        if (!severity || message.empty()) continue;
        auto evidence = json::getObject(f, "evidence");
        findings.push_back({"fuzz", *severity, bounded(f, "check", 64), bounded(f, "subject", 256), message,
                            evidence ? json::Var(evidence) : json::Var()});
    }
    return findings;
}

// Evidence compared as documents: the reader keeps members in their order, a parse sorts them.
std::string evidenceText(const json::Var& v) { return v.isEmpty() ? "" : json::stringify(json::parse(json::stringify(v))); }

bool same(const std::vector<Finding>& a, const std::vector<Finding>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (a[i].severity != b[i].severity || a[i].check != b[i].check || a[i].subject != b[i].subject ||
            a[i].message != b[i].message || evidenceText(a[i].evidence) != evidenceText(b[i].evidence)) {
            return false;
        }
    }
    return true;
}

// The matches as the host read them before MatchesReader: from the whole output parsed into a
// document. The reader must find the same ones in the text.
std::vector<Match> matchesFromDocument(const json::Object::Ptr& out) {
    auto list = json::getArray(out, "matches");
    std::vector<Match> matches;
    for (size_t i = 0; list && i < list->size() && matches.size() < plugin::PluginAnswers::kMaxMatches; ++i) {
        auto m = json::asObject(list->get(i));
        const auto score = m ? json::getNumber(m, "score") : std::nullopt;
        const std::string capability = m ? json::getString(m, "capability").value_or("") : "";
        if (!score || !std::isfinite(*score) || capability.empty()) continue;
        auto arguments = json::getObject(m, "arguments");
        Match match{"fuzz", capability, json::stringify(arguments ? json::Var(arguments) : json::Var(json::object())),
                    std::clamp(*score, 0.0, 1.0), {}};
        if (auto names = json::getArray(m, "names")) {
            for (size_t k = 0; k < names->size() && k < 8; ++k) {
                if (names->get(k).isString()) match.names.push_back(text::truncateUtf8(names->get(k).extract<std::string>(), 64));
            }
        }
        matches.push_back(std::move(match));
    }
    return matches;
}

// Scores within a rounding step: the document's reader and from_chars may round a long decimal apart.
bool same(const std::vector<Match>& a, const std::vector<Match>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (a[i].capability != b[i].capability || a[i].arguments != b[i].arguments || a[i].names != b[i].names ||
            std::fabs(a[i].score - b[i].score) > 1e-12) {
            return false;
        }
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using ha::plugin::PluginAnswers;
    const std::string input(reinterpret_cast<const char*>(data), size);
    std::string error;
    const auto out = PluginAnswers::readOutput("fuzz", input, error);
    std::string findingsError;
    const auto findings = PluginAnswers::readFindings("fuzz", input, findingsError);
    if (findings.has_value() != (out != nullptr)) std::abort();  // both refuse the same texts
    if (!out) return 0;
    if (findings->size() > PluginAnswers::kMaxFindings || !same(*findings, findingsFromDocument(out))) std::abort();
    ha::AnswerProfile profile;
    (void)PluginAnswers::readProfile(out, profile);
    if (profile.vocabulary.size() > PluginAnswers::kMaxVocabulary || profile.topics.size() > PluginAnswers::kMaxTopics ||
        profile.checks.size() > PluginAnswers::kMaxChecks) {
        std::abort();
    }
    std::string matchesError;
    const auto matches = PluginAnswers::readMatches("fuzz", input, matchesError);
    if (matches.size() > PluginAnswers::kMaxMatches || !same(matches, matchesFromDocument(out))) std::abort();
    for (const auto& m : matches) {
        if (!(m.score >= 0 && m.score <= 1)) std::abort();
    }
    (void)PluginAnswers::readSummary(out);
    return 0;
}
