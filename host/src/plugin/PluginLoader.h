// Loads every *.so of the plugin directory (RTLD_NOW | RTLD_LOCAL), validates the ABI, the
// descriptor and every capability before trusting it, and refuses bad plugins with a precise
// reason while loading the rest. Libraries are never unloaded.
#pragma once

#include "audit/Redactor.h"
#include "plugin/LoadedPlugin.h"
#include "tools/Tool.h"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ha::plugin {

struct PluginReport {
    std::string file;     // file name inside the directory
    std::string id;       // descriptor id when it could be read
    bool loaded = false;
    std::string message;  // why it was refused, or a summary when loaded
};

struct LoaderOptions {
    std::string directory;
    // JSON configuration handed to create() for a plugin.
    std::function<std::string(const PluginIdentity&)> settingsFor;
    std::chrono::milliseconds createTimeout{10000};
    const Redactor* redactor = nullptr;
    CallLimits limits;
};

struct LoadResult {
    std::vector<std::shared_ptr<LoadedPlugin>> plugins;
    std::vector<std::shared_ptr<Tool>> tools;
    std::vector<PluginReport> reports;
};

class PluginLoader {
public:
    explicit PluginLoader(LoaderOptions options);
    LoadResult loadAll() const;

    // "1.0": the plugin ABI this host provides.
    static std::string hostAbiVersion();

    // "disk.usage" -> "disk_usage": the function name offered to an LLM.
    static std::string functionNameOf(const std::string& capability);

private:
    std::string loadOne(const std::string& file, LoadResult& result, PluginReport& report) const;
    LoaderOptions options_;
};

}  // namespace ha::plugin
