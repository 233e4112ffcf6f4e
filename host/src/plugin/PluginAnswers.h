// Adapts a tools plugin's "homelab_assistant.answers/1" interface to Answerer: builds the JSON
// inputs answers.h documents, bounds and validates what comes back, and never lets a failing or
// slow plugin break an answer (failures are logged and read as "nothing to say").
#pragma once

#include "answers/Answerer.h"
#include "plugin/LastRead.h"
#include "plugin/LoadedPlugin.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

namespace ha::plugin {

class PluginAnswers : public Answerer {
public:
    // Calls the plugin's profile() once. Returns nullptr and sets `error` when the interface is
    // unusable (the plugin's capabilities still work; it just cannot be asked).
    static std::shared_ptr<PluginAnswers> bind(std::shared_ptr<LoadedPlugin> plugin, std::chrono::milliseconds timeout,
                                               std::string& error);

    const std::string& plugin() const override { return plugin_->identity().id; }
    const AnswerProfile& profile() const override { return profile_; }
    std::vector<Match> match(const QuestionInput& question, const CallContext& context) const override;
    std::optional<Summary> summarize(const QuestionInput& question, const ToolExecution& execution,
                                     const CallContext& context) const override;
    std::optional<std::vector<Finding>> checks(const std::vector<const ToolExecution*>& results, const CallContext& context,
                                               std::string& error) const override;

    // Limits on what a plugin's answers may return (answers.h).
    static constexpr size_t kMaxOutputBytes = 64 * 1024;
    static constexpr size_t kMaxVocabulary = 1024;
    static constexpr size_t kMaxTopics = 32;
    static constexpr size_t kMaxChecks = 32;
    static constexpr size_t kMaxMatches = 8;
    static constexpr size_t kMaxFindings = 256;

    // What a plugin's answers functions return, read with the limits above; anything odd is
    // dropped or refused, never trusted (pure, so the fuzz targets and tests can call them).
    // The output text of one function as an object; null with `error` set when unusable.
    static json::Object::Ptr readOutput(const std::string& what, const std::string& output, std::string& error);
    // profile(): fills `profile`; returns an error message, "" when it is fine.
    static std::string readProfile(const json::Object::Ptr& output, AnswerProfile& profile);
    // match(): read from the text itself (MatchesReader); none, with `error` set, when unusable.
    static std::vector<Match> readMatches(const std::string& plugin, const std::string& output, std::string& error);
    static std::optional<Summary> readSummary(const json::Object::Ptr& output);
    // checks(): read from the text itself (FindingsReader); nullopt with `error` set when unusable.
    static std::optional<std::vector<Finding>> readFindings(const std::string& plugin, const std::string& output,
                                                            std::string& error);

private:
    using Function = int32_t (*)(void*, const ha_call*);
    PluginAnswers(std::shared_ptr<LoadedPlugin> plugin, std::chrono::milliseconds timeout);

    // Runs one answers function (on the caller's thread when `instantFlag` is among the plugin's
    // HA_ANSWERS_INSTANT_* hints); the parsed output object, or null with `error` set.
    json::Object::Ptr call(Function fn, const std::string& what, std::string input,
                           const CallContext& context, std::string& error, uint32_t instantFlag = 0) const;
    // The same, the output text as it came (nullopt when there is nothing to read).
    std::optional<std::string> callForText(Function fn, const std::string& what, std::string input,
                                           const CallContext& context, std::string& error, uint32_t instantFlag) const;

    std::shared_ptr<LoadedPlugin> plugin_;
    std::chrono::milliseconds timeout_;
    AnswerProfile profile_;
    // The hints still trusted: a function that overran its deadline loses its bit.
    mutable std::atomic<uint32_t> instant_{0};
    // checks() of an unchanged server gives the same text (the plugins keep their answers):
    // its findings are read once (FindingsReader was an eighth of the health question).
    mutable LastRead<std::vector<Finding>> lastFindings_;
};

}  // namespace ha::plugin
