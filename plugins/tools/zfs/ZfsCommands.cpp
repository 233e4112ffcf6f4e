#include "tools/zfs/ZfsCommands.h"

#include "tools/zfs/ZfsJson.h"
#include "tools/zfs/ZfsTables.h"
#include "tools/zfs/ZpoolStatusText.h"

#include <homelab_assistant/plugin.hpp>

#include <stdexcept>

namespace ha_plugins::zfs {

using homelab_assistant::Error;

namespace {

const std::vector<std::string> kPoolColumns = {"name", "size", "allocated", "free", "capacity", "fragmentation", "health"};
// zfs-fuse's zpool has no fragmentation property.
const std::vector<std::string> kLegacyPoolColumns = {"name", "size", "allocated", "free", "capacity", "health"};
const std::vector<std::string> kDatasetColumns = {"name",  "type",          "used",      "available",
                                                  "referenced", "quota", "compressratio", "mountpoint"};

std::string join(const std::vector<std::string>& items, char sep) {
    std::string s;
    for (const auto& i : items) {
        if (!s.empty()) s += sep;
        s += i;
    }
    return s;
}

// "zpool status" for messages: the program's base name and its arguments.
std::string commandName(const std::vector<std::string>& argv) {
    std::string s = argv[0].substr(argv[0].rfind('/') + 1);
    for (size_t i = 1; i < argv.size() && i < 3; ++i) s += " " + argv[i];
    return s;
}

template <class Fn>
auto parsed(const std::vector<std::string>& argv, Fn&& fn) -> decltype(fn()) {
    try {
        return fn();
    } catch (const std::invalid_argument& e) {
        throw Error(HA_ERR_INTERNAL, "could not read the output of " + commandName(argv) + ": " + e.what());
    }
}

}  // namespace

ZfsCommands::ZfsCommands(ZfsCommandSettings settings, CommandRunner runner)
    : settings_(std::move(settings)), runner_(std::move(runner)), cache_(settings_.cacheTtl) {}

CommandResult ZfsCommands::run(const std::vector<std::string>& argv, uint64_t deadlineNs) {
    const auto waitUntil = std::chrono::steady_clock::now() +
                           std::chrono::nanoseconds(deadlineNs > homelab_assistant::monotonicNowNs()
                                                        ? deadlineNs - homelab_assistant::monotonicNowNs()
                                                        : 0);
    auto result = cache_.get(
        join(argv, '\x1f'),
        [&] {
            const uint64_t ownDeadline = homelab_assistant::monotonicNowNs() +
                                         static_cast<uint64_t>(settings_.limits.timeout.count()) * 1000000ull;
            CommandResult r = runner_.run(argv, settings_.limits, deadlineNs);
            // Cut short by this caller's deadline rather than the command's own: not a fact
            // about zpool worth remembering for the next caller.
            if (r.outcome == CommandResult::Outcome::TimedOut && deadlineNs < ownDeadline) {
                throw Error(HA_ERR_TIMEOUT, commandName(argv) + " did not finish before the call's deadline");
            }
            return r;
        },
        waitUntil);
    if (!result) throw Error(HA_ERR_TIMEOUT, commandName(argv) + " is still running for another request");
    return *result;
}

std::string ZfsCommands::output(const std::vector<std::string>& argv, uint64_t deadlineNs) {
    CommandResult r = run(argv, deadlineNs);
    const std::string name = commandName(argv);
    switch (r.outcome) {
        case CommandResult::Outcome::Exited:
            if (r.exitCode == 0) return std::move(r.out);
            if (r.err.find("/dev/zfs") != std::string::npos) {
                // The hardened service's private /dev has no ZFS control device unless opted in.
                throw Error(HA_ERR_UNAVAILABLE, r.describe(name) + " (the assistant's service needs /dev/zfs: install "
                                                "/usr/share/doc/homelab-assistant/examples/zfs-access.conf, see the README)");
            }
            throw Error(HA_ERR_UNAVAILABLE, r.describe(name));
        case CommandResult::Outcome::TimedOut:
            throw Error(HA_ERR_TIMEOUT, name + " did not finish within " +
                                            std::to_string(settings_.limits.timeout.count()) + " ms (command_timeout_ms)");
        case CommandResult::Outcome::OutputTooLarge:
            throw Error(HA_ERR_UNAVAILABLE, name + " printed more than " + std::to_string(settings_.limits.maxOutputBytes) +
                                                " bytes (max_output_bytes)");
        case CommandResult::Outcome::NotFound:
            throw Error(HA_ERR_UNAVAILABLE, "no " + argv[0].substr(argv[0].rfind('/') + 1) + " command at " + argv[0]);
        default: throw Error(HA_ERR_UNAVAILABLE, r.describe(name));
    }
}

std::optional<ZfsVersion> ZfsCommands::version(uint64_t deadlineNs) {
    {
        std::lock_guard<std::mutex> lock(versionMutex_);
        if (version_ && std::chrono::steady_clock::now() - versionAt_ < settings_.versionTtl) return *version_;
    }
    std::optional<ZfsVersion> detected;
    // OpenZFS >= 2.3 answers `zpool version -j`; 2.x before it rejects -j but knows `version`;
    // zfs-fuse and other pre-OpenZFS tools do not know the subcommand at all.
    CommandResult json = run({settings_.zpool, "version", "-j"}, deadlineNs);
    if (json.outcome == CommandResult::Outcome::NotFound) {
        detected = std::nullopt;
    } else if (json.succeeded()) {
        detected = parsed({settings_.zpool, "version"}, [&] { return parseVersionJson(json.out); });
    } else if (json.outcome == CommandResult::Outcome::TimedOut) {
        throw Error(HA_ERR_TIMEOUT, "zpool version did not finish within " + std::to_string(settings_.limits.timeout.count()) +
                                        " ms (command_timeout_ms)");
    } else {
        CommandResult text = run({settings_.zpool, "version"}, deadlineNs);
        if (text.succeeded() || text.out.rfind("zfs-", 0) == 0) {
            // `zpool version` exits 1 when the kernel module is missing but still names the tools.
            detected = parsed({settings_.zpool, "version"}, [&] { return parseVersionText(text.out); });
        } else if (text.err.find("unrecognized command") != std::string::npos) {
            ZfsVersion legacy;
            legacy.flavour = Flavour::Legacy;
            detected = legacy;
        } else if (text.outcome == CommandResult::Outcome::TimedOut) {
            throw Error(HA_ERR_TIMEOUT, "zpool version did not finish within " +
                                            std::to_string(settings_.limits.timeout.count()) + " ms (command_timeout_ms)");
        } else {
            throw Error(HA_ERR_UNAVAILABLE, text.describe("zpool version"));
        }
    }
    std::lock_guard<std::mutex> lock(versionMutex_);
    version_ = detected;
    versionAt_ = std::chrono::steady_clock::now();
    return detected;
}

std::vector<PoolSpace> ZfsCommands::pools(const ZfsVersion& v, uint64_t deadlineNs) {
    switch (v.flavour) {
        case Flavour::Json: {
            std::vector<std::string> argv = {settings_.zpool, "list", "-j", "-p", "--json-int", "-o", join(kPoolColumns, ',')};
            const std::string out = output(argv, deadlineNs);
            return parsed(argv, [&] { return parseZpoolListJson(out); });
        }
        case Flavour::Text: {
            std::vector<std::string> argv = {settings_.zpool, "list", "-H", "-p", "-o", join(kPoolColumns, ',')};
            const std::string out = output(argv, deadlineNs);
            return parsed(argv, [&] { return parseZpoolListTable(out, kPoolColumns); });
        }
        case Flavour::Legacy: {
            std::vector<std::string> argv = {settings_.zpool, "list", "-H", "-o", join(kLegacyPoolColumns, ',')};
            const std::string out = output(argv, deadlineNs);
            return parsed(argv, [&] { return parseZpoolListTable(out, kLegacyPoolColumns); });
        }
    }
    return {};
}

std::vector<PoolStatus> ZfsCommands::status(const ZfsVersion& v, uint64_t deadlineNs) {
    if (v.flavour == Flavour::Json) {
        std::vector<std::string> argv = {settings_.zpool, "status", "-j", "-p", "--json-int"};
        const std::string out = output(argv, deadlineNs);
        return parsed(argv, [&] { return parseZpoolStatusJson(out); });
    }
    std::vector<std::string> argv = {settings_.zpool, "status"};
    if (v.flavour == Flavour::Text) argv.push_back("-p");  // exact error counts
    const std::string out = output(argv, deadlineNs);
    return parsed(argv, [&] { return parseZpoolStatusText(out); });
}

DatasetListing ZfsCommands::datasets(const ZfsVersion& v, uint64_t deadlineNs) {
    DatasetListing listing;
    if (v.flavour == Flavour::Legacy) {
        // zfs-fuse's `zfs list` has no -p, its `zfs get` has: every dataset and snapshot in one go.
        std::vector<std::string> argv = {settings_.zfs, "get", "-H", "-p", "-o", "name,property,value",
                                         "type,used,available,referenced,quota,compressratio,mountpoint,creation"};
        const std::string out = output(argv, deadlineNs);
        return parsed(argv, [&] { return parseZfsGetTable(out); });
    }
    if (v.flavour == Flavour::Json) {
        std::vector<std::string> argv = {settings_.zfs, "list", "-j", "-p", "--json-int", "-t", "filesystem,volume",
                                         "-o", join(kDatasetColumns, ',')};
        const std::string out = output(argv, deadlineNs);
        listing = parsed(argv, [&] { return parseZfsListJson(out); });
    } else {
        std::vector<std::string> argv = {settings_.zfs, "list", "-H", "-p", "-t", "filesystem,volume",
                                         "-o", join(kDatasetColumns, ',')};
        const std::string out = output(argv, deadlineNs);
        listing = parsed(argv, [&] { return parseZfsListTable(out, kDatasetColumns); });
    }
    // Snapshots as two tab-separated columns on every OpenZFS: a NAS with automatic snapshots has
    // tens of thousands, and their JSON form is six times larger.
    std::vector<std::string> argv = {settings_.zfs, "list", "-H", "-p", "-t", "snapshot", "-o", "name,creation"};
    const std::string out = output(argv, deadlineNs);
    listing.snapshots = parsed(argv, [&] { return parseZfsListTable(out, {"name", "creation"}); }).snapshots;
    return listing;
}

}  // namespace ha_plugins::zfs
