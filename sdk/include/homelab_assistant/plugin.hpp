// Optional header-only C++17 helper for writing Homelab Assistant plugins in C++.
//
// It turns a plain C++ class into the C ABI of abi.h: every exported function is noexcept and
// converts exceptions into status codes, tool infos are kept alive for the life of the instance,
// and the entry struct is constant-initialised. Nothing here crosses the ABI itself.
//
//   class MyTools {
//   public:
//       MyTools(const homelab_assistant::Host& host, const std::string& config_json);
//       std::vector<homelab_assistant::ToolSpec> tools() const;             // called once
//       std::string invoke(const std::string& name, const homelab_assistant::Call& call);
//   };                                          // invoke() returns JSON or throws Error
//
// Optional members of a tools class turn on the answers interface (answers.h), each taking and
// returning JSON text as documented there:
//       std::string profile();                       // vocabulary, topics, checks
//       std::string match(const homelab_assistant::Call& call);
//       std::string summarize(const homelab_assistant::Call& call);
//       std::string checks(const homelab_assistant::Call& call);
//       static constexpr uint32_t kAnswersFlags = ...;  // HA_ANSWERS_INSTANT_* (answers.h)
// and ToolSpec::flags = HA_CAPABILITY_INSTANT marks a capability that answers at once (tools.h).
//   static const ha_plugin_descriptor kDescriptor = {sizeof(ha_plugin_descriptor),
//       HA_KIND_TOOLS, 0, 0, "my-tools", "My tools", "1.0.0", "Does things."};
//   HA_DEFINE_TOOLS_PLUGIN(MyTools, kDescriptor)
//
// A provider class has chat(const Call&) -> std::string instead (and optionally
// describe() -> std::string, see provider.h) and uses HA_DEFINE_PROVIDER_PLUGIN. Member
// functions may be called concurrently ([any-thread]).
#ifndef HOMELAB_ASSISTANT_PLUGIN_HPP
#define HOMELAB_ASSISTANT_PLUGIN_HPP

#include "homelab_assistant/abi.h"
#include "homelab_assistant/answers.h"
#include "homelab_assistant/provider.h"
#include "homelab_assistant/tools.h"

#include <cstring>
#include <ctime>
#include <exception>
#include <new>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace homelab_assistant {

