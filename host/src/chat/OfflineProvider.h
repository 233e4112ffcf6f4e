// The embedded provider used when no language model is configured. It speaks the same
// tool-calling protocol as an LLM: for a user question it asks for the relevant capabilities,
// and once their results come back it writes a deterministic plain-language answer.
#pragma once

#include "chat/OfflineAnswers.h"
#include "chat/Provider.h"

#include <string>
#include <vector>

namespace ha {

class OfflineProvider : public Provider {
public:
    enum class Intent { Health, Containers, Crashes, Disk, Cpu, Memory };

    std::string name() const override { return "offline"; }
    ProviderReply chat(const json::Array::Ptr& messages, const std::vector<FunctionSpec>& tools,
                       Deadline deadline) override;

    // What a question is about, in a fixed order; empty when it is not understood.
    static std::vector<Intent> classify(const std::string& question);

private:
    static std::vector<std::string> capabilitiesFor(const std::vector<Intent>& intents);
    static ProviderReply requestTools(const std::string& question, const std::vector<FunctionSpec>& tools);
    static ProviderReply answer(const json::Array::Ptr& messages, const std::vector<FunctionSpec>& tools);
};

}  // namespace ha
