// Benchmark (prints figures, asserts nothing): the cost of one tool call through the whole gate
// (policy, schema validation, plugin call thread, C ABI, JSON parse) for the built-in plugins.
// usage: bench_tools PLUGIN_DIR [ITERATIONS] [--settings FILE] [CAPABILITY ...]
//   FILE: a JSON object of plugin settings by plugin id ({"truenas": {...}}); the capabilities
//   default to cpu.usage, memory.usage and disk.usage.
#include "plugin/PluginLoader.h"
#include "policy/PolicyLoader.h"
#include "tools/ToolExecutor.h"
#include "tools/ToolRegistry.h"
#include "util/Deadline.h"
#include "util/Json.h"

#include <Poco/Logger.h>
#include <Poco/NullChannel.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s PLUGIN_DIR [ITERATIONS] [--settings FILE] [CAPABILITY ...]\n", argv[0]);
        return 2;
    }
    Poco::Logger::root().setChannel(new Poco::NullChannel);
    const int iterations = argc > 2 ? std::atoi(argv[2]) : 2000;
    ha::json::Object::Ptr settings = ha::json::object();
    std::vector<std::string> capabilities;
    for (int i = 3; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--settings" && i + 1 < argc) {
            std::ifstream in(argv[++i]);
            std::stringstream text;
            text << in.rdbuf();
            settings = ha::json::parseObject(text.str());
        } else {
            capabilities.push_back(arg);
        }
    }
    if (capabilities.empty()) capabilities = {"cpu.usage", "memory.usage", "disk.usage"};
    ha::plugin::LoaderOptions options;
    options.directory = argv[1];
    options.settingsFor = [&settings](const ha::plugin::PluginIdentity& id) {
        return settings->has(id.id) ? ha::json::stringify(settings->get(id.id)) : std::string("{}");
    };
    const ha::plugin::LoadResult loaded = ha::plugin::PluginLoader(options).loadAll();
    const ha::ToolRegistry registry(loaded.tools);
    std::string allow = "allow: [";
    for (size_t i = 0; i < capabilities.size(); ++i) allow += (i ? ", \"" : "\"") + capabilities[i] + "\"";
    const ha::Policy policy = ha::PolicyLoader::loadText(allow + "]\n", "bench");
    const ha::ToolExecutor executor(registry, policy, std::chrono::milliseconds(5000));

    std::printf("%-24s %10s %10s %10s %10s\n", "capability", "calls", "mean us", "p50 us", "p99 us");
    for (const std::string& capability : capabilities) {
        if (!registry.find(capability)) continue;
        executor.execute(capability, "{}", ha::Deadline::after(std::chrono::seconds(5)));  // warm up (first CPU sample)
        std::vector<double> us;
        us.reserve(static_cast<size_t>(iterations));
        for (int i = 0; i < iterations; ++i) {
            const uint64_t start = ha::Deadline::nowNs();
            const ha::ToolExecution ex = executor.execute(capability, "{}", ha::Deadline::after(std::chrono::seconds(5)));
            us.push_back(ha::elapsedMs(start) * 1000.0);
            if (ex.record.status != ha::CallStatus::Ok) {
                std::fprintf(stderr, "%s failed: %s\n", capability.c_str(), ex.record.error.c_str());
                return 1;
            }
        }
        std::sort(us.begin(), us.end());
        double sum = 0;
        for (double v : us) sum += v;
        std::printf("%-24s %10d %10.1f %10.1f %10.1f\n", capability.c_str(), iterations, sum / us.size(), us[us.size() / 2],
                    us[us.size() * 99 / 100]);
    }
    return 0;
}
