// One plugin's answers interface as the host sees it (plugin/PluginAnswers adapts the C ABI;
// tests fake it): what it understands, which of its capabilities answer a question, how to word
// a result, and which health findings its data shows. The host never reads result fields.
#pragma once

#include "answers/Finding.h"
#include "answers/Subject.h"
#include "tools/ToolExecution.h"
#include "util/CallContext.h"
#include "util/Json.h"

#include <optional>
#include <string>
#include <vector>

namespace ha {

class QuestionText;

struct Topic {
    std::string capability;
    std::string title;    // "Disk space"
    std::string example;  // "How much disk space is left?"
};

// A call the plugin's checks need.
struct CheckRequest {
    std::string capability;
    std::string arguments;  // JSON object text
};

struct AnswerProfile {
    std::vector<std::string> vocabulary;
    std::vector<Topic> topics;
    std::vector<CheckRequest> checks;
};

struct Match {
    std::string plugin;
    std::string capability;
    std::string arguments;  // JSON object text
    double score = 0;
    std::vector<std::string> names;  // words the plugin recognised as names
};

struct Summary {
    std::string text;
    bool found = true;
    json::Object::Ptr subject;  // may be null
    size_t subjectBytes = 0;    // the size of its JSON text
};

// A question as the answers functions receive it.
struct QuestionInput {
    const QuestionText& text;
    const std::optional<Subject>& subject;
    const std::vector<std::string>& allowed;  // this plugin's capabilities the policy allows
};

class Answerer {
public:
    virtual ~Answerer() = default;
    virtual const std::string& plugin() const = 0;
    virtual const AnswerProfile& profile() const = 0;
    // Proposals for a question; empty when none (or on any failure, which is logged). [thread-safe]
    virtual std::vector<Match> match(const QuestionInput& question, const CallContext& context) const = 0;
    // The plugin's wording of one result; nullopt when it has none. [thread-safe]
    virtual std::optional<Summary> summarize(const QuestionInput& question, const ToolExecution& execution,
                                             const CallContext& context) const = 0;
    // Findings from the results of the profile's checks (same order); nullopt when the plugin
    // has no checks or they failed (`error` says why). The results are the caller's, not copied.
    // [thread-safe]
    virtual std::optional<std::vector<Finding>> checks(const std::vector<const ToolExecution*>& results,
                                                       const CallContext& context, std::string& error) const = 0;
};

}  // namespace ha
