// Helpers shared by the unit tests: temporary directories, fake tools and a scripted provider.
#pragma once

#include "chat/Provider.h"
#include "tools/Tool.h"
#include "util/Json.h"

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace ha::test {

// A fresh directory under /tmp, removed with its content at scope exit.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

void writeFile(const std::string& path, const std::string& content);
std::string readFile(const std::string& path);
void copyFile(const std::string& from, const std::string& to);

// A tool with a fixed result that counts its invocations.
class FakeTool : public Tool {
public:
    FakeTool(std::string capability, Effect effect, std::string resultJson,
             std::string schema = R"({"type":"object","properties":{},"additionalProperties":false})",
             std::string pluginId = "fake");
    const ToolInfo& info() const override { return info_; }
    ToolOutput invoke(const std::string& inputJson, Deadline deadline, const CallContext& context) override;

    // Result by exact input JSON (status Ok whatever `status` says); others get the default.
    std::map<std::string, std::string> resultsByInput;
    // Status by exact input JSON (with error text); inputs not listed get `status`.
    std::map<std::string, std::pair<CallStatus, std::string>> failuresByInput;

    std::atomic<int> calls{0};
    std::string lastInput;
    CallStatus status = CallStatus::Ok;

private:
    ToolInfo info_;
    std::string result_;
};

// A provider that replays scripted replies and records what it was sent.
class ScriptedProvider : public Provider {
public:
    std::string name() const override { return "scripted"; }
    ProviderReply chat(const ChatRequest& request) override;

    std::vector<ProviderReply> replies;  // consumed in order; the last one repeats
    std::vector<std::string> sentMessages;            // provider/1 JSON of each request's messages
    std::vector<std::vector<std::string>> sentTools;  // function names offered per request
    std::vector<std::optional<Subject>> sentSubjects;
    std::function<void()> throwBefore;                // optional: throw instead of replying
};

// The match() input the host sends a plugin for a question (answers.h): the text lowercased
// to " word word ", the question as typed, the subject (JSON, or "null") and the capabilities
// the policy allows.
std::string answersInput(const std::string& question, const std::vector<std::string>& allowed,
                         const std::string& subjectJson = "null");

ProviderReply toolCallReply(const std::string& id, const std::string& function, const std::string& arguments);
ProviderReply textReply(const std::string& text);

}  // namespace ha::test