// Current CLOCK_MONOTONIC time in nanoseconds, the clock of ha_call::deadline_ns.
inline uint64_t monotonicNowNs() noexcept {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

// A failure with an ABI status code; thrown by plugin code, turned into a return value.
class Error : public std::exception {
public:
    Error(int32_t status, std::string message) : status_(status), message_(std::move(message)) {}
    int32_t status() const noexcept { return status_; }
    const char* what() const noexcept override { return message_.c_str(); }

private:
    int32_t status_;
    std::string message_;
};

// Borrowed view of one call.
struct Call {
    std::string_view input;
    uint64_t deadlineNs = 0;
    std::string_view requestId;  // "" from a 1.0 host
    const ha_call* raw = nullptr;

    bool expired() const noexcept { return monotonicNowNs() >= deadlineNs || cancelled(); }
    // The caller gave up (client gone, server stopping); always false on a 1.0 host.
    bool cancelled() const noexcept {
        return raw != nullptr && HA_STRUCT_HAS(raw, ha_call, is_cancelled) && raw->is_cancelled != nullptr &&
               raw->is_cancelled(raw->cancel_ctx) != 0;
    }
    // Whether the caller wants text fragments as they are produced (providers).
    bool streaming() const noexcept {
        return raw != nullptr && HA_STRUCT_HAS(raw, ha_call, stream) && raw->stream != nullptr;
    }
    // Sends one text fragment to the stream sink; false when nobody streams or the sink refused.
    bool stream(std::string_view text) const noexcept {
        if (!streaming()) return false;
        return raw->stream->write(raw->stream->ctx, text.data(), text.size()) == HA_OK;
    }
    // The host asks only for what is already in memory (HA_CALL_MEMORY_ONLY, ABI 1.3): answer
    // from a kept result or throw Error(HA_ERR_WOULD_BLOCK, ...); always false on an older host.
    bool memoryOnly() const noexcept {
        return raw != nullptr && HA_STRUCT_HAS(raw, ha_call, flags) && (raw->flags & HA_CALL_MEMORY_ONLY) != 0;
    }
    // Milliseconds left before the deadline (0 when it has passed).
    uint64_t remainingMs() const noexcept {
        const uint64_t now = monotonicNowNs();
        return now >= deadlineNs ? 0 : (deadlineNs - now) / 1000000ull;
    }
    void throwIfExpired() const {
        if (expired()) throw Error(HA_ERR_TIMEOUT, "deadline exceeded");
    }
};

// The host's services, as given to create().
class Host {
public:
    explicit Host(const ha_host_api* api) noexcept : api_(api) {}
    void log(int32_t level, const std::string& message) const noexcept {
        if (api_ != nullptr && api_->log != nullptr) api_->log(api_->host_ctx, level, message.c_str());
    }

private:
    const ha_host_api* api_;
};

struct ToolSpec {
    std::string name;
    std::string description;
    std::string inputSchema = R"({"type":"object","properties":{},"additionalProperties":false})";
    uint32_t effect = HA_EFFECT_READ_ONLY;
    uint32_t timeoutMs = 0;
    uint32_t flags = 0;  // HA_CAPABILITY_* (tools.h): INSTANT for in-memory answers, FROM_MEMORY for kept ones
};

namespace detail {

inline int32_t writeSink(const ha_sink* sink, std::string_view bytes) noexcept {
    if (sink == nullptr || sink->write == nullptr) return HA_ERR_INTERNAL;
    return sink->write(sink->ctx, bytes.data(), bytes.size());
}

// Runs fn, writing its string result to `out`; exceptions become a status and an error message.
template <class Fn>
int32_t guarded(const ha_call* call, Fn&& fn) noexcept {
    if (call == nullptr) return HA_ERR_INVALID_ARGUMENT;
    try {
        const char* requestId = HA_STRUCT_HAS(call, ha_call, request_id) && call->request_id ? call->request_id : "";
        const Call view{std::string_view(call->input ? call->input : "{}", call->input ? call->input_len : 2),
                        call->deadline_ns, requestId, call};
        const std::string result = fn(view);
        return writeSink(call->output, result);
    } catch (const Error& e) {
        if (e.status() != HA_ERR_WOULD_BLOCK) writeSink(call->error, e.what());  // "would block" writes nothing
        return e.status() < 0 ? e.status() : HA_ERR_INTERNAL;
    } catch (const std::bad_alloc&) {
        writeSink(call->error, "out of memory");
        return HA_ERR_INTERNAL;
    } catch (const std::exception& e) {
        writeSink(call->error, e.what());
        return HA_ERR_INTERNAL;
    } catch (...) {
        writeSink(call->error, "unknown exception");
        return HA_ERR_INTERNAL;
    }
}

template <class Instance>
int32_t create(const ha_host_api* host, const char* config, void** out, const ha_sink* error) noexcept {
    if (out == nullptr) return HA_ERR_INVALID_ARGUMENT;
    *out = nullptr;
    try {
        *out = new Instance(Host(host), std::string(config != nullptr ? config : "{}"));
        return HA_OK;
    } catch (const Error& e) {
        writeSink(error, e.what());
        return e.status() < 0 ? e.status() : HA_ERR_INTERNAL;
    } catch (const std::exception& e) {
        writeSink(error, e.what());
        return HA_ERR_INTERNAL;
    } catch (...) {
        writeSink(error, "unknown exception");
        return HA_ERR_INTERNAL;
    }
}

template <class Instance>
void destroy(void* instance) noexcept {
    try {
        delete static_cast<Instance*>(instance);
    } catch (...) {
    }
}

}  // namespace detail

namespace detail {
// Detects the optional answers members of a tools class.
template <class T, class = void> struct HasProfile : std::false_type {};
template <class T> struct HasProfile<T, std::void_t<decltype(std::declval<T&>().profile())>> : std::true_type {};
template <class T, class = void> struct HasMatch : std::false_type {};
template <class T>
struct HasMatch<T, std::void_t<decltype(std::declval<T&>().match(std::declval<const Call&>()))>> : std::true_type {};
template <class T, class = void> struct HasSummarize : std::false_type {};
template <class T>
struct HasSummarize<T, std::void_t<decltype(std::declval<T&>().summarize(std::declval<const Call&>()))>>
    : std::true_type {};
template <class T, class = void> struct HasChecks : std::false_type {};
template <class T>
struct HasChecks<T, std::void_t<decltype(std::declval<T&>().checks(std::declval<const Call&>()))>> : std::true_type {};
template <class T, class = void> struct HasDescribe : std::false_type {};
template <class T> struct HasDescribe<T, std::void_t<decltype(std::declval<T&>().describe())>> : std::true_type {};
// A tools class says which answers functions are instant with
//     static constexpr uint32_t kAnswersFlags = HA_ANSWERS_INSTANT_SUMMARIZE | HA_ANSWERS_INSTANT_CHECKS;
template <class T, class = void> struct AnswersFlags { static constexpr uint32_t value = 0; };
template <class T> struct AnswersFlags<T, std::void_t<decltype(T::kAnswersFlags)>> {
    static constexpr uint32_t value = T::kAnswersFlags;
};
}  // namespace detail

// Adapts a tools class (see the top of this file) to ha_tools_v1, and to ha_answers_v1 when it
// has any of the optional answers members.
template <class Plugin>
struct ToolsAdapter {
    struct Instance {
        Plugin plugin;
        std::vector<ToolSpec> specs;
        std::vector<ha_tool_info> infos;

        Instance(const Host& host, const std::string& config) : plugin(host, config), specs(plugin.tools()) {
            infos.reserve(specs.size());
            for (const ToolSpec& s : specs) {
                infos.push_back(ha_tool_info{sizeof(ha_tool_info), s.effect, s.timeoutMs, 0, s.name.c_str(),
                                             s.description.c_str(), s.inputSchema.c_str(), s.flags, 0});
            }
        }
    };

    static uint32_t count(void* instance) noexcept {
        return static_cast<uint32_t>(static_cast<Instance*>(instance)->infos.size());
    }
    static const ha_tool_info* get(void* instance, uint32_t index) noexcept {
        const auto& infos = static_cast<Instance*>(instance)->infos;
        return index < infos.size() ? &infos[index] : nullptr;
    }
    static int32_t invoke(void* instance, const char* name, const ha_call* call) noexcept {
        if (name == nullptr) return HA_ERR_INVALID_ARGUMENT;
        return detail::guarded(call, [&](const Call& c) {
            return static_cast<Instance*>(instance)->plugin.invoke(std::string(name), c);
        });
    }
    static constexpr ha_tools_v1 vtable{sizeof(ha_tools_v1), 0, &count, &get, &invoke};

    static Plugin& plugin(void* instance) { return static_cast<Instance*>(instance)->plugin; }
    static int32_t profile(void* instance, const ha_call* call) noexcept {
        if constexpr (detail::HasProfile<Plugin>::value) {
            return detail::guarded(call, [&](const Call&) { return plugin(instance).profile(); });
        } else {
            return HA_ERR_UNSUPPORTED;
        }
    }
    static int32_t match(void* instance, const ha_call* call) noexcept {
        if constexpr (detail::HasMatch<Plugin>::value) {
            return detail::guarded(call, [&](const Call& c) { return plugin(instance).match(c); });
        } else {
            return HA_ERR_UNSUPPORTED;
        }
    }
    static int32_t summarize(void* instance, const ha_call* call) noexcept {
        if constexpr (detail::HasSummarize<Plugin>::value) {
            return detail::guarded(call, [&](const Call& c) { return plugin(instance).summarize(c); });
        } else {
            return HA_ERR_UNSUPPORTED;
        }
    }
    static int32_t checks(void* instance, const ha_call* call) noexcept {
        if constexpr (detail::HasChecks<Plugin>::value) {
            return detail::guarded(call, [&](const Call& c) { return plugin(instance).checks(c); });
        } else {
            return HA_ERR_UNSUPPORTED;
        }
    }
    static constexpr bool kAnswers = detail::HasProfile<Plugin>::value || detail::HasMatch<Plugin>::value ||
                                     detail::HasSummarize<Plugin>::value || detail::HasChecks<Plugin>::value;
    static constexpr ha_answers_v1 answersVtable{
        sizeof(ha_answers_v1),
        0,
        detail::HasProfile<Plugin>::value ? &profile : nullptr,
        detail::HasMatch<Plugin>::value ? &match : nullptr,
        detail::HasSummarize<Plugin>::value ? &summarize : nullptr,
        detail::HasChecks<Plugin>::value ? &checks : nullptr,
        detail::AnswersFlags<Plugin>::value,
        0};

    static const void* getInterface(void*, const char* id) noexcept {
        if (id == nullptr) return nullptr;
        if (std::strcmp(id, HA_TOOLS_INTERFACE_V1) == 0) return &vtable;
        if (kAnswers && std::strcmp(id, HA_ANSWERS_INTERFACE_V1) == 0) return &answersVtable;
        return nullptr;
    }
    static constexpr ha_plugin_entry entry(const ha_plugin_descriptor* descriptor) {
        return ha_plugin_entry{sizeof(ha_plugin_entry), HA_ABI_MAJOR,          HA_ABI_MINOR,
                               0,                       descriptor,            &detail::create<Instance>,
                               &detail::destroy<Instance>, &getInterface};
    }
};

// Adapts a provider class (chat(const Call&) -> JSON string) to ha_provider_v1.
template <class Plugin>
struct ProviderAdapter {
    using Instance = Plugin;

    static int32_t chat(void* instance, const ha_call* call) noexcept {
        return detail::guarded(call, [&](const Call& c) { return static_cast<Instance*>(instance)->chat(c); });
    }
    static int32_t describe(void* instance, const ha_call* call) noexcept {
        if constexpr (detail::HasDescribe<Plugin>::value) {
            return detail::guarded(call, [&](const Call&) { return static_cast<Instance*>(instance)->describe(); });
        } else {
            return HA_ERR_UNSUPPORTED;
        }
    }
    static constexpr ha_provider_v1 vtable{sizeof(ha_provider_v1), 0, &chat,
                                           detail::HasDescribe<Plugin>::value ? &describe : nullptr};

    static const void* getInterface(void*, const char* id) noexcept {
        return (id != nullptr && std::strcmp(id, HA_PROVIDER_INTERFACE_V1) == 0) ? &vtable : nullptr;
    }
    static constexpr ha_plugin_entry entry(const ha_plugin_descriptor* descriptor) {
        return ha_plugin_entry{sizeof(ha_plugin_entry), HA_ABI_MAJOR,          HA_ABI_MINOR,
                               0,                       descriptor,            &detail::create<Instance>,
                               &detail::destroy<Instance>, &getInterface};
    }
};

}  // namespace homelab_assistant

#define HA_DEFINE_TOOLS_PLUGIN(PluginClass, descriptor)                                  \
    extern "C" HA_EXPORT const ha_plugin_entry HA_ENTRY_SYMBOL =                         \
        ::homelab_assistant::ToolsAdapter<PluginClass>::entry(&(descriptor));

#define HA_DEFINE_PROVIDER_PLUGIN(PluginClass, descriptor)                               \
    extern "C" HA_EXPORT const ha_plugin_entry HA_ENTRY_SYMBOL =                         \
        ::homelab_assistant::ProviderAdapter<PluginClass>::entry(&(descriptor));

#endif  // HOMELAB_ASSISTANT_PLUGIN_HPP
