// One plugin shared library that passed validation, with its live instance.
#pragma once

#include "plugin/CallRunner.h"
#include "secrets/Redactor.h"

#include <homelab_assistant/abi.h>
#include <homelab_assistant/answers.h>
#include <homelab_assistant/provider.h>
#include <homelab_assistant/tools.h>

#include <memory>
#include <string>

namespace ha::plugin {

struct PluginIdentity {
    std::string file;
    std::string id;
    std::string name;
    std::string version;
    std::string description;
    uint32_t kinds = 0;
    uint32_t abiMajor = 0;
    uint32_t abiMinor = 0;
    std::string settingsSchema;  // JSON Schema text of its settings, "" when it declares none

    bool providesTools() const { return (kinds & HA_KIND_TOOLS) != 0; }
    bool providesModel() const { return (kinds & HA_KIND_PROVIDER) != 0; }
};

class LoadedPlugin {
public:
    LoadedPlugin(PluginIdentity identity, const ha_plugin_entry* entry, const Redactor* redactor, CallLimits limits);
    ~LoadedPlugin();  // destroys the instance, unless calls are still stuck inside it
    LoadedPlugin(const LoadedPlugin&) = delete;
    LoadedPlugin& operator=(const LoadedPlugin&) = delete;

    // Runs the plugin's create() within `deadline`. Returns "" on success or an error message.
    std::string create(const std::string& configJson, Deadline deadline);
    // Looks up the interfaces the descriptor announces; returns "" or an error message.
    std::string bindInterfaces();

    const PluginIdentity& identity() const { return identity_; }
    const ha_tools_v1* tools() const { return tools_; }
    const ha_provider_v1* provider() const { return provider_; }
    const ha_answers_v1* answers() const { return answers_; }
    // The provider's describe() (ABI 1.1), or nullptr for a 1.0 provider.
    auto providerDescribe() const { return providerDescribe_; }
    void* instance() const { return instance_; }
    // Calls abandoned at their deadline that have not returned yet.
    int stuckCalls() const { return runner_.stuckCalls(); }

    // Runs fn (which receives the instance) on a call thread within the deadline, or on the
    // caller's thread for an instant capability (see CallRunner); callFlags: HA_CALL_*.
    CallOutcome call(const std::function<int32_t(void* instance, const ha_call*)>& fn, std::string input,
                     Deadline deadline, const CallContext& context = {}, CallThread thread = CallThread::Call,
                     uint32_t callFlags = 0);

private:
    static void hostLog(void* ctx, int32_t level, const char* message);

    PluginIdentity identity_;
    const ha_plugin_entry* entry_;
    const Redactor* redactor_;
    ha_host_api hostApi_{};
    CallRunner runner_;
    void* instance_ = nullptr;
    bool createAbandoned_ = false;
    const ha_tools_v1* tools_ = nullptr;
    const ha_provider_v1* provider_ = nullptr;
    int32_t (*providerDescribe_)(void*, const ha_call*) = nullptr;
    const ha_answers_v1* answers_ = nullptr;
};

}  // namespace ha::plugin
