#include "tools/sensors/SensorTree.h"

#include "common/PluginConfig.h"
#include "common/TextFile.h"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

namespace ha_plugins::sensors {

namespace fs = std::filesystem;

namespace {

// Limits outside this range are how chips say "not set" (0, -273.15, 65261.85, -20 on it87).
constexpr double kLowestPlausibleLimit = 20.0;
constexpr double kHighestPlausibleLimit = 150.0;
// An unconnected input reads 127 °C (or -128, 0); nothing in a running server is that hot.
constexpr double kHighestPlausibleReading = 127.0;

std::optional<std::string> attribute(const fs::path& path) {
    auto text = readTextFile(path.string(), 4096);
    if (!text) return std::nullopt;
    const size_t begin = text->find_first_not_of(" \t\r\n");
    if (begin == std::string::npos) return std::string();
    const size_t end = text->find_last_not_of(" \t\r\n");
    return text->substr(begin, end - begin + 1);
}

std::optional<double> number(const fs::path& path) {
    auto text = attribute(path);
    if (!text || text->empty()) return std::nullopt;
    char* end = nullptr;
    const double v = std::strtod(text->c_str(), &end);
    if (end == text->c_str()) return std::nullopt;
    return v;
}

bool flag(const fs::path& path) {
    auto v = number(path);
    return v && *v != 0;
}

std::optional<double> plausibleLimit(std::optional<double> milli) {
    if (!milli) return std::nullopt;
    const double c = *milli / 1000.0;
    if (c < kLowestPlausibleLimit || c > kHighestPlausibleLimit) return std::nullopt;
    return rounded(c, 1);
}

// Directory entries named <prefix><number>, in numeric order (hwmon2 before hwmon10).
std::vector<std::pair<int, fs::path>> numbered(const fs::path& dir, const std::string& prefix) {
    std::vector<std::pair<int, fs::path>> out;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.rfind(prefix, 0) != 0 || name.size() == prefix.size()) continue;
        const std::string digits = name.substr(prefix.size());
        if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
        out.emplace_back(std::atoi(digits.c_str()), it->path());
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    return out;
}

// Indexes N of the files <type>N_input in a hwmon directory.
std::vector<int> channels(const fs::path& dir, const std::string& type) {
    std::set<int> found;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.rfind(type, 0) != 0) continue;
        const size_t underscore = name.find('_');
        if (underscore == std::string::npos || name.substr(underscore) != "_input") continue;
        const std::string digits = name.substr(type.size(), underscore - type.size());
        if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
        found.insert(std::atoi(digits.c_str()));
    }
    return {found.begin(), found.end()};
}

bool ignored(const ReadOptions& o, const std::string& chip, const std::string& label) {
    for (const auto& rule : o.ignore) {
        if (rule == chip || rule == chip + "/" + label) return true;
    }
    return false;
}

bool startsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

void readHwmon(const fs::path& base, const std::string& id, const ReadOptions& o, SensorReadings& r) {
    // Drivers before Linux 3.x kept the attributes in the parent device's directory.
    fs::path dir = base;
    std::error_code ec;
    if (!fs::exists(base / "name", ec) && fs::exists(base / "device" / "name", ec)) dir = base / "device";
    const std::string chip = attribute(dir / "name").value_or(id);
    if (chip == "drivetemp" && !o.readDrivetemp) return;
    if (std::find(o.ignore.begin(), o.ignore.end(), chip) != o.ignore.end()) return;
    std::string model = attribute(base / "device" / "model").value_or("");
    if (model.empty()) model = attribute(base / "device" / "device" / "model").value_or("");
    ++r.hwmonChips;
    for (int n : channels(dir, "temp")) {
        const std::string p = "temp" + std::to_string(n);
        auto input = number(dir / (p + "_input"));
        if (!input) continue;  // e.g. an NVMe sensor answering EIO
        Temperature t;
        t.chip = chip;
        t.label = attribute(dir / (p + "_label")).value_or(p);
        if (ignored(o, chip, t.label)) continue;
        t.source = id + "/" + p;
        t.device = model;
        t.celsius = rounded(*input / 1000.0, 1);
        t.plausible = t.celsius > 0 && t.celsius < kHighestPlausibleReading;
        t.max = plausibleLimit(number(dir / (p + "_max")));
        t.crit = plausibleLimit(number(dir / (p + "_crit")));
        t.alarm = flag(dir / (p + "_alarm")) || flag(dir / (p + "_max_alarm"));
        t.critAlarm = flag(dir / (p + "_crit_alarm"));
        t.kind = kindOf(chip, t.label);
        r.temperatures.push_back(std::move(t));
    }
    for (int n : channels(dir, "fan")) {
        const std::string p = "fan" + std::to_string(n);
        auto input = number(dir / (p + "_input"));
        if (!input) continue;
        Fan f;
        f.chip = chip;
        f.label = attribute(dir / (p + "_label")).value_or(p);
        if (ignored(o, chip, f.label)) continue;
        f.source = id + "/" + p;
        f.rpm = static_cast<int64_t>(*input);
        if (auto min = number(dir / (p + "_min")); min && *min > 0) f.min = static_cast<int64_t>(*min);
        f.alarm = flag(dir / (p + "_alarm"));
        r.fans.push_back(std::move(f));
    }
    for (int n : channels(dir, "in")) {
        const std::string p = "in" + std::to_string(n);
        auto input = number(dir / (p + "_input"));
        if (!input) continue;
        Voltage v;
        v.chip = chip;
        v.label = attribute(dir / (p + "_label")).value_or(p);
        if (ignored(o, chip, v.label)) continue;
        v.source = id + "/" + p;
        v.volts = rounded(*input / 1000.0, 3);
        if (auto min = number(dir / (p + "_min")); min && *min > 0) v.min = rounded(*min / 1000.0, 3);
        if (auto max = number(dir / (p + "_max")); max && *max > 0) v.max = rounded(*max / 1000.0, 3);
        v.alarm = flag(dir / (p + "_alarm"));
        r.voltages.push_back(std::move(v));
    }
}

