// Tool plugin "smart": disk health from SMART (model, serial, health, temperature, power-on
// hours, bad sectors, NVMe warnings), read from the files the root collector writes
// (packaging/homelab-assistant-smart-collect, run by homelab-assistant-smart.timer): the hardened
// service itself has no access to raw disks. Implements the answers interface.
#include "common/Answers.h"
#include "common/PluginConfig.h"
#include "common/RefreshedValue.h"
#include "common/SameAnswer.h"
#include "common/ResultCache.h"
#include "tools/smart/SmartAnswers.h"
#include "tools/smart/SmartStore.h"
#include "tools/smart/SmartView.h"

#include <homelab_assistant/plugin.hpp>

#include <Poco/JSON/Array.h>

#include <ctime>

namespace ha_plugins::smart {

using homelab_assistant::Call;
using homelab_assistant::Error;
using homelab_assistant::Host;
using homelab_assistant::ToolSpec;

namespace {

int64_t unixNow() { return static_cast<int64_t>(::time(nullptr)); }

}  // namespace

class SmartTools {
public:
    SmartTools(const Host&, const std::string& configJson) {
        const PluginConfig config(configJson);
        dataDir_ = config.string("data_dir", "/var/lib/homelab-assistant/smart");
        if (dataDir_.empty() || dataDir_[0] != '/') throw Error(HA_ERR_INVALID_ARGUMENT, "'data_dir' must be an absolute path");
        limits_.maxAgeMinutes = config.integer("max_age_minutes", 90, 1, 100000);
        limits_.hddTemperatureC = config.number("hdd_temperature_warning_c", 50, 0, 150);
        limits_.ssdTemperatureC = config.number("ssd_temperature_warning_c", 60, 0, 150);
        limits_.nvmeTemperatureC = config.number("nvme_temperature_warning_c", 70, 0, 150);
        maxDisks_ = static_cast<size_t>(config.integer("max_disks", 256, 1, 4096));
        maxFileBytes_ = static_cast<size_t>(config.integer("max_file_bytes", 4 << 20, 4096, 64 << 20));
        const std::chrono::seconds ttl(config.integer("cache_seconds", 5, 0, 3600));
        cache_ = std::make_unique<ResultCache<SmartSnapshot>>(ttl, 1);
        results_ = std::make_unique<ResultCache<std::string>>(ttl);
        known_ = std::make_unique<RefreshedValue<KnownDisks>>([this] { return readKnown(); }, kKnownTtl, kKnownWait);
    }

    std::vector<ToolSpec> tools() const {
        ToolSpec disks;
        disks.name = "smart.disks";
        disks.description =
            "SMART health of every disk (HDD, SSD, NVMe): model, serial, health check passed or failed, temperature, "
            "power-on hours, reallocated/pending/offline-uncorrectable sectors (ATA), NVMe critical warning, media "
            "errors and percentage used; disks in standby are reported as such (never woken). Includes when the data "
            "was collected and whether it is stale.";
        ToolSpec disk;
        disk.name = "smart.disk";
        disk.description =
            "SMART details of one disk (by device name such as sda or nvme0, serial number or model): everything "
            "smart.disks reports plus the full ATA attribute table (value, worst, threshold, raw) or the NVMe health "
            "log, power cycles and the last self-test result.";
        disk.inputSchema =
            R"J({"type":"object","properties":{"disk":{"type":"string","minLength":1,"maxLength":128,)J"
            R"J("description":"Device name (sda, /dev/nvme0), serial number or model"}},"required":["disk"],"additionalProperties":false})J";
        // A kept result is given on the host's thread; reading the collector's files needs a call thread.
        disks.flags = disk.flags = HA_CAPABILITY_FROM_MEMORY;
        return {disks, disk};
    }

    // Results are kept as long as the files read: a burst of questions reads and renders once.
    std::string invoke(const std::string& name, const Call& call) {
        const uint64_t now = homelab_assistant::monotonicNowNs();
        const auto until = std::chrono::steady_clock::now() +
                           std::chrono::nanoseconds(call.deadlineNs > now ? call.deadlineNs - now : 0);
        // The index's version is part of the key, so a new collection is seen at once. Its stat is
        // the one file-system call a memory-only answer makes: metadata of a local file, on the
        // disk the audit log is written to anyway; reading the files waits for a call thread.
        const std::string key = indexVersion(dataDir_) + '\n' + name + '\n' + std::string(call.input);
        if (call.memoryOnly()) {
            std::optional<std::string> kept = results_->fresh(key);
            if (!kept) throw Error(HA_ERR_WOULD_BLOCK, "not in memory");
            return std::move(*kept);
        }
        auto result = results_->get(key, [&] { return compute(name, call); }, until);
        if (!result) throw Error(HA_ERR_TIMEOUT, name + " is still being answered for another request");
        return *result;
    }

    std::string compute(const std::string& name, const Call& call) {
        const PluginConfig input = PluginConfig::fromInput(call.input);
        const SmartSnapshot s = snapshot(call.deadlineNs);
        known_->put(knownIn(s));
        if (name == "smart.disks") {
            if (!s.collected) return toJson(notCollectedView(dataDir_, s.reason));
            return toJson(disksView(s.index, s.disks, unixNow(), limits_, dataDir_));
        }
        if (name == "smart.disk") {
            const std::string wanted = input.string("disk", "");
            if (!s.collected) throw Error(HA_ERR_UNAVAILABLE, s.reason);
            const DiskRecord* r = findDisk(s.disks, wanted);
            if (r == nullptr) {
                std::string known;
                for (const auto& d : s.disks) known += (known.empty() ? "" : ", ") + recordName(d);
                throw Error(HA_ERR_NOT_FOUND, "there is no disk '" + wanted + "' in the SMART data" +
                                                  (known.empty() ? std::string(" (no disks were found)") : " (disks: " + known + ")"));
            }
            auto out = diskDetail(*r, limits_);
            out->set("collected_at", isoUtc(s.index.collectedAt));
            out->set("age_seconds", static_cast<Poco::Int64>(std::max<int64_t>(0, unixNow() - s.index.collectedAt)));
            return toJson(out);
        }
        throw Error(HA_ERR_NOT_FOUND, "unknown capability " + name);
    }

