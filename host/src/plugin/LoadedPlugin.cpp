#include "plugin/LoadedPlugin.h"


#include "util/Text.h"

#include <Poco/Logger.h>

#include <cstddef>

namespace ha::plugin {

LoadedPlugin::LoadedPlugin(PluginIdentity identity, const ha_plugin_entry* entry, const Redactor* redactor,
                           CallLimits limits)
    : identity_(std::move(identity)), entry_(entry), redactor_(redactor), runner_(limits) {
    hostApi_ = ha_host_api{sizeof(ha_host_api), HA_ABI_MAJOR, HA_ABI_MINOR, 0, this, &LoadedPlugin::hostLog};
}

LoadedPlugin::~LoadedPlugin() {
    if (instance_ == nullptr) return;
    if (runner_.stuckCalls() > 0 || createAbandoned_) {
        Poco::Logger::get("plugin." + identity_.id)
            .warning("not destroying the instance: calls are still running inside the plugin");
        return;
    }
    try {
        entry_->destroy(instance_);
    } catch (...) {
        Poco::Logger::get("plugin." + identity_.id).error("destroy() let an exception escape");
    }
}

void LoadedPlugin::hostLog(void* ctx, int32_t level, const char* message) {
    if (ctx == nullptr || message == nullptr) return;
    auto* self = static_cast<LoadedPlugin*>(ctx);
    // Redacted before it is cut, so that the cut cannot keep the head of a secret.
    const std::string text = self->redactor_ != nullptr ? self->redactor_->redactForLog(message, 2000)
                                                        : text::sanitizeForLog(message, 2000);
    Poco::Logger& log = Poco::Logger::get("plugin." + self->identity_.id);
    if (level <= HA_LOG_ERROR) log.error(text);
    else if (level == HA_LOG_WARNING) log.warning(text);
    else if (level == HA_LOG_NOTICE) log.notice(text);
    else if (level == HA_LOG_INFO) log.information(text);
    else log.debug(text);
}

std::string LoadedPlugin::create(const std::string& configJson, Deadline deadline) {
    // The instance pointer is written by the call thread into a buffer that outlives it.
    auto slot = std::make_shared<void*>(nullptr);
    const ha_plugin_entry* entry = entry_;
    const ha_host_api* api = &hostApi_;
    CallOutcome outcome = runner_.run(
        [entry, api, slot](const ha_call* call) {
            return entry->create(api, call->input, slot.get(), call->error);
        },
        configJson, deadline);
    if (outcome.timedOut) {
        createAbandoned_ = true;
        return "create() did not return within the start-up deadline";
    }
    if (outcome.status != HA_OK) {
        std::string why = outcome.error.empty() ? "status " + std::to_string(outcome.status) : outcome.error;
        if (redactor_ != nullptr) why = redactor_->redact(why);
        return "create() failed: " + text::sanitizeForLog(why, 500);
    }
    if (*slot == nullptr) return "create() succeeded but returned no instance";
    instance_ = *slot;
    return "";
}

std::string LoadedPlugin::bindInterfaces() {
    if (identity_.kinds & HA_KIND_TOOLS) {
        const void* v = entry_->get_interface(instance_, HA_TOOLS_INTERFACE_V1);
        if (v == nullptr) return "announces tools but get_interface(\"" HA_TOOLS_INTERFACE_V1 "\") returned NULL";
        const auto* t = static_cast<const ha_tools_v1*>(v);
        if (!HA_STRUCT_HAS(t, ha_tools_v1, invoke)) {
            return "tools vtable is " + std::to_string(t->struct_size) + " bytes, ABI 1.0 needs " +
                   std::to_string(HA_SIZE_THROUGH(ha_tools_v1, invoke));
        }
        if (!t->count || !t->get || !t->invoke) return "tools vtable has NULL functions";
        tools_ = t;
        if (const void* a = entry_->get_interface(instance_, HA_ANSWERS_INTERFACE_V1)) {
            const auto* answers = static_cast<const ha_answers_v1*>(a);
            if (!HA_STRUCT_HAS(answers, ha_answers_v1, checks)) {
                return "answers vtable is " + std::to_string(answers->struct_size) + " bytes, ABI 1.1 needs " +
                       std::to_string(HA_SIZE_THROUGH(ha_answers_v1, checks));
            }
            answers_ = answers;
        }
    }
    if (identity_.kinds & HA_KIND_PROVIDER) {
        const void* v = entry_->get_interface(instance_, HA_PROVIDER_INTERFACE_V1);
        if (v == nullptr) return "announces a provider but get_interface(\"" HA_PROVIDER_INTERFACE_V1 "\") returned NULL";
        const auto* p = static_cast<const ha_provider_v1*>(v);
        if (!HA_STRUCT_HAS(p, ha_provider_v1, chat)) {
            return "provider vtable is " + std::to_string(p->struct_size) + " bytes, ABI 1.0 needs " +
                   std::to_string(HA_SIZE_THROUGH(ha_provider_v1, chat));
        }
        if (!p->chat) return "provider vtable has a NULL chat function";
        provider_ = p;
        if (HA_STRUCT_HAS(p, ha_provider_v1, describe)) providerDescribe_ = p->describe;
    }
    return "";
}

CallOutcome LoadedPlugin::call(const std::function<int32_t(void*, const ha_call*)>& fn, std::string input,
                               Deadline deadline, const CallContext& context, CallThread thread,
                               uint32_t callFlags) {
    void* instance = instance_;
    return runner_.run([fn, instance](const ha_call* c) { return fn(instance, c); }, std::move(input), deadline,
                       context, thread, callFlags);
}

}  // namespace ha::plugin