void readThermalZone(const fs::path& dir, const std::string& id, const ReadOptions& o, SensorReadings& r) {
    const std::string type = attribute(dir / "type").value_or(id);
    if (attribute(dir / "mode").value_or("enabled") == "disabled") return;
    auto input = number(dir / "temp");
    if (!input || ignored(o, type, type)) return;
    ++r.thermalZones;
    Temperature t;
    t.chip = type;
    t.label = type;
    t.source = id;
    t.celsius = rounded(*input / 1000.0, 1);
    t.plausible = t.celsius > 0 && t.celsius < kHighestPlausibleReading;
    for (int k = 0;; ++k) {
        const std::string p = "trip_point_" + std::to_string(k);
        auto tripType = attribute(dir / (p + "_type"));
        if (!tripType) break;
        auto limit = plausibleLimit(number(dir / (p + "_temp")));
        if (!limit) continue;  // 0 or -273.25 °C: an unused trip point
        t.trips.push_back({*tripType, *limit});
        if (*tripType == "critical") t.crit = t.crit ? std::min(*t.crit, *limit) : *limit;
        if (*tripType == "hot") t.max = t.max ? std::min(*t.max, *limit) : *limit;
    }
    t.kind = kindOf(type, type);
    r.temperatures.push_back(std::move(t));
}

Poco::JSON::Object::Ptr temperatureJson(const Temperature& t) {
    auto o = newObject();
    o->set("chip", t.chip);
    o->set("label", t.label);
    o->set("kind", t.kind);
    o->set("celsius", t.celsius);
    if (t.max) o->set("max_celsius", *t.max);
    if (t.crit) o->set("crit_celsius", *t.crit);
    if (t.alarm) o->set("alarm", true);
    if (t.critAlarm) o->set("crit_alarm", true);
    if (!t.plausible) o->set("plausible", false);
    if (!t.device.empty()) o->set("device", t.device);
    if (!t.trips.empty()) {
        Poco::JSON::Array::Ptr trips = new Poco::JSON::Array;
        for (const TripPoint& p : t.trips) {
            auto trip = newObject();
            trip->set("type", p.type);
            trip->set("celsius", p.celsius);
            trips->add(trip);
        }
        o->set("trip_points", trips);
    }
    o->set("source", t.source);
    return o;
}

}  // namespace

std::string kindOf(const std::string& chipName, const std::string& labelText) {
    const std::string chip = lower(chipName), label = lower(labelText);
    for (const char* c : {"coretemp", "k10temp", "k8temp", "zenpower", "cpu_thermal", "cpu-thermal", "x86_pkg_temp",
                          "via_cputemp", "fam15h_power", "soc_thermal", "cpu"}) {
        if (chip == c) return "cpu";
    }
    if (chip == "nvme" || chip == "drivetemp" || startsWith(chip, "nvme")) return "drive";
    for (const char* c : {"amdgpu", "radeon", "nouveau", "i915", "xe"}) {
        if (chip == c) return "gpu";
    }
    if (startsWith(chip, "pch_") || chip == "pch") return "chipset";
    if (chip == "acpitz" || startsWith(chip, "acpi")) return "acpi";
    // Super-I/O chips' "CPUTIN" is a board thermistor near the socket, often unconnected; the
    // CPU reading of firmware interfaces (asus_wmi_sensors "CPU Temperature") is the CPU's.
    bool superIo = false;
    for (const char* c : {"nct", "it8", "w83", "f71"}) superIo = superIo || startsWith(chip, c);
    if (!superIo && (label.find("cpu") != std::string::npos || startsWith(label, "package"))) return "cpu";
    for (const char* c : {"nct", "it8", "w83", "f71", "asus", "dell_smm", "thinkpad", "applesmc", "lm", "adt", "emc",
                          "nzxt", "corsair", "gigabyte", "asrock"}) {
        if (startsWith(chip, c)) return "board";
    }
    return "other";
}

