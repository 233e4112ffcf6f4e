// Fuzz target: what a plugin's answers functions return (profile, match, summarize, checks).
// The host reads it with PluginAnswers' readers, which must bound and drop anything odd.
#include "plugin/PluginAnswers.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using ha::plugin::PluginAnswers;
    const std::string input(reinterpret_cast<const char*>(data), size);
    std::string error;
    const auto out = PluginAnswers::readOutput("fuzz", input, error);
    if (!out) return 0;
    ha::AnswerProfile profile;
    (void)PluginAnswers::readProfile(out, profile);
    if (profile.vocabulary.size() > PluginAnswers::kMaxVocabulary || profile.topics.size() > PluginAnswers::kMaxTopics ||
        profile.checks.size() > PluginAnswers::kMaxChecks) {
        std::abort();
    }
    const auto matches = PluginAnswers::readMatches("fuzz", out);
    if (matches.size() > PluginAnswers::kMaxMatches) std::abort();
    for (const auto& m : matches) {
        if (!(m.score >= 0 && m.score <= 1)) std::abort();
    }
    (void)PluginAnswers::readSummary(out);
    if (PluginAnswers::readFindings("fuzz", out).size() > PluginAnswers::kMaxFindings) std::abort();
    return 0;
}
