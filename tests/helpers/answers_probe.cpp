// Drives one plugin through its C ABI, without the host, for plugin tests:
//   answers_probe PLUGIN.so SETTINGS_JSON FUNCTION [INPUT_JSON | NAME INPUT_JSON]
// FUNCTION is profile, match, summarize or checks (interface homelab_assistant.answers/1), or
// invoke NAME (a capability of homelab_assistant.tools/1). Prints the output document on stdout,
// the error text on stderr, and exits 0 on HA_OK, 2 on a plugin error status, 1 on misuse.
// The plugin's log lines go to stderr prefixed with "log:".
#include <homelab_assistant/answers.h>
#include <homelab_assistant/tools.h>

#include <dlfcn.h>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>

namespace {

int32_t append(void* ctx, const char* bytes, size_t len) {
    if (len > 0) static_cast<std::string*>(ctx)->append(bytes, len);
    return HA_OK;
}

void logLine(void*, int32_t level, const char* message) { std::fprintf(stderr, "log: [%d] %s\n", level, message); }

int32_t notCancelled(void*) { return 0; }

uint64_t deadlineIn(uint64_t seconds) {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (static_cast<uint64_t>(ts.tv_sec) + seconds) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

int usage() {
    std::fprintf(stderr, "usage: answers_probe PLUGIN.so SETTINGS_JSON profile|match|summarize|checks [INPUT_JSON]\n"
                         "       answers_probe PLUGIN.so SETTINGS_JSON invoke CAPABILITY [INPUT_JSON]\n");
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) return usage();
    const std::string function = argv[3];
    const bool invoke = function == "invoke";
    if (invoke && argc < 5) return usage();
    const std::string capability = invoke ? argv[4] : "";
    const int inputArg = invoke ? 5 : 4;
    const std::string input = argc > inputArg ? argv[inputArg] : "{}";

    void* handle = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
        std::fprintf(stderr, "cannot load %s: %s\n", argv[1], dlerror());
        return 1;
    }
    const auto* entry = static_cast<const ha_plugin_entry*>(dlsym(handle, HA_ENTRY_SYMBOL_NAME));
    if (entry == nullptr || entry->abi_major != HA_ABI_MAJOR) {
        std::fprintf(stderr, "%s is not a plugin for ABI %u\n", argv[1], HA_ABI_MAJOR);
        return 1;
    }
    const ha_host_api host{sizeof(ha_host_api), HA_ABI_MAJOR, HA_ABI_MINOR, 0, nullptr, &logLine};
    std::string output, error;
    const ha_sink out{sizeof(ha_sink), 0, &output, &append};
    const ha_sink err{sizeof(ha_sink), 0, &error, &append};
    void* instance = nullptr;
    if (int32_t s = entry->create(&host, argv[2], &instance, &err); s != HA_OK) {
        std::fprintf(stderr, "create() failed (%d): %s\n", s, error.c_str());
        return 2;
    }

    const ha_call call{sizeof(ha_call), 0, deadlineIn(30), input.c_str(), input.size(), &out, &err,
                       "probe", nullptr, &notCancelled, nullptr, 0, 0};
    int32_t status = HA_ERR_UNSUPPORTED;
    if (invoke) {
        const auto* tools = static_cast<const ha_tools_v1*>(entry->get_interface(instance, HA_TOOLS_INTERFACE_V1));
        if (tools == nullptr) {
            std::fprintf(stderr, "the plugin offers no %s\n", HA_TOOLS_INTERFACE_V1);
            return 1;
        }
        status = tools->invoke(instance, capability.c_str(), &call);
    } else {
        const auto* answers = static_cast<const ha_answers_v1*>(entry->get_interface(instance, HA_ANSWERS_INTERFACE_V1));
        if (answers == nullptr) {
            std::fprintf(stderr, "the plugin offers no %s\n", HA_ANSWERS_INTERFACE_V1);
            return 1;
        }
        int32_t (*fn)(void*, const ha_call*) = nullptr;
        if (function == "profile") fn = answers->profile;
        else if (function == "match") fn = answers->match;
        else if (function == "summarize") fn = answers->summarize;
        else if (function == "checks") fn = answers->checks;
        else return usage();
        if (fn == nullptr) {
            std::fprintf(stderr, "the plugin's answers interface has no %s\n", function.c_str());
            return 2;
        }
        status = fn(instance, &call);
    }
    std::fwrite(output.data(), 1, output.size(), stdout);
    if (!output.empty()) std::fputc('\n', stdout);
    if (status != HA_OK) std::fprintf(stderr, "status %d: %s\n", status, error.c_str());
    entry->destroy(instance);
    return status == HA_OK ? 0 : 2;
}
