// Watches one /chat turn while it runs (the streamed answer): each tool call as it starts and
// finishes, the answer's text as the provider produces it, and the switch to the fallback when
// the model failed. Calls come one at a time: on the thread running the turn, except textDelta,
// which may come from the provider's call thread while the turn thread waits for it. An
// observer must not throw and should not block for long (it delays the turn).
#pragma once

#include "tools/ToolExecution.h"

#include <string>
#include <string_view>

namespace ha {

struct ProviderFailure;

// A tool call about to be run (or refused) as the model or the offline provider asked for it.
struct ToolCallStart {
    std::string id;          // the tool_call_id
    std::string capability;  // resolved capability, or the name as requested when unknown
    json::Var arguments;     // parsed arguments, or the raw text when they are not JSON
};

class TurnObserver {
public:
    virtual ~TurnObserver() = default;
    virtual void toolCallStarted(const ToolCallStart& call) = 0;
    // Every started call finishes, also one refused without running (decision "denied").
    virtual void toolCallFinished(const ToolCallRecord& record) = 0;
    // A fragment of the provider's text in model round `round` (1-based). The turn's final
    // answer is the last round's text (plus the fallback notice); earlier rounds' text, and what
    // a failed model streamed before the fallback, are not part of it.
    virtual void textDelta(int round, std::string_view text) = 0;
    // The model failed: the offline provider answers the turn from here on.
    virtual void fallbackStarted(const ProviderFailure& failure, const std::string& notice) = 0;
};

}  // namespace ha
