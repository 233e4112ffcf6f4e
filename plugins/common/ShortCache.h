// Recent results of a plugin's capabilities, reused for a short time (setting "cache_ms"; 0
// makes every call anew): two requests in the same moment would read the same state anyway, and
// a burst of them reads it once. A failure is kept like a result (a missing socket is reported
// again without another connect), except a timeout, which belongs to its caller's deadline.
// A memory-only call (HA_CALL_MEMORY_ONLY) is answered from what is kept or told it would block,
// which is what lets such capabilities declare HA_CAPABILITY_FROM_MEMORY.
#pragma once

#include "common/PluginConfig.h"
#include "common/ResultCache.h"

#include <homelab_assistant/plugin.hpp>

#include <chrono>
#include <functional>
#include <string>

namespace ha_plugins {

class ShortCache {
public:
    static constexpr int64_t kDefaultMs = 250;

    explicit ShortCache(const PluginConfig& config, int64_t defaultMs = kDefaultMs, int64_t maxMs = 60000)
        : ShortCache(std::chrono::milliseconds(config.integer("cache_ms", defaultMs, 0, maxMs))) {}
    explicit ShortCache(std::chrono::milliseconds ttl) : cache_(ttl) {}

    // The result for `key` (the capability and its input): made by `make` unless one younger
    // than cache_ms is kept; a caller waiting past its deadline for another's run times out.
    // A kept failure is thrown again as the homelab_assistant::Error it was.
    std::string get(const std::string& key, const std::function<std::string()>& make,
                    const homelab_assistant::Call& call) {
        if (call.memoryOnly()) {
            std::optional<Kept> kept = cache_.fresh(key);
            if (!kept) throw homelab_assistant::Error(HA_ERR_WOULD_BLOCK, "not in memory");
            return open(std::move(*kept));
        }
        const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(call.remainingMs());
        std::optional<Kept> kept = cache_.get(key, [&] { return keep(make); }, until);
        if (!kept) throw homelab_assistant::Error(HA_ERR_TIMEOUT, "timed out waiting for a result being made");
        return open(std::move(*kept));
    }

    // How often a result was made (for tests).
    size_t runs() const { return cache_.runs(); }

private:
    struct Kept {
        int32_t status = HA_OK;  // HA_OK: text is the result; else the failure's message
        std::string text;
    };

    static Kept keep(const std::function<std::string()>& make) {
        try {
            return Kept{HA_OK, make()};
        } catch (const homelab_assistant::Error& e) {
            if (e.status() == HA_ERR_TIMEOUT || e.status() >= 0) throw;
            return Kept{e.status(), e.what()};
        }
    }

    static std::string open(Kept kept) {
        if (kept.status != HA_OK) throw homelab_assistant::Error(kept.status, std::move(kept.text));
        return std::move(kept.text);
    }

    ResultCache<Kept> cache_;
};

}  // namespace ha_plugins
