#include "tools/smart/SmartData.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cctype>
#include <stdexcept>

namespace ha_plugins::smart {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

Object::Ptr parseDocument(std::string_view json, const char* what) {
    try {
        Poco::JSON::Parser parser;
        Poco::Dynamic::Var v = parser.parse(std::string(json));
        if (v.type() == typeid(Object::Ptr)) return v.extract<Object::Ptr>();
    } catch (const Poco::Exception& e) {
        throw std::invalid_argument(std::string("not valid JSON (") + what + "): " + e.message());
    }
    throw std::invalid_argument(std::string("not a JSON object (") + what + ")");
}

Object::Ptr child(const Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || o->get(key).type() != typeid(Object::Ptr)) return nullptr;
    return o->getObject(key);
}

Array::Ptr list(const Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || o->get(key).type() != typeid(Array::Ptr)) return nullptr;
    return o->getArray(key);
}

std::string text(const Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || !o->get(key).isString()) return "";
    return o->get(key).extract<std::string>();
}

std::optional<uint64_t> unsignedOf(const Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key)) return std::nullopt;
    const auto v = o->get(key);
    if (!v.isNumeric() || v.isBoolean()) return std::nullopt;
    try {
        const double d = v.convert<double>();
        if (d < 0) return std::nullopt;
        return v.isInteger() ? v.convert<uint64_t>() : static_cast<uint64_t>(d);
    } catch (const Poco::Exception&) {
        return std::nullopt;
    }
}

std::optional<int> intOf(const Object::Ptr& o, const std::string& key) {
    auto v = unsignedOf(o, key);
    if (!v || *v > 1000000000ull) return std::nullopt;
    return static_cast<int>(*v);
}

std::optional<bool> boolOf(const Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || !o->get(key).isBoolean()) return std::nullopt;
    return o->get(key).convert<bool>();
}

// Leading decimal number of a raw string: "2725 (151 234 0)" -> 2725.
std::optional<uint64_t> leadingNumber(const std::string& s) {
    size_t i = 0;
    while (i < s.size() && s[i] == ' ') ++i;
    uint64_t n = 0;
    bool any = false;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
        n = n * 10 + static_cast<uint64_t>(s[i] - '0');
        any = true;
        if (n > (1ull << 50)) return std::nullopt;
        ++i;
    }
    return any ? std::optional<uint64_t>(n) : std::nullopt;
}

SmartAttribute attributeOf(const Object::Ptr& a) {
    SmartAttribute attr;
    attr.id = intOf(a, "id").value_or(0);
    attr.name = text(a, "name");
    attr.value = intOf(a, "value");
    attr.worst = intOf(a, "worst");
    attr.threshold = intOf(a, "thresh");
    attr.whenFailed = text(a, "when_failed");
    attr.prefailure = boolOf(child(a, "flags"), "prefailure").value_or(false);
    auto raw = child(a, "raw");
    attr.rawText = text(raw, "string");
    const uint64_t value = unsignedOf(raw, "value").value_or(0);
    // Vendors pack min/max or extra counters into the upper bytes; the printed form leads
    // with the counter itself.
    const auto lead = leadingNumber(attr.rawText);
    attr.raw = value > 0xFFFFFFFFull && lead ? *lead : value;
    return attr;
}

bool isPowerModeMessage(const std::string& message, std::string& mode) {
    // "Device is in STANDBY mode, exit(2)", "Device is in SLEEP mode, exit(2)",
    // "Device is in STANDBY (OS) mode, exit(2)" (smartmontools ataprint.cpp, smartctl.cpp)
    const std::string prefix = "Device is in ";
    if (message.rfind(prefix, 0) != 0) return false;
    const size_t end = message.find(" mode", prefix.size());
    if (end == std::string::npos) return false;
    mode = message.substr(prefix.size(), end - prefix.size());
    return mode.find("STANDBY") != std::string::npos || mode.find("SLEEP") != std::string::npos ||
           mode.find("IDLE") != std::string::npos;
}

}  // namespace

std::string Disk::name() const {
    std::string n = device.rfind("/dev/", 0) == 0 ? device.substr(5) : device;
    // Behind a RAID controller several disks share one device: the type tells them apart.
    if (type.find(',') != std::string::npos) n += " " + type;
    return n;
}

