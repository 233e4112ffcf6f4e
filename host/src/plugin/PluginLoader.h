// Loads every *.so of the plugin directory (RTLD_NOW | RTLD_LOCAL), validates the ABI, the
// descriptor, the plugin's settings and every capability before trusting it, and refuses bad
// plugins with a precise reason while loading the rest. Capability groups are bound to one
// plugin, and no two capabilities may reach a model under the same function name. Libraries are
// never unloaded.
#pragma once

#include "answers/Answerer.h"
#include "plugin/LoadedPlugin.h"
#include "secrets/Redactor.h"
#include "tools/Tool.h"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ha::plugin {

class PluginAnswers;

struct PluginReport {
    std::string file;     // file name inside the directory
    std::string id;       // descriptor id when it could be read
    bool loaded = false;
    std::string message;  // why it was refused, or a summary when loaded
    bool settingsRejected = false;  // refused because its settings do not match its schema
};

struct LoaderOptions {
    std::string directory;
    // The plugin's settings as a JSON object (plugins.settings.<id> in config.yaml).
    std::function<std::string(const PluginIdentity&)> settingsFor;
    std::chrono::milliseconds createTimeout{10000};
    std::chrono::milliseconds answersTimeout{2000};
    // Receives the secrets found in settings (values marked writeOnly, and values of keys that
    // name a credential) before the plugin's create() runs.
    Redactor* redactor = nullptr;
    CallLimits limits;
};

struct LoadResult {
    std::vector<std::shared_ptr<LoadedPlugin>> plugins;
    std::vector<std::shared_ptr<Tool>> tools;
    std::vector<std::shared_ptr<const Answerer>> answerers;
    std::vector<PluginReport> reports;

    bool anySettingsRejected() const;
};

class PluginLoader {
public:
    explicit PluginLoader(LoaderOptions options);
    LoadResult loadAll() const;

    // "1.1": the plugin ABI this host provides.
    static std::string hostAbiVersion();

    // "disk.usage" -> "disk_usage": the function name offered to an LLM.
    static std::string functionNameOf(const std::string& capability);
    // The group a plugin id owns: its id with '-' and '.' read as '_' ("acme-ups" -> "acme_ups").
    static std::string groupOfId(const std::string& id);

private:
    // A plugin that passed every check of its own; accept() decides against the others.
    struct Candidate {
        std::shared_ptr<LoadedPlugin> plugin;
        std::vector<ToolInfo> capabilities;
        std::shared_ptr<PluginAnswers> answers;
        std::string answersError;
        size_t report = 0;  // index in LoadResult::reports
    };

    std::optional<Candidate> loadOne(const std::string& file, const std::vector<Candidate>& loaded,
                                     PluginReport& report) const;
    std::string checkSettings(const PluginIdentity& identity, std::string& settings) const;
    void refuseGroupIntruders(std::vector<Candidate>& candidates, LoadResult& result) const;
    void refuseFunctionCollisions(std::vector<Candidate>& candidates, LoadResult& result) const;
    void accept(std::vector<Candidate>& candidates, LoadResult& result) const;

    LoaderOptions options_;
};

}  // namespace ha::plugin
