// Results of the /proc-based capabilities (cpu, memory, disk) reused for a short time, setting
// "cache_ms" (default 250, 0 reads every time): two requests in the same moment would read the
// same numbers anyway, and a burst of them reads /proc and builds the JSON once.
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

    explicit ShortCache(const PluginConfig& config)
        : cache_(std::chrono::milliseconds(config.integer("cache_ms", kDefaultMs, 0, 60000))) {}

    // The result for `key` (the capability and its input): made by `make` unless one younger
    // than cache_ms is at hand; a caller waiting past its deadline for another's run times out.
    std::string get(const std::string& key, const std::function<std::string()>& make,
                    const homelab_assistant::Call& call) {
        const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(call.remainingMs());
        std::optional<std::string> result = cache_.get(key, make, until);
        if (!result) throw homelab_assistant::Error(HA_ERR_TIMEOUT, "timed out waiting for a result being made");
        return std::move(*result);
    }

private:
    ResultCache<std::string> cache_;
};

}  // namespace ha_plugins
