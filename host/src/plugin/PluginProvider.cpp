#include "plugin/PluginProvider.h"

#include "plugin/AbiStatus.h"
#include "util/Text.h"

namespace ha::plugin {

PluginProvider::PluginProvider(std::shared_ptr<LoadedPlugin> plugin) : plugin_(std::move(plugin)) {}

ProviderReply PluginProvider::chat(const json::Array::Ptr& messages, const std::vector<FunctionSpec>& tools,
                                   Deadline deadline) {
    auto request = json::object();
    request->set("messages", messages);
    auto toolArray = json::array();
    for (const FunctionSpec& spec : tools) {
        auto fn = json::object();
        fn->set("name", spec.function);
        fn->set("description", spec.description);
        fn->set("parameters", spec.parameters);
        auto tool = json::object();
        tool->set("type", "function");
        tool->set("function", fn);
        toolArray->add(tool);
    }
    if (toolArray->size() > 0) request->set("tools", toolArray);

    const ha_provider_v1* provider = plugin_->provider();
    CallOutcome outcome = plugin_->call(
        [provider](void* instance, const ha_call* call) { return provider->chat(instance, call); },
        json::stringify(request), deadline);
    if (outcome.timedOut) throw ProviderError(CallStatus::Timeout, "the language model did not answer in time");
    const CallStatus status = fromAbiStatus(outcome.status);
    if (status != CallStatus::Ok) {
        throw ProviderError(status, text::sanitizeForLog(outcome.error.empty() ? toString(status) : outcome.error, 1000));
    }
    return parseReply(outcome.output);
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
            ToolCallRequest req;
            req.id = json::getString(c, "id").value_or("");
            req.function = json::getString(c, "name").value_or("");
            if (c->has("arguments")) {
                const json::Var a = c->get("arguments");
                req.arguments = a.isString() ? a.extract<std::string>() : json::stringify(a);
            }
            reply.toolCalls.push_back(std::move(req));
        }
    }
    return reply;
}

}  // namespace ha::plugin
