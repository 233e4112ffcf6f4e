// The JSON documents of the answers interface (sdk/include/homelab_assistant/answers.h) as C++
// values, for the in-tree plugins: parse what the host sends, build what it expects back.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace ha_plugins::answers {

// A question as match() and summarize() receive it.
struct Question {
    std::string text;  // " is plex running ": lowercase words, a space before and after each
    std::string question;
    std::vector<std::string> words;
    std::string subjectPlugin;                // "" when the conversation has no subject
    std::string subjectCapability;
    // Never null; read only (without a subject, both are one empty object shared by all questions).
    Poco::JSON::Object::Ptr subjectArguments;
    Poco::JSON::Object::Ptr subjectData;
    std::vector<std::string> allowed;  // the plugin's own capabilities the policy allows: a few

    bool has(std::string_view word) const;
    bool hasAny(std::initializer_list<std::string_view> words) const;
    // Whole words in sequence: hasPhrase("most memory").
    bool hasPhrase(std::string_view phrase) const;
    bool allows(const std::string& capability) const {
        return std::find(allowed.begin(), allowed.end(), capability) != allowed.end();
    }
    // The question is about what a workload uses ("which container uses the most memory?",
    // "cpu of the nginx service", "what about its memory?" after an answer about something),
    // not about the host's own CPU, memory or disks.
    bool aboutAWorkload() const;
    // The subject came from this plugin.
    bool subjectIs(const std::string& pluginId) const { return subjectPlugin == pluginId; }

    // Reads the match or summarize input; throws homelab_assistant::Error on malformed JSON.
    static Question parse(std::string_view json);
};

// The output of match(), written as text (no document: twelve plugins answer every question).
class Matches {
public:
    void add(const std::string& capability, double score, Poco::JSON::Object::Ptr arguments = nullptr,
             const std::vector<std::string>& names = {});
    bool empty() const { return list_.empty(); }
    std::string json() const;

private:
    struct Entry {
        std::string capability;
        double score;
        Poco::JSON::Object::Ptr arguments;  // null: {}
        std::vector<std::string> names;
    };
    std::vector<Entry> list_;
};

// One capability result as summarize() and checks() receive it.
struct Outcome {
    std::string capability;
    Poco::JSON::Object::Ptr arguments;  // never null
    std::string status;                 // "ok", "not_found", "unavailable", "denied" ...
    Poco::JSON::Object::Ptr result;     // when ok (null if the result was not an object)
    std::string error;                  // otherwise

    bool ok() const { return status == "ok" && result; }
};

// summarize() input: the question plus one outcome.
struct SummaryRequest {
    Question question;
    Outcome outcome;
    static SummaryRequest parse(std::string_view json);
};

// summarize() output, written as text.
std::string summary(const std::string& text, bool found = true, Poco::JSON::Object::Ptr subject = nullptr);

// checks() input: the outcomes of the profile's checks, in order.
struct CheckResults {
    std::vector<Outcome> results;
    // First outcome of that capability, or nullptr.
    const Outcome* find(const std::string& capability) const;
    static CheckResults parse(std::string_view json);
};

// checks() output.
class Findings {
public:
    enum class Severity { Ok, Warning, Critical };
    void add(Severity severity, const std::string& check, const std::string& subject, const std::string& message,
             Poco::JSON::Object::Ptr evidence = nullptr);
    void ok(const std::string& check, const std::string& subject, const std::string& message) {
        add(Severity::Ok, check, subject, message);
    }
    std::string json() const;

private:
    Poco::JSON::Array::Ptr list_ = new Poco::JSON::Array;
};

// profile() output.
class Profile {
public:
    Profile& words(std::initializer_list<const char*> vocabulary);
    Profile& topic(const std::string& capability, const std::string& title, const std::string& example);
    Profile& check(const std::string& capability, Poco::JSON::Object::Ptr arguments = nullptr);
    std::string json() const;

private:
    std::vector<std::string> vocabulary_;
    Poco::JSON::Array::Ptr topics_ = new Poco::JSON::Array;
    Poco::JSON::Array::Ptr checks_ = new Poco::JSON::Array;
};

}  // namespace ha_plugins::answers
