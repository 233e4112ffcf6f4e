// Puts a streamed Chat Completions answer ("stream": true) together from its chunks, as OpenAI,
// Groq and llama.cpp send them: each `data:` payload is a chat.completion.chunk whose
// choices[0].delta carries the next piece of `content` (forwarded at once to the text sink) or
// fragments of `tool_calls`, assembled by their `index` (the id, type and name come in the first
// fragment, the arguments in pieces); finish_reason comes in the last chunk, usage in the last
// (OpenAI with include_usage, llama.cpp) or in x_groq (Groq); `data: [DONE]` ends the stream. An
// `error` object in the stream is the model server's error. output() is the provider/1 output a
// non-streamed reply would give.
#pragma once

#include <Poco/JSON/Object.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace ha_plugins::providers {

class ChatStreamAssembler {
public:
    using TextSink = std::function<void(std::string_view)>;

    // onText may be empty (nobody streams): the text is only collected.
    explicit ChatStreamAssembler(TextSink onText);

    // One `data:` payload. Throws homelab_assistant::Error for an error chunk or a chunk that is
    // not JSON (HA_ERR_UNAVAILABLE).
    void add(const std::string& data);

    // [DONE] came, or a choice finished.
    bool complete() const { return done_ || !finishReason_.empty(); }
    // Some text went to the sink: the answer can no longer be asked for again.
    bool streamedText() const { return streamedText_; }
    // Throws homelab_assistant::Error (HA_ERR_UNAVAILABLE) when the stream ended early.
    std::string output() const;

    // More tool calls than this in one reply is not a model talking.
    static constexpr int kMaxToolCalls = 128;

private:
    struct ToolCallParts {
        std::string id, name, arguments;
    };
    void addToolCallFragment(const Poco::JSON::Object::Ptr& fragment, size_t position);

    TextSink onText_;
    std::string content_, refusal_, finishReason_, model_;
    std::vector<ToolCallParts> toolCalls_;
    Poco::JSON::Object::Ptr usage_;
    bool done_ = false;
    bool streamedText_ = false;
};

}  // namespace ha_plugins::providers
