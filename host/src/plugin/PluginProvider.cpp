#include "plugin/PluginProvider.h"

#include "plugin/AbiStatus.h"
#include "util/Text.h"

namespace ha::plugin {

PluginProvider::PluginProvider(std::shared_ptr<LoadedPlugin> plugin) : plugin_(std::move(plugin)) {}

std::string PluginProvider::requestJson(const ChatRequest& request) {
    auto messages = json::array();
    for (const Message& m : request.messages) {
        auto o = json::object();
        o->set("role", std::string(roleName(m.role)));
        o->set("content", m.content);
        if (!m.toolCalls.empty()) {
            auto calls = json::array();
            for (const ToolCall& c : m.toolCalls) {
                auto fn = json::object();
                fn->set("name", c.function);
                fn->set("arguments", c.arguments);
                auto call = json::object();
                call->set("id", c.id);
                call->set("type", "function");
                call->set("function", fn);
                calls->add(call);
            }
            o->set("tool_calls", calls);
        }
        if (m.role == Message::Role::Tool) {
            o->set("tool_call_id", m.toolCallId);
            o->set("name", m.name);
        }
        messages->add(o);
    }
    auto tools = json::array();
    for (const FunctionSpec& spec : request.functions) {
        auto fn = json::object();
        fn->set("name", spec.function);
        fn->set("description", spec.description);
        fn->set("parameters", spec.parameters);
        auto tool = json::object();
        tool->set("type", "function");
        tool->set("function", fn);
        tools->add(tool);
    }
    auto o = json::object();
    o->set("messages", messages);
    if (tools->size() > 0) o->set("tools", tools);
    return json::stringify(o);
}

ProviderReply PluginProvider::chat(const ChatRequest& request) {
    const ha_provider_v1* provider = plugin_->provider();
    CallOutcome outcome = plugin_->call(
        [provider](void* instance, const ha_call* call) { return provider->chat(instance, call); },
        requestJson(request), request.deadline, request.context);
    if (outcome.timedOut) throw ProviderError(CallStatus::Timeout, "the language model did not answer in time");
    if (outcome.cancelled) throw ProviderError(CallStatus::Timeout, "the request was cancelled");
    const CallStatus status = fromAbiStatus(outcome.status);
    if (status != CallStatus::Ok) {
        throw ProviderError(status, outcome.error.empty() ? std::string(toString(status)) : outcome.error);
    }
    return parseReply(outcome.output);
}

ProviderDescription PluginProvider::describe() const {
    ProviderDescription d;
    auto fn = plugin_->providerDescribe();
    if (fn == nullptr) return d;
    CallOutcome outcome = plugin_->call([fn](void* instance, const ha_call* call) { return fn(instance, call); }, "{}",
                                        Deadline::after(std::chrono::seconds(2)));
    if (outcome.status == HA_ERR_UNSUPPORTED) return d;
    try {
        if (outcome.status != HA_OK) throw json::JsonError(outcome.error);
        auto o = json::parseObject(outcome.output);
        d.ready = json::getBool(o, "ready").value_or(true);
        d.reason = text::sanitizeForLog(json::getString(o, "reason").value_or(""), 200);
        d.model = text::sanitizeForLog(json::getString(o, "model").value_or(""), 200);
        d.endpoint = text::sanitizeForLog(json::getString(o, "endpoint").value_or(""), 300);
    } catch (const json::JsonError& e) {
        d.ready = false;
        d.reason = std::string("describe() failed: ") + text::sanitizeForLog(e.what(), 200);
    }
    return d;
}

ProviderReply PluginProvider::parseReply(const std::string& output) {
    json::Object::Ptr o;
    try {
        o = json::parseObject(output);
    } catch (const json::JsonError& e) {
        throw ProviderError(CallStatus::Internal, std::string("provider plugin returned invalid output: ") + e.what());
    }
    ProviderReply reply;
    reply.content = json::getString(o, "content").value_or("");
    reply.finishReason = json::getString(o, "finish_reason").value_or("");
    reply.model = json::getString(o, "model").value_or("");
    if (auto calls = json::getArray(o, "tool_calls")) {
        for (size_t i = 0; i < calls->size(); ++i) {
            auto c = json::asObject(calls->get(i));
            if (!c) continue;
            ToolCall call;
            call.id = json::getString(c, "id").value_or("");
            call.function = json::getString(c, "name").value_or("");
            if (c->has("arguments")) {
                const json::Var a = c->get("arguments");
                call.arguments = a.isString() ? a.extract<std::string>() : json::stringify(a);
            }
            reply.toolCalls.push_back(std::move(call));
        }
    }
    return reply;
}

}  // namespace ha::plugin
