#include "tools/smart/SmartView.h"

#include "common/PluginConfig.h"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <cctype>
#include <ctime>

namespace ha_plugins::smart {

using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

void setOptional(Object::Ptr o, const std::string& key, const std::optional<uint64_t>& v) {
    if (v) o->set(key, jsonInt(*v));
    else o->set(key, Poco::Dynamic::Var());
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// "active", "standby" (not read, so as not to wake it) or "unreadable".
std::string stateOf(const DiskRecord& r) {
    if (!r.disk) return "unreadable";
    if (r.disk->standby) return "standby";
    return r.disk->readable ? "active" : "unreadable";
}

std::string problemOf(const DiskRecord& r) {
    if (!r.problem.empty()) return r.problem;
    if (!r.entry.error.empty()) return r.entry.error;
    if (r.disk && !r.disk->errors.empty()) return r.disk->errors.front();
    if (r.disk && !r.disk->readable && !r.disk->standby) return "smartctl read no SMART data (exit status " + std::to_string(r.disk->exitStatus) + ")";
    return "";
}

}  // namespace

std::string recordName(const DiskRecord& r) {
    if (r.disk) return r.disk->name();
    return r.entry.name.rfind("/dev/", 0) == 0 ? r.entry.name.substr(5) : r.entry.name;
}

double SmartLimits::temperatureLimit(const Disk& d) const {
    if (d.kind == "nvme") return nvmeTemperatureC;
    if (d.kind == "ssd") return ssdTemperatureC;
    return hddTemperatureC;  // spinning or unknown: the strictest
}

std::string isoUtc(int64_t unixSeconds) {
    const time_t t = static_cast<time_t>(unixSeconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

Object::Ptr diskSummary(const DiskRecord& r, const SmartLimits& limits) {
    auto o = newObject();
    const std::string device = r.disk && !r.disk->device.empty() ? r.disk->device : r.entry.name;
    o->set("device", device);
    o->set("type", r.disk && !r.disk->type.empty() ? r.disk->type : r.entry.type);
    o->set("state", stateOf(r));
    o->set("name", recordName(r));
    if (!r.disk) {
        o->set("problem", problemOf(r));
        return o;
    }
    const Disk& d = *r.disk;
    o->set("kind", d.kind);
    if (!d.model.empty()) o->set("model", d.model);
    if (!d.serial.empty()) o->set("serial", d.serial);
    setOptional(o, "capacity_bytes", d.capacityBytes);
    if (d.standby) {
        o->set("power_mode", d.powerMode);
        return o;  // nothing was read: the disk stays asleep
    }
    o->set("health", d.healthPassed ? std::string(*d.healthPassed ? "passed" : "failed") : std::string("unknown"));
    if (d.temperatureC) o->set("temperature_c", rounded(*d.temperatureC, 1));
    else o->set("temperature_c", Poco::Dynamic::Var());
    o->set("temperature_limit_c", limits.temperatureLimit(d));
    setOptional(o, "power_on_hours", d.powerOnHours);
    if (d.protocol == "NVMe") {
        auto n = newObject();
        setOptional(n, "critical_warning", d.criticalWarning);
        if (d.criticalWarning && *d.criticalWarning) {
            Array::Ptr bits = new Array;
            for (const auto& b : criticalWarningBits(*d.criticalWarning)) bits->add(b);
            n->set("critical_warning_meaning", bits);
        }
        setOptional(n, "media_errors", d.mediaErrors);
        setOptional(n, "percentage_used", d.percentageUsed);
        setOptional(n, "available_spare_percent", d.availableSpare);
        setOptional(n, "available_spare_threshold_percent", d.availableSpareThreshold);
        o->set("nvme", n);
    } else {
        setOptional(o, "reallocated_sectors", d.reallocatedSectors);
        setOptional(o, "pending_sectors", d.pendingSectors);
        setOptional(o, "offline_uncorrectable_sectors", d.offlineUncorrectable);
    }
    Array::Ptr failing = new Array;
    for (const auto& a : d.attributes) {
        if (a.whenFailed == "now") failing->add(a.name.empty() ? "attribute " + std::to_string(a.id) : a.name);
    }
    if (failing->size() > 0) o->set("failing_attributes", failing);
    const std::string problem = problemOf(r);
    if (!problem.empty()) o->set("problem", problem);
    return o;
}

Object::Ptr diskDetail(const DiskRecord& r, const SmartLimits& limits) {
    auto o = diskSummary(r, limits);
    if (!r.disk) return o;
    const Disk& d = *r.disk;
    if (!d.family.empty()) o->set("family", d.family);
    if (!d.firmware.empty()) o->set("firmware", d.firmware);
    if (d.rotationRpm) o->set("rotation_rpm", *d.rotationRpm);
    setOptional(o, "power_cycles", d.powerCycles);
    if (!d.selfTest.empty()) o->set("last_self_test", d.selfTest);
    o->set("smartctl_exit_status", d.exitStatus);
    if (!d.attributes.empty()) {
        Array::Ptr table = new Array;
        for (const auto& a : d.attributes) {
            auto row = newObject();
            row->set("id", a.id);
            row->set("name", a.name);
            if (a.value) row->set("value", *a.value);
            if (a.worst) row->set("worst", *a.worst);
            if (a.threshold) row->set("threshold", *a.threshold);
            row->set("raw", jsonInt(a.raw));
            if (!a.rawText.empty() && a.rawText != std::to_string(a.raw)) row->set("raw_text", a.rawText);
            if (!a.whenFailed.empty()) row->set("when_failed", a.whenFailed);
            if (a.prefailure) row->set("prefailure", true);
            table->add(row);
        }
        o->set("attributes", table);
    }
    if (d.protocol == "NVMe") {
        auto n = o->getObject("nvme");
        if (n) {
            setOptional(n, "unsafe_shutdowns", d.unsafeShutdowns);
            setOptional(n, "error_log_entries", d.errorLogEntries);
        }
    }
    return o;
}

Object::Ptr disksView(const CollectionIndex& index, const std::vector<DiskRecord>& disks, int64_t now,
                      const SmartLimits& limits, const std::string& dataDir) {
    auto o = newObject();
    o->set("collected", true);
    o->set("collected_at", isoUtc(index.collectedAt));
    o->set("collected_at_unix", static_cast<Poco::Int64>(index.collectedAt));
    const int64_t age = std::max<int64_t>(0, now - index.collectedAt);
    o->set("age_seconds", static_cast<Poco::Int64>(age));
    o->set("stale", age > limits.maxAgeMinutes * 60);
    o->set("max_age_minutes", static_cast<Poco::Int64>(limits.maxAgeMinutes));
    o->set("data_dir", dataDir);
    if (!index.smartctl.empty()) o->set("smartctl", index.smartctl);
    if (!index.error.empty()) o->set("collector_error", index.error);
    Array::Ptr list = new Array;
    for (const auto& r : disks) list->add(diskSummary(r, limits));
    o->set("disks", list);
    o->set("count", static_cast<Poco::Int64>(disks.size()));
    return o;
}

Object::Ptr notCollectedView(const std::string& dataDir, const std::string& reason) {
    auto o = newObject();
    o->set("collected", false);
    o->set("data_dir", dataDir);
    o->set("reason", reason);
    o->set("disks", Array::Ptr(new Array));
    o->set("count", 0);
    return o;
}

const DiskRecord* findDisk(const std::vector<DiskRecord>& disks, const std::string& what) {
    const std::string w = lower(what);
    const std::string bare = w.rfind("/dev/", 0) == 0 ? w.substr(5) : w;
    for (const auto& r : disks) {
        const std::string device = lower(r.disk ? r.disk->device : r.entry.name);
        if (device == w || device == "/dev/" + bare) return &r;
        if (r.disk && (lower(r.disk->name()) == bare || (!r.disk->serial.empty() && lower(r.disk->serial) == w))) return &r;
    }
    const DiskRecord* byModel = nullptr;
    for (const auto& r : disks) {
        if (r.disk && !r.disk->model.empty() && w.size() >= 3 && lower(r.disk->model).find(w) != std::string::npos) {
            if (byModel != nullptr) return nullptr;  // ambiguous
            byModel = &r;
        }
    }
    return byModel;
}

}  // namespace ha_plugins::smart