Disk parseSmartctlJson(std::string_view json) {
    auto doc = parseDocument(json, "smartctl");
    auto smartctl = child(doc, "smartctl");
    if (!smartctl) throw std::invalid_argument("not smartctl JSON: no \"smartctl\" object");
    Disk d;
    d.exitStatus = intOf(smartctl, "exit_status").value_or(0);
    if (auto messages = list(smartctl, "messages")) {
        for (size_t i = 0; i < messages->size(); ++i) {
            if (messages->get(i).type() != typeid(Object::Ptr)) continue;
            auto m = messages->getObject(static_cast<unsigned>(i));
            const std::string s = text(m, "string");
            std::string mode;
            if (isPowerModeMessage(s, mode)) {
                d.standby = true;
                d.powerMode = mode;
            } else if (text(m, "severity") == "error") {
                d.errors.push_back(s);
            }
        }
    }
    // smartctl 7.5 states the mode it found as an object too.
    if (auto pm = child(doc, "power_mode"); pm && !text(pm, "name").empty() && (d.exitStatus & 2) != 0) {
        const std::string mode = text(pm, "name");
        if (mode.find("STANDBY") != std::string::npos || mode.find("SLEEP") != std::string::npos) {
            d.standby = true;
            d.powerMode = mode;
        }
    }
    auto device = child(doc, "device");
    d.device = text(device, "name");
    d.type = text(device, "type");
    d.protocol = text(device, "protocol");
    d.model = text(doc, "model_name");
    if (d.model.empty()) d.model = text(doc, "scsi_model_name");
    d.family = text(doc, "model_family");
    d.serial = text(doc, "serial_number");
    d.firmware = text(doc, "firmware_version");
    d.capacityBytes = unsignedOf(child(doc, "user_capacity"), "bytes");
    if (!d.capacityBytes) d.capacityBytes = unsignedOf(doc, "nvme_total_capacity");
    d.rotationRpm = intOf(doc, "rotation_rate");
    if (d.protocol == "NVMe") d.kind = "nvme";
    else if (d.rotationRpm) d.kind = *d.rotationRpm == 0 ? "ssd" : "hdd";
    else d.kind = "unknown";
    d.healthPassed = boolOf(child(doc, "smart_status"), "passed");
    if (auto t = unsignedOf(child(doc, "temperature"), "current")) d.temperatureC = static_cast<double>(*t);
    d.powerOnHours = unsignedOf(child(doc, "power_on_time"), "hours");
    d.powerCycles = unsignedOf(doc, "power_cycle_count");

    if (auto table = list(child(doc, "ata_smart_attributes"), "table")) {
        for (size_t i = 0; i < table->size(); ++i) {
            if (table->get(i).type() != typeid(Object::Ptr)) continue;
            d.attributes.push_back(attributeOf(table->getObject(static_cast<unsigned>(i))));
        }
    }
    for (const SmartAttribute& a : d.attributes) {
        switch (a.id) {
            case 5: d.reallocatedSectors = a.raw; break;
            case 197: d.pendingSectors = a.raw; break;
            case 198: d.offlineUncorrectable = a.raw; break;
            case 9:
                if (!d.powerOnHours) d.powerOnHours = a.raw;
                break;
            case 194:  // the low byte is the current temperature; 190 is the airflow sensor
                if (!d.temperatureC) d.temperatureC = static_cast<double>(leadingNumber(a.rawText).value_or(a.raw & 0xFF));
                break;
            default: break;
        }
    }
    if (!d.temperatureC) {
        for (const SmartAttribute& a : d.attributes) {
            if (a.id == 190) d.temperatureC = static_cast<double>(leadingNumber(a.rawText).value_or(a.raw & 0xFF));
        }
    }
    if (auto nvme = child(doc, "nvme_smart_health_information_log")) {
        d.criticalWarning = unsignedOf(nvme, "critical_warning");
        d.mediaErrors = unsignedOf(nvme, "media_errors");
        d.percentageUsed = unsignedOf(nvme, "percentage_used");
        d.availableSpare = unsignedOf(nvme, "available_spare");
        d.availableSpareThreshold = unsignedOf(nvme, "available_spare_threshold");
        d.unsafeShutdowns = unsignedOf(nvme, "unsafe_shutdowns");
        d.errorLogEntries = unsignedOf(nvme, "num_err_log_entries");
        if (!d.temperatureC) {
            if (auto t = unsignedOf(nvme, "temperature")) d.temperatureC = static_cast<double>(*t);
        }
        if (!d.powerOnHours) d.powerOnHours = unsignedOf(nvme, "power_on_hours");
        if (!d.powerCycles) d.powerCycles = unsignedOf(nvme, "power_cycles");
    }
    if (auto log = list(child(child(doc, "ata_smart_self_test_log"), "standard"), "table"); log && log->size() > 0 &&
                                                                                       log->get(0).type() == typeid(Object::Ptr)) {
        d.selfTest = text(child(log->getObject(0), "status"), "string");
    } else if (auto nlog = list(child(doc, "nvme_self_test_log"), "table"); nlog && nlog->size() > 0 &&
                                                                           nlog->get(0).type() == typeid(Object::Ptr)) {
        d.selfTest = text(child(nlog->getObject(0), "self_test_result"), "string");
    }
    d.readable = !d.standby && (d.healthPassed.has_value() || !d.attributes.empty() || d.criticalWarning.has_value());
    return d;
}

CollectionIndex parseCollectionIndex(std::string_view json) {
    auto doc = parseDocument(json, "SMART collector index");
    if (!doc->has("collected_at") || !doc->get("collected_at").isNumeric()) {
        throw std::invalid_argument("not the SMART collector's index: no collected_at");
    }
    CollectionIndex index;
    index.collectedAt = doc->get("collected_at").convert<Poco::Int64>();
    index.smartctl = text(doc, "smartctl");
    index.error = text(doc, "error");
    if (auto devices = list(doc, "devices")) {
        for (size_t i = 0; i < devices->size(); ++i) {
            if (devices->get(i).type() != typeid(Object::Ptr)) continue;
            auto o = devices->getObject(static_cast<unsigned>(i));
            IndexEntry e;
            e.name = text(o, "name");
            e.type = text(o, "type");
            e.file = text(o, "file");
            e.exitStatus = intOf(o, "exit_status");
            e.error = text(o, "error");
            index.devices.push_back(std::move(e));
        }
    }
    return index;
}

std::vector<std::string> criticalWarningBits(uint64_t value) {
    // NVM Express base specification, SMART / Health Information log, byte 0.
    static const char* const kBits[] = {"available spare below threshold",
                                        "temperature outside its thresholds",
                                        "reliability degraded by media or internal errors",
                                        "media in read-only mode",
                                        "volatile memory backup failed",
                                        "persistent memory region unreliable"};
    std::vector<std::string> out;
    for (unsigned bit = 0; bit < 6; ++bit) {
        if (value & (1u << bit)) out.emplace_back(kBits[bit]);
    }
    if (value >> 6) out.emplace_back("unknown warning bits 0x" + std::to_string(value >> 6));
    return out;
}

}  // namespace ha_plugins::smart