    // ---- answers interface ----
    // summarize and checks read their input only; match() reads the disks' names from memory
    // (RefreshedValue: read again on a thread of its own, waited for briefly).
    static constexpr uint32_t kAnswersFlags =
        HA_ANSWERS_INSTANT_MATCH | HA_ANSWERS_INSTANT_SUMMARIZE | HA_ANSWERS_INSTANT_CHECKS;
    std::string profile() { return smartProfile(*known_->get()); }

    std::string match(const Call& call) { return smartMatch(answers::Question::parse(call.input), *known_->get()); }

    std::string summarizeAnew(const Call& call) { return smartSummarize(answers::SummaryRequest::parse(call.input)); }

    std::string checks(const Call& call) {
        const int64_t now = unixNow();  // the findings word ages in seconds: part of the key
        return checkAnswers_.get(call.input, now, [&] { return smartChecks(answers::CheckResults::parse(call.input), limits_, now); });
    }

    // The same input gives the same text (common/SameAnswer.h): kept, not worded again.
    std::string summarize(const Call& call) { return summaries_.get(call.input, 0, [&] { return summarizeAnew(call); }); }

private:
    SameAnswer summaries_;
    SameAnswer checkAnswers_;

    SmartSnapshot snapshot(uint64_t deadlineNs) {
        const uint64_t now = homelab_assistant::monotonicNowNs();
        const auto until = std::chrono::steady_clock::now() + std::chrono::nanoseconds(deadlineNs > now ? deadlineNs - now : 0);
        auto s = cache_->get(indexVersion(dataDir_), [&] { return loadSmartData(dataDir_, maxFileBytes_, maxDisks_); }, until);
        if (!s) throw Error(HA_ERR_TIMEOUT, "the SMART data is still being read for another request");
        return *s;
    }

    static KnownDisks knownIn(const SmartSnapshot& s) {
        KnownDisks k;
        for (const auto& r : s.disks) {
            if (!r.disk) continue;
            k.devices.push_back(r.disk->name());
            if (!r.disk->serial.empty()) k.serials.push_back(r.disk->serial);
            if (!r.disk->model.empty()) k.models.push_back(r.disk->model);
        }
        return k;
    }

    // On the RefreshedValue's thread. No data: questions are matched by their words alone.
    KnownDisks readKnown() {
        try {
            return knownIn(snapshot(homelab_assistant::monotonicNowNs() +
                                    static_cast<uint64_t>(std::chrono::nanoseconds(kKnownWait).count())));
        } catch (const Error&) {
            return {};
        }
    }

    // The disks' names for match(): read again after a minute, or as soon as a capability call
    // loads a new collection (compute() puts them), so a new disk is known by name at once.
    static constexpr std::chrono::milliseconds kKnownTtl{60000};
    static constexpr std::chrono::milliseconds kKnownWait{1600};  // under the 2 s answers deadline

    std::string dataDir_;
    SmartLimits limits_;
    size_t maxDisks_ = 256;
    size_t maxFileBytes_ = 4 << 20;
    std::unique_ptr<ResultCache<SmartSnapshot>> cache_;
    std::unique_ptr<ResultCache<std::string>> results_;
    std::unique_ptr<RefreshedValue<KnownDisks>> known_;  // last: its thread reads the members above
};

constexpr const char* kSettingsSchema =
    R"J({"type":"object","additionalProperties":false,"properties":{)J"
    R"J("data_dir":{"type":"string","minLength":1,"description":"where the collector writes (default /var/lib/homelab-assistant/smart)"},)J"
    R"J("max_age_minutes":{"type":"integer","minimum":1,"maximum":100000,"description":"older data is a warning (default 90)"},)J"
    R"J("hdd_temperature_warning_c":{"type":"number","minimum":0,"maximum":150,"description":"default 50"},)J"
    R"J("ssd_temperature_warning_c":{"type":"number","minimum":0,"maximum":150,"description":"default 60"},)J"
    R"J("nvme_temperature_warning_c":{"type":"number","minimum":0,"maximum":150,"description":"default 70"},)J"
    R"J("max_disks":{"type":"integer","minimum":1,"maximum":4096},)J"
    R"J("max_file_bytes":{"type":"integer","minimum":4096,"maximum":67108864},)J"
    R"J("cache_seconds":{"type":"integer","minimum":0,"maximum":3600,"description":"reuse the files read this long (default 5)"}}})J";

const ha_plugin_descriptor kDescriptor = {sizeof(ha_plugin_descriptor), HA_KIND_TOOLS, 0, 0, "smart", "SMART",
                                          HA_PLUGIN_VERSION,
                                          "Disk health, temperatures and wear from SMART data a root collector gathers.",
                                          kSettingsSchema};

}  // namespace ha_plugins::smart

HA_DEFINE_TOOLS_PLUGIN(ha_plugins::smart::SmartTools, ha_plugins::smart::kDescriptor)
