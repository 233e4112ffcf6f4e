// Runs zpool and zfs for the zfs plugin: finds out which one is installed, picks the commands
// and output format it speaks, runs them through a short-lived cache (a burst of questions runs
// each command once) and parses what they print. Read-only commands only; thread-safe.
#pragma once

#include "common/CommandRunner.h"
#include "common/ResultCache.h"
#include "tools/zfs/ZfsJson.h"
#include "tools/zfs/ZfsModel.h"

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace ha_plugins::zfs {

struct ZfsCommandSettings {
    std::string zpool = "/sbin/zpool";
    std::string zfs = "/sbin/zfs";
    CommandLimits limits;
    std::chrono::milliseconds cacheTtl{5000};
    std::chrono::milliseconds versionTtl{60000};
};

class ZfsCommands {
public:
    explicit ZfsCommands(ZfsCommandSettings settings, CommandRunner runner = CommandRunner());

    // The installed zpool, or nullopt when there is no executable at the configured path. Throws
    // homelab_assistant::Error (unavailable, timeout) when it is there but does not answer.
    std::optional<ZfsVersion> version(uint64_t deadlineNs);

    // Each throws homelab_assistant::Error: unavailable (the command failed, with its message),
    // timeout, or internal (output that could not be read).
    std::vector<PoolSpace> pools(const ZfsVersion& v, uint64_t deadlineNs);
    std::vector<PoolStatus> status(const ZfsVersion& v, uint64_t deadlineNs);
    DatasetListing datasets(const ZfsVersion& v, uint64_t deadlineNs);

    const ZfsCommandSettings& settings() const { return settings_; }
    // Commands actually started (not served from the cache), for tests and the bench.
    size_t commandsRun() const { return cache_.runs(); }

private:
    CommandResult run(const std::vector<std::string>& argv, uint64_t deadlineNs);
    // stdout of a command that must succeed.
    std::string output(const std::vector<std::string>& argv, uint64_t deadlineNs);

    ZfsCommandSettings settings_;
    CommandRunner runner_;
    ResultCache<CommandResult> cache_;
    std::mutex versionMutex_;
    std::optional<std::optional<ZfsVersion>> version_;  // outer: detected at all; inner: installed
    std::chrono::steady_clock::time_point versionAt_{};
};

}  // namespace ha_plugins::zfs