SensorReadings readSensors(const std::string& sysRoot, const ReadOptions& options) {
    SensorReadings r;
    for (const auto& [n, path] : numbered(fs::path(sysRoot) / "class" / "hwmon", "hwmon")) {
        readHwmon(path, "hwmon" + std::to_string(n), options, r);
    }
    // Thermal zones also registered as hwmon chips (acpitz) appear twice: keep the zone, whose
    // trip points are the limits.
    SensorReadings zones;
    for (const auto& [n, path] : numbered(fs::path(sysRoot) / "class" / "thermal", "thermal_zone")) {
        readThermalZone(path, "thermal_zone" + std::to_string(n), options, zones);
    }
    for (const Temperature& z : zones.temperatures) {
        std::string hwmonName = z.chip;
        std::replace(hwmonName.begin(), hwmonName.end(), '-', '_');
        r.temperatures.erase(std::remove_if(r.temperatures.begin(), r.temperatures.end(),
                                            [&](const Temperature& t) {
                                                return t.source.rfind("hwmon", 0) == 0 && t.chip == hwmonName &&
                                                       t.celsius == z.celsius;
                                            }),
                             r.temperatures.end());
        r.temperatures.push_back(z);
    }
    r.thermalZones = zones.thermalZones;
    return r;
}

std::optional<Temperature> cpuTemperature(const SensorReadings& r) {
    const Temperature* best = nullptr;
    const auto rank = [](const Temperature& t) {
        const std::string label = lower(t.label);
        if (startsWith(label, "package") || label == "tctl" || label == "tdie" || label == "physical id 0") return 2;
        return t.chip == "x86_pkg_temp" ? 1 : 0;  // cores and the like
    };
    for (const Temperature& t : r.temperatures) {
        if (t.kind != "cpu" || !t.plausible) continue;
        if (best == nullptr || rank(t) > rank(*best) || (rank(t) == rank(*best) && t.celsius > best->celsius)) best = &t;
    }
    if (best == nullptr) return std::nullopt;
    return *best;
}

Poco::JSON::Object::Ptr temperaturesJson(const SensorReadings& r) {
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    const Temperature* hottest = nullptr;
    std::map<std::string, int64_t> byKind;
    for (const Temperature& t : r.temperatures) {
        list->add(temperatureJson(t));
        ++byKind[t.kind];
        if (t.plausible && (hottest == nullptr || t.celsius > hottest->celsius)) hottest = &t;
    }
    auto out = newObject();
    out->set("sensors_visible", !r.temperatures.empty());
    out->set("hwmon_chips", static_cast<Poco::Int64>(r.hwmonChips));
    out->set("thermal_zones", static_cast<Poco::Int64>(r.thermalZones));
    if (auto cpu = cpuTemperature(r)) out->set("cpu", temperatureJson(*cpu));
    if (hottest != nullptr) out->set("hottest", temperatureJson(*hottest));
    auto kinds = newObject();
    for (const auto& [k, n] : byKind) kinds->set(k, n);
    out->set("counts", kinds);
    out->set("temperatures", list);
    return out;
}

Poco::JSON::Object::Ptr fansJson(const SensorReadings& r) {
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    int64_t spinning = 0;
    for (const Fan& f : r.fans) {
        auto o = newObject();
        o->set("chip", f.chip);
        o->set("label", f.label);
        o->set("rpm", f.rpm);
        if (f.min) o->set("min_rpm", *f.min);
        if (f.alarm) o->set("alarm", true);
        o->set("source", f.source);
        list->add(o);
        if (f.rpm > 0) ++spinning;
    }
    auto out = newObject();
    out->set("sensors_visible", r.hwmonChips > 0);
    out->set("count", static_cast<Poco::Int64>(r.fans.size()));
    out->set("spinning", spinning);
    out->set("fans", list);
    return out;
}

Poco::JSON::Object::Ptr voltagesJson(const SensorReadings& r) {
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const Voltage& v : r.voltages) {
        auto o = newObject();
        o->set("chip", v.chip);
        o->set("label", v.label);
        o->set("volts", v.volts);
        if (v.min) o->set("min_volts", *v.min);
        if (v.max) o->set("max_volts", *v.max);
        if (v.alarm) o->set("alarm", true);
        o->set("source", v.source);
        list->add(o);
    }
    auto out = newObject();
    out->set("sensors_visible", r.hwmonChips > 0);
    out->set("count", static_cast<Poco::Int64>(r.voltages.size()));
    out->set("voltages", list);
    return out;
}

}  // namespace ha_plugins::sensors
