// Benchmark (prints figures, asserts nothing): the cost of one tool call through the whole gate
// (policy, schema validation, plugin call thread, C ABI, JSON parse) for the built-in plugins.
// A capability that cannot run here (no system bus, no engine) is listed as unavailable.
// usage: bench_tools PLUGIN_DIR [ITERATIONS [CAPABILITY...]]
// HA_BENCH_SETTINGS='{"systemd":{"bus_address":"unix:path=..."}}' passes settings per plugin id.
#include "plugin/PluginLoader.h"
#include "policy/PolicyLoader.h"
#include "tools/ToolExecutor.h"
#include "tools/ToolRegistry.h"
#include "util/Deadline.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Logger.h>
#include <Poco/NullChannel.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s PLUGIN_DIR [ITERATIONS]\n", argv[0]);
        return 2;
    }
    Poco::Logger::root().setChannel(new Poco::NullChannel);
    const int iterations = argc > 2 ? std::atoi(argv[2]) : 2000;
    ha::plugin::LoaderOptions options;
    options.directory = argv[1];
    Poco::JSON::Object::Ptr settings = new Poco::JSON::Object;
    if (const char* env = std::getenv("HA_BENCH_SETTINGS")) {
        settings = Poco::JSON::Parser().parse(env).extract<Poco::JSON::Object::Ptr>();
    }
    options.settingsFor = [settings](const ha::plugin::PluginIdentity& plugin) {
        if (!settings->has(plugin.id)) return std::string("{}");
        std::ostringstream out;
        Poco::JSON::Stringifier::condense(settings->getObject(plugin.id), out);
        return out.str();
    };
    const ha::plugin::LoadResult loaded = ha::plugin::PluginLoader(options).loadAll();
    const ha::ToolRegistry registry(loaded.tools);
    const ha::Policy policy = ha::PolicyLoader::loadText("allow: [\"*\"]\n", "bench");
    std::vector<std::string> capabilities = {"cpu.usage",       "memory.usage",    "disk.usage",
                                             "sensors.temperatures", "sensors.fans", "network.interfaces",
                                             "network.traffic", "systemd.status",  "systemd.crashes"};
    if (argc > 3) capabilities.assign(argv + 3, argv + argc);
    const ha::ToolExecutor executor(registry, policy, std::chrono::milliseconds(5000));

    std::printf("%-22s %10s %10s %10s %10s\n", "capability", "calls", "mean us", "p50 us", "p99 us");
    for (const std::string& capability : capabilities) {
        if (!registry.find(capability)) continue;
        // Warm up (the first CPU and traffic samples, a cache filled once).
        const ha::ToolExecution first = executor.execute(capability, "{}", ha::Deadline::after(std::chrono::seconds(5)));
        if (first.record.status != ha::CallStatus::Ok) {
            std::printf("%-22s unavailable here: %s\n", capability.c_str(), first.record.error.c_str());
            continue;
        }
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
        std::printf("%-22s %10d %10.1f %10.1f %10.1f\n", capability.c_str(), iterations, sum / us.size(), us[us.size() / 2],
                    us[us.size() * 99 / 100]);
    }
    return 0;
}
