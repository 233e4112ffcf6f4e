// Temperatures, fans and voltages read from a sysfs tree: /sys/class/hwmon (the hwmon ABI of the
// kernel's Documentation/hwmon/sysfs-interface.rst: millidegrees Celsius, RPM, millivolts) and
// /sys/class/thermal/thermal_zone* (type, temp, trip points). The root is a setting, so the same
// code reads /sys, a container's /host/sys, or a recorded tree in the tests.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ha_plugins::sensors {

struct TripPoint {
    std::string type;  // "critical", "hot", "passive", "active"
    double celsius = 0;
};

struct Temperature {
    std::string chip;    // hwmon name ("coretemp", "nvme", "drivetemp") or thermal zone type
    std::string label;   // "Package id 0", "Composite", "temp1"
    std::string source;  // "hwmon2/temp1", "thermal_zone0"
    std::string device;  // the drive's model when the hwmon device has one
    std::string kind;    // "cpu", "drive", "gpu", "chipset", "board", "acpi", "other"
    double celsius = 0;
    // Limits only when plausible (20..150 °C): chips report 0, -273 or 65261.85 for "none".
    std::optional<double> max;
    std::optional<double> crit;
    bool alarm = false;     // tempN_alarm / tempN_max_alarm
    bool critAlarm = false; // tempN_crit_alarm
    // A reading no working sensor gives: 127 °C or more (an unconnected input), 0 or below.
    bool plausible = true;
    std::vector<TripPoint> trips;  // thermal zones only
};

struct Fan {
    std::string chip, label, source;
    int64_t rpm = 0;
    std::optional<int64_t> min;  // only when set (> 0)
    bool alarm = false;
};

struct Voltage {
    std::string chip, label, source;
    double volts = 0;
    std::optional<double> min, max;
    bool alarm = false;
};

struct SensorReadings {
    std::vector<Temperature> temperatures;
    std::vector<Fan> fans;
    std::vector<Voltage> voltages;
    size_t hwmonChips = 0;
    size_t thermalZones = 0;
};

struct ReadOptions {
    bool readDrivetemp = true;       // reading a disk's temperature can reset its spin-down timer
    std::vector<std::string> ignore; // "chip" or "chip/label" entries to leave out
};

// Everything under sysRoot/class/hwmon and sysRoot/class/thermal. Missing directories are no
// error: a virtual machine has none.
SensorReadings readSensors(const std::string& sysRoot, const ReadOptions& options = {});

// "cpu" for coretemp/k10temp/cpu_thermal..., "drive" for nvme/drivetemp, ... (see the .cpp).
std::string kindOf(const std::string& chip, const std::string& label);

// The CPU temperature to quote: the hottest plausible CPU sensor (package before cores), or
// nullopt when there is none.
std::optional<Temperature> cpuTemperature(const SensorReadings& r);

Poco::JSON::Object::Ptr temperaturesJson(const SensorReadings& r);
Poco::JSON::Object::Ptr fansJson(const SensorReadings& r);
Poco::JSON::Object::Ptr voltagesJson(const SensorReadings& r);

}  // namespace ha_plugins::sensors
