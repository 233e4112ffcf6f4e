#include "providers/chat-completions/ChatStreamAssembler.h"

#include "common/PluginConfig.h"

#include <homelab_assistant/plugin.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

namespace ha_plugins::providers {

using homelab_assistant::Error;

namespace {

std::string stringField(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || o->get(key).isEmpty()) return "";
    const auto v = o->get(key);
    return v.isString() ? v.extract<std::string>() : v.convert<std::string>();
}

Poco::JSON::Object::Ptr objectField(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || o->get(key).type() != typeid(Poco::JSON::Object::Ptr)) return nullptr;
    return o->getObject(key);
}

Poco::JSON::Array::Ptr arrayField(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || o->get(key).type() != typeid(Poco::JSON::Array::Ptr)) return nullptr;
    return o->getArray(key);
}

}  // namespace

ChatStreamAssembler::ChatStreamAssembler(TextSink onText) : onText_(std::move(onText)) {}

void ChatStreamAssembler::add(const std::string& data) {
    if (data == "[DONE]") {
        done_ = true;
        return;
    }
    Poco::JSON::Object::Ptr chunk;
    try {
        Poco::JSON::Parser parser;
        const Poco::Dynamic::Var v = parser.parse(data);
        if (v.type() != typeid(Poco::JSON::Object::Ptr)) throw Poco::Exception("not a JSON object");
        chunk = v.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception& e) {
        throw Error(HA_ERR_UNAVAILABLE, "the model server streamed invalid JSON: " + e.message().substr(0, 200));
    }
    // OpenAI reports a failure that happens mid-stream as a chunk with an error object.
    if (auto error = objectField(chunk, "error")) {
        std::string message = stringField(error, "message");
        if (message.empty()) message = stringField(error, "type");
        throw Error(HA_ERR_UNAVAILABLE, "the model server failed while streaming: " + message.substr(0, 300));
    }
    if (model_.empty()) model_ = stringField(chunk, "model");
    if (auto usage = objectField(chunk, "usage")) usage_ = usage;
    if (auto usage = objectField(objectField(chunk, "x_groq"), "usage")) usage_ = usage;
    auto choices = arrayField(chunk, "choices");
    if (!choices || choices->size() == 0) return;  // the usage chunk has none
    auto choice = choices->getObject(0);
    if (!choice) return;
    if (auto delta = objectField(choice, "delta")) {
        const std::string text = stringField(delta, "content");
        if (!text.empty()) {
            content_ += text;
            if (onText_) {
                onText_(text);
                streamedText_ = true;
            }
        }
        refusal_ += stringField(delta, "refusal");
        if (auto calls = arrayField(delta, "tool_calls")) {
            for (size_t i = 0; i < calls->size(); ++i) addToolCallFragment(calls->getObject(static_cast<unsigned>(i)), i);
        }
    }
    const std::string finish = stringField(choice, "finish_reason");
    if (!finish.empty()) finishReason_ = finish;
}

void ChatStreamAssembler::addToolCallFragment(const Poco::JSON::Object::Ptr& fragment, size_t position) {
    if (!fragment) return;
    // Servers that send each call whole leave out the index: the position in the list then.
    long index = static_cast<long>(position);
    if (fragment->has("index") && !fragment->get("index").isEmpty()) {
        try {
            index = fragment->getValue<long>("index");
        } catch (const Poco::Exception&) {
            throw Error(HA_ERR_UNAVAILABLE, "the model server streamed a tool call with an invalid index");
        }
    }
    if (index < 0 || index >= kMaxToolCalls) {
        throw Error(HA_ERR_UNAVAILABLE, "the model server streamed a tool call with index " + std::to_string(index));
    }
    if (static_cast<size_t>(index) >= toolCalls_.size()) toolCalls_.resize(static_cast<size_t>(index) + 1);
    ToolCallParts& call = toolCalls_[static_cast<size_t>(index)];
    if (const std::string id = stringField(fragment, "id"); !id.empty()) call.id = id;
    if (auto fn = objectField(fragment, "function")) {
        // The name comes whole in the first fragment (some servers repeat it later).
        if (const std::string name = stringField(fn, "name"); !name.empty() && call.name != name) call.name += name;
        if (fn->has("arguments") && !fn->get("arguments").isEmpty()) {
            const auto a = fn->get("arguments");
            call.arguments += a.isString() ? a.extract<std::string>() : stringField(fn, "arguments");
        }
    }
}

std::string ChatStreamAssembler::output() const {
    if (!complete()) throw Error(HA_ERR_UNAVAILABLE, "the model server's stream ended before the answer was complete");
    auto out = newObject();
    out->set("content", content_.empty() ? refusal_ : content_);
    Poco::JSON::Array::Ptr calls = new Poco::JSON::Array;
    for (const ToolCallParts& part : toolCalls_) {
        if (part.name.empty()) continue;  // an index that never got a function
        auto c = newObject();
        c->set("id", part.id);
        c->set("name", part.name);
        c->set("arguments", part.arguments.empty() ? "{}" : part.arguments);
        calls->add(c);
    }
    out->set("tool_calls", calls);
    out->set("finish_reason", finishReason_.empty() ? std::string(calls->size() > 0 ? "tool_calls" : "stop") : finishReason_);
    out->set("model", model_);
    if (usage_) {
        auto u = newObject();
        u->set("prompt_tokens", usage_->optValue<Poco::Int64>("prompt_tokens", 0));
        u->set("completion_tokens", usage_->optValue<Poco::Int64>("completion_tokens", 0));
        out->set("usage", u);
    }
    return toJson(out);
}

}  // namespace ha_plugins::providers
