// Benchmark (prints figures, asserts nothing): the cost of one tool call through the whole gate
// (policy, schema validation, plugin call thread, C ABI, JSON parse) for the built-in plugins.
// A capability that cannot run here (no system bus, no engine) is listed as unavailable.
// usage: bench_tools PLUGIN_DIR [ITERATIONS [CAPABILITY[=INPUT_JSON] ...]]
//   Plugin settings come from the environment: HA_BENCH_SETTINGS='{"zfs": {...}, "smart": {...}}'.
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
#include <string>
#include <utility>
#include <vector>

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_tools PLUGIN_DIR [ITERATIONS [CAPABILITY[=INPUT_JSON] ...]]\n");
        return 2;
    }
    Poco::Logger::root().setChannel(new Poco::NullChannel);
    const int iterations = argc > 2 ? std::max(1, std::atoi(argv[2])) : 2000;
    std::vector<std::pair<std::string, std::string>> calls;  // capability, input
    for (int i = 3; i < argc; ++i) {
        const std::string arg = argv[i];
        const size_t eq = arg.find('=');
        calls.emplace_back(arg.substr(0, eq), eq == std::string::npos ? "{}" : arg.substr(eq + 1));
    }
    if (calls.empty()) {
        for (const char* c : {"cpu.usage", "memory.usage", "disk.usage", "sensors.temperatures", "sensors.fans",
                              "network.interfaces", "network.traffic", "systemd.status", "systemd.crashes"}) {
            calls.emplace_back(c, "{}");
        }
    }
    const char* settingsEnv = std::getenv("HA_BENCH_SETTINGS");
    const ha::json::Object::Ptr settings = ha::json::parseObject(settingsEnv ? settingsEnv : "{}");
    ha::plugin::LoaderOptions options;
    options.directory = argv[1];
    options.settingsFor = [&](const ha::plugin::PluginIdentity& id) {
        auto s = ha::json::getObject(settings, id.id);
        return s ? ha::json::stringify(s) : std::string("{}");
    };
    const ha::plugin::LoadResult loaded = ha::plugin::PluginLoader(options).loadAll();
    const ha::ToolRegistry registry(loaded.tools);
    const ha::Policy policy = ha::PolicyLoader::loadText("allow: [\"*\"]\n", "bench");
    const ha::ToolExecutor executor(registry, policy, std::chrono::milliseconds(30000));

    std::printf("%-24s %10s %10s %10s %10s\n", "capability", "calls", "mean us", "p50 us", "p99 us");
    for (const auto& [capability, input] : calls) {
        if (!registry.find(capability)) continue;
        // Warm up (the first sample, caches); a capability that cannot run here is only listed.
        const ha::ToolExecution first = executor.execute(capability, input, ha::Deadline::after(std::chrono::seconds(30)));
        if (first.record.status != ha::CallStatus::Ok) {
            std::printf("%-24s unavailable here: %s\n", capability.c_str(), first.record.error.substr(0, 100).c_str());
            continue;
        }
        std::vector<double> us;
        us.reserve(static_cast<size_t>(iterations));
        for (int i = 0; i < iterations; ++i) {
            const uint64_t start = ha::Deadline::nowNs();
            const ha::ToolExecution ex = executor.execute(capability, input, ha::Deadline::after(std::chrono::seconds(30)));
            us.push_back(ha::elapsedMs(start) * 1000.0);
            if (ex.record.status != ha::CallStatus::Ok) {
                std::fprintf(stderr, "%s failed: %s\n", capability.c_str(), ex.record.error.c_str());
                return 1;
            }
        }
        std::sort(us.begin(), us.end());
        double sum = 0;
        for (double v : us) sum += v;
        std::printf("%-24s %10d %10.1f %10.1f %10.1f\n", capability.c_str(), iterations, sum / static_cast<double>(us.size()),
                    us[us.size() / 2], us[us.size() * 99 / 100]);
    }
    return 0;
}
