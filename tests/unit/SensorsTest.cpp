// The sensors plugin's pure parts on recorded sysfs trees (tests/fixtures/sensors, sources in its
// README): hwmon and thermal-zone reading with implausible values and limits left out, the CPU
// temperature, and the answers (match, summaries, checks).
#include "TestSupport.h"
#include "common/PluginConfig.h"
#include "tools/sensors/SensorTree.h"
#include "tools/sensors/SensorsAnswers.h"
#include "util/Json.h"

#include <cppunit/extensions/HelperMacros.h>

#include <Poco/JSON/Array.h>

namespace ha {

using namespace ha_plugins::sensors;
namespace answers = ha_plugins::answers;

namespace {

std::string tree(const std::string& name) { return std::string(HA_TEST_FIXTURES) + "/sensors/" + name + "/sys"; }

const Temperature* find(const SensorReadings& r, const std::string& chip, const std::string& label) {
    for (const auto& t : r.temperatures) {
        if (t.chip == chip && t.label == label) return &t;
    }
    return nullptr;
}

const Fan* fan(const SensorReadings& r, const std::string& chip, const std::string& label) {
    for (const auto& f : r.fans) {
        if (f.chip == chip && f.label == label) return &f;
    }
    return nullptr;
}

std::string outcome(const std::string& capability, const Poco::JSON::Object::Ptr& result) {
    return R"({"capability":")" + capability + R"(","arguments":{},"status":"ok","result":)" + ha_plugins::toJson(result) + "}";
}

// "severity check subject" of every finding.
std::vector<std::string> findings(const SensorReadings& r, const SensorCheckSettings& s = {}) {
    const std::string input = R"({"results":[)" + outcome("sensors.temperatures", temperaturesJson(r)) + "," +
                              outcome("sensors.fans", fansJson(r)) + "]}";
    auto list = json::parseObject(answersChecks(answers::CheckResults::parse(input), s))->getArray("findings");
    std::vector<std::string> out;
    for (size_t i = 0; i < list->size(); ++i) {
        auto f = list->getObject(static_cast<unsigned>(i));
        out.push_back(f->getValue<std::string>("severity") + " " + f->getValue<std::string>("check") + " " +
                      f->getValue<std::string>("subject"));
    }
    return out;
}

std::string messageOf(const SensorReadings& r, size_t index) {
    const std::string input = R"({"results":[)" + outcome("sensors.temperatures", temperaturesJson(r)) + "," +
                              outcome("sensors.fans", fansJson(r)) + "]}";
    auto list = json::parseObject(answersChecks(answers::CheckResults::parse(input), {}))->getArray("findings");
    return list->getObject(static_cast<unsigned>(index))->getValue<std::string>("message");
}

answers::Question question(const std::string& text) {
    return answers::Question::parse(test::answersInput(text, {"sensors.temperatures", "sensors.fans", "sensors.voltages"}));
}

Poco::JSON::Object::Ptr summary(const std::string& capability, const Poco::JSON::Object::Ptr& result, const std::string& q) {
    std::string text = " ";
    for (char c : q) text += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : ' ';
    const std::string input = R"({"text":")" + text + R"( ","question":")" + q + R"(","capability":")" + capability +
                              R"(","arguments":{},"status":"ok","result":)" + ha_plugins::toJson(result) + "}";
    return json::parseObject(answersSummarize(answers::SummaryRequest::parse(input)));
}

}  // namespace

class SensorsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SensorsTest);
    CPPUNIT_TEST(testReadsIntelServer);
    CPPUNIT_TEST(testLeavesOutNonsense);
    CPPUNIT_TEST(testIgnoreAndDrivetemp);
    CPPUNIT_TEST(testEmptyMachine);
    CPPUNIT_TEST(testKinds);
    CPPUNIT_TEST(testChecks);
    CPPUNIT_TEST(testMatches);
    CPPUNIT_TEST(testSummaries);
    CPPUNIT_TEST_SUITE_END();

public:
    void testReadsIntelServer() {
        const SensorReadings r = readSensors(tree("intel-nas"));
        CPPUNIT_ASSERT_EQUAL(size_t(6), r.hwmonChips);
        CPPUNIT_ASSERT_EQUAL(size_t(2), r.thermalZones);
        const Temperature* pkg = find(r, "coretemp", "Package id 0");
        CPPUNIT_ASSERT(pkg);
        CPPUNIT_ASSERT_EQUAL(50.0, pkg->celsius);
        CPPUNIT_ASSERT_EQUAL(80.0, pkg->max.value());
        CPPUNIT_ASSERT_EQUAL(100.0, pkg->crit.value());
        CPPUNIT_ASSERT_EQUAL(std::string("cpu"), pkg->kind);
        CPPUNIT_ASSERT_EQUAL(std::string("hwmon2/temp1"), pkg->source);
        const Temperature* composite = find(r, "nvme", "Composite");
        CPPUNIT_ASSERT_EQUAL(45.9, composite->celsius);
        CPPUNIT_ASSERT_EQUAL(85.9, composite->max.value());
        CPPUNIT_ASSERT_EQUAL(86.9, composite->crit.value());
        CPPUNIT_ASSERT_EQUAL(std::string("drive"), composite->kind);
        const Temperature* drive = find(r, "drivetemp", "temp1");
        CPPUNIT_ASSERT_EQUAL(43.0, drive->celsius);
        CPPUNIT_ASSERT_EQUAL(70.0, drive->crit.value());
        CPPUNIT_ASSERT_EQUAL(std::string("board"), find(r, "nct6776", "CPUTIN")->kind);
        CPPUNIT_ASSERT_EQUAL(std::string("chipset"), find(r, "pch_cometlake", "temp1")->kind);
        // acpitz is both a thermal zone and an hwmon chip with the same reading: listed once,
        // as the zone, with its critical trip point.
        int acpitz = 0;
        for (const auto& t : r.temperatures) acpitz += t.chip == "acpitz" ? 1 : 0;
        CPPUNIT_ASSERT_EQUAL(1, acpitz);
        const Temperature* zone = find(r, "acpitz", "acpitz");
        CPPUNIT_ASSERT_EQUAL(std::string("thermal_zone0"), zone->source);
        CPPUNIT_ASSERT_EQUAL(107.0, zone->crit.value());
        // x86_pkg_temp: only the passive trip at 71.05 °C is set; 0 and -273.25 mean unused.
        const Temperature* pkgZone = find(r, "x86_pkg_temp", "x86_pkg_temp");
        CPPUNIT_ASSERT_EQUAL(size_t(1), pkgZone->trips.size());
        CPPUNIT_ASSERT_EQUAL(std::string("passive"), pkgZone->trips[0].type);
        CPPUNIT_ASSERT(!pkgZone->crit && !pkgZone->max);
        CPPUNIT_ASSERT_EQUAL(size_t(5), r.fans.size());
        CPPUNIT_ASSERT(!fan(r, "nct6776", "fan1")->min);  // a minimum of 0 is no minimum
        CPPUNIT_ASSERT_EQUAL(size_t(9), r.voltages.size());
        CPPUNIT_ASSERT_EQUAL(std::string("Vcore"), r.voltages[0].label);
        CPPUNIT_ASSERT_EQUAL(0.6, r.voltages[0].volts);
        auto cpu = cpuTemperature(r);
        CPPUNIT_ASSERT(cpu);
        CPPUNIT_ASSERT_EQUAL(std::string("Package id 0"), cpu->label);
        auto j = temperaturesJson(r);
        CPPUNIT_ASSERT(j->getValue<bool>("sensors_visible"));
        CPPUNIT_ASSERT_EQUAL(50.0, j->getObject("cpu")->getValue<double>("celsius"));
    }

    void testLeavesOutNonsense() {
        const SensorReadings intel = readSensors(tree("intel-nas"));
        CPPUNIT_ASSERT(!find(intel, "nvme", "Sensor 1")->max);          // 65261.85 °C
        CPPUNIT_ASSERT(!find(intel, "nct6776", "SYSTIN")->max);         // 0 °C
        CPPUNIT_ASSERT(!find(intel, "nct6776", "PCH_CHIP_TEMP")->plausible);  // reads 0
        const SensorReadings amd = readSensors(tree("amd-it87"));
        CPPUNIT_ASSERT_EQUAL(std::string("Tctl"), cpuTemperature(amd)->label);
        CPPUNIT_ASSERT_EQUAL(51.6, cpuTemperature(amd)->celsius);
        for (int n = 1; n <= 6; ++n) {
            const Temperature* t = find(amd, "it8665", "temp" + std::to_string(n));
            CPPUNIT_ASSERT(t);
            CPPUNIT_ASSERT_MESSAGE("temp" + std::to_string(n), !t->max);  // -20, -65 ... °C
        }
        CPPUNIT_ASSERT(!find(amd, "it8665", "temp2")->plausible);  // 127 °C: nothing connected
        CPPUNIT_ASSERT_EQUAL(int64_t(174), fan(amd, "it8665", "fan2")->min.value());
        CPPUNIT_ASSERT(!fan(amd, "it8665", "fan4")->min);  // -1
        // The stuck NVMe sensor without limits, on the drive that names its model.
        const Temperature* stuck = nullptr;
        for (const auto& t : amd.temperatures) {
            if (t.device == "CT1000E100SSD8" && t.label == "Sensor 2") stuck = &t;
        }
        CPPUNIT_ASSERT(stuck && stuck->plausible && !stuck->max && !stuck->crit);
        // Crossed voltage limits are reported as the chip gives them, never judged.
        CPPUNIT_ASSERT_EQUAL(size_t(10), amd.voltages.size());
    }

    void testIgnoreAndDrivetemp() {
        ReadOptions o;
        o.readDrivetemp = false;
        o.ignore = {"nct6776/CPUTIN", "pch_cometlake"};
        const SensorReadings r = readSensors(tree("intel-nas"), o);
        CPPUNIT_ASSERT(!find(r, "nct6776", "CPUTIN"));
        CPPUNIT_ASSERT(find(r, "nct6776", "SYSTIN"));
        CPPUNIT_ASSERT(!find(r, "pch_cometlake", "temp1"));
        CPPUNIT_ASSERT(!find(r, "drivetemp", "temp1"));
        CPPUNIT_ASSERT_EQUAL(size_t(4), r.hwmonChips);  // drivetemp and pch left out
    }

    void testEmptyMachine() {
        for (const std::string& root : {tree("vm-empty"), std::string("/nonexistent/ha-test/sys")}) {
            const SensorReadings r = readSensors(root);
            CPPUNIT_ASSERT(r.temperatures.empty() && r.fans.empty() && r.voltages.empty());
            CPPUNIT_ASSERT(!temperaturesJson(r)->getValue<bool>("sensors_visible"));
            CPPUNIT_ASSERT(!cpuTemperature(r));
        }
    }

    void testKinds() {
        CPPUNIT_ASSERT_EQUAL(std::string("cpu"), kindOf("k10temp", "Tctl"));
        CPPUNIT_ASSERT_EQUAL(std::string("cpu"), kindOf("cpu_thermal", "temp1"));
        CPPUNIT_ASSERT_EQUAL(std::string("cpu"), kindOf("asus_wmi_sensors", "CPU Temperature"));
        CPPUNIT_ASSERT_EQUAL(std::string("board"), kindOf("asus_wmi_sensors", "Motherboard Temperature"));
        CPPUNIT_ASSERT_EQUAL(std::string("board"), kindOf("nct6776", "CPUTIN"));
        CPPUNIT_ASSERT_EQUAL(std::string("drive"), kindOf("drivetemp", "temp1"));
        CPPUNIT_ASSERT_EQUAL(std::string("gpu"), kindOf("amdgpu", "edge"));
        CPPUNIT_ASSERT_EQUAL(std::string("acpi"), kindOf("acpitz", "acpitz"));
        CPPUNIT_ASSERT_EQUAL(std::string("board"), kindOf("it8665", "temp1"));
        CPPUNIT_ASSERT_EQUAL(std::string("other"), kindOf("iwlwifi_1", "temp1"));
        CPPUNIT_ASSERT_EQUAL(std::string("cpu"), kindOf("sbtsi", "CPU"));
    }

    void testChecks() {
        // The Supermicro board's CPUTIN reads 123.5 °C against a high limit of 80: the chip says
        // so, and `ignore` is how an administrator silences a known-bad input.
        auto f = findings(readSensors(tree("intel-nas")));
        CPPUNIT_ASSERT_EQUAL(size_t(2), f.size());
        CPPUNIT_ASSERT_EQUAL(std::string("warning sensors.temperature nct6776 CPUTIN"), f[0]);
        CPPUNIT_ASSERT_EQUAL(std::string("ok sensors.fan fans"), f[1]);
        CPPUNIT_ASSERT_EQUAL(std::string("Temperature nct6776 CPUTIN is 123.5 °C, at or over its high limit of 80 °C."),
                             messageOf(readSensors(tree("intel-nas")), 0));
        ReadOptions quiet;
        quiet.ignore = {"nct6776/CPUTIN"};
        f = findings(readSensors(tree("intel-nas"), quiet));
        CPPUNIT_ASSERT_EQUAL(std::string("ok sensors.temperature temperatures"), f.at(0));
        CPPUNIT_ASSERT_EQUAL(std::string("Temperatures normal: CPU 50 °C, hottest coretemp Package id 0 50 °C."),
                             messageOf(readSensors(tree("intel-nas"), quiet), 0));

        f = findings(readSensors(tree("intel-nas-overheating")));
        const std::set<std::string> got(f.begin(), f.end());
        for (const char* expected : {"critical sensors.temperature coretemp Package id 0", "warning sensors.temperature coretemp Core 0",
                                     "warning sensors.temperature nvme Composite", "critical sensors.temperature drivetemp",
                                     "warning sensors.temperature nct6776 CPUTIN"}) {
            CPPUNIT_ASSERT_MESSAGE(expected, got.count(expected));
        }
        CPPUNIT_ASSERT_EQUAL(size_t(6), f.size());  // and the fans' ok

        // Nonsense limits raise nothing; the fan below its minimum does.
        f = findings(readSensors(tree("amd-it87")));
        CPPUNIT_ASSERT_EQUAL(size_t(2), f.size());
        CPPUNIT_ASSERT_EQUAL(std::string("ok sensors.temperature temperatures"), f[0]);
        CPPUNIT_ASSERT_EQUAL(std::string("warning sensors.fan it8665 fan2"), f[1]);
        CPPUNIT_ASSERT_EQUAL(std::string("Fan fan2 (it8665) is not spinning, under its minimum of 174 RPM."),
                             messageOf(readSensors(tree("amd-it87")), 1));
        // A configured threshold for sensors without a high limit of their own.
        SensorCheckSettings s;
        s.warningCelsius = 50;
        f = findings(readSensors(tree("amd-it87")), s);
        const std::set<std::string> warm(f.begin(), f.end());
        CPPUNIT_ASSERT(warm.count("warning sensors.temperature k10temp Tctl"));                       // 51.6, no max
        CPPUNIT_ASSERT(warm.count("warning sensors.temperature it8665"));                            // temp1 51, nonsense max
        CPPUNIT_ASSERT(warm.count("warning sensors.temperature nvme Sensor 2 (CT1000E100SSD8)"));   // stuck at 81.85
        CPPUNIT_ASSERT(!warm.count("warning sensors.temperature nvme Composite"));                   // has its own max

        // No sensors is said plainly, and is not a failure.
        f = findings(readSensors(tree("vm-empty")));
        CPPUNIT_ASSERT_EQUAL(size_t(1), f.size());
        CPPUNIT_ASSERT_EQUAL(std::string("ok sensors.visible sensors"), f[0]);
        // A failed read is a warning, never silence.
        auto failed = json::parseObject(answersChecks(answers::CheckResults::parse(
            R"({"results":[{"capability":"sensors.temperatures","arguments":{},"status":"timeout","error":"deadline exceeded"}]})"), {}));
        CPPUNIT_ASSERT_EQUAL(std::string("warning"), failed->getArray("findings")->getObject(0)->getValue<std::string>("severity"));
    }

    void testMatches() {
        const std::vector<std::pair<std::string, std::string>> cases = {
            {"How hot is the CPU?", "sensors.temperatures"},      {"What's the CPU temperature?", "sensors.temperatures"},
            {"are the fans ok?", "sensors.fans"},                 {"how hot are my drives?", "sensors.temperatures"},
            {"is the server overheating?", "sensors.temperatures"}, {"what are the voltages?", "sensors.voltages"},
            {"show me the sensors", "sensors.temperatures"},      {"fan speed?", "sensors.fans"}};
        for (const auto& [q, capability] : cases) {
            auto m = json::parseObject(answersMatch(question(q)))->getArray("matches");
            CPPUNIT_ASSERT_MESSAGE(q, m->size() > 0);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(q, capability, m->getObject(0)->getValue<std::string>("capability"));
            CPPUNIT_ASSERT_MESSAGE(q, m->getObject(0)->getValue<double>("score") >= 0.85);
        }
        for (const char* q : {"how much disk space is left?", "is nginx running?", "what is my IP address?",
                                     "what is the CPU usage?", "did any service crash?"}) {
            CPPUNIT_ASSERT_EQUAL_MESSAGE(std::string(q), size_t(0), json::parseObject(answersMatch(question(q)))->getArray("matches")->size());
        }
        auto profile = json::parseObject(answersProfile());
        CPPUNIT_ASSERT_EQUAL(size_t(2), profile->getArray("checks")->size());
    }

    void testSummaries() {
        const SensorReadings intel = readSensors(tree("intel-nas"));
        auto s = summary("sensors.temperatures", temperaturesJson(intel), "How hot is the CPU?");
        CPPUNIT_ASSERT_EQUAL(std::string("The CPU is at 50 °C (coretemp Package id 0; high 80 °C, critical 100 °C). Its core is at "
                                         "45 °C. Too hot: nct6776 CPUTIN is 123.5 °C, at or over its high limit of 80 °C."),
                             s->getValue<std::string>("text"));
        CPPUNIT_ASSERT(s->getValue<bool>("found"));
        s = summary("sensors.temperatures", temperaturesJson(intel), "how hot are my drives?");
        CPPUNIT_ASSERT(s->getValue<std::string>("text").rfind(
                           "Drive temperatures: nvme Composite 45.9 °C (high 85.9 °C, critical 86.9 °C) and drivetemp 43 °C "
                           "(high 70 °C, critical 70 °C).", 0) == 0);
        const SensorReadings amd = readSensors(tree("amd-it87"));
        s = summary("sensors.fans", fansJson(amd), "are the fans ok?");
        CPPUNIT_ASSERT_EQUAL(std::string("5 fans: fan1 1516 RPM, fan2 0 RPM (not spinning, although its minimum is 174 RPM), fan3 "
                                         "7031 RPM, fan4 0 RPM (stopped or not connected) and fan6 0 RPM (stopped or not connected). "
                                         "Check fan2 (it8665): it turns slower than the chip's minimum."),
                             s->getValue<std::string>("text"));
        const SensorReadings none = readSensors(tree("vm-empty"));
        s = summary("sensors.temperatures", temperaturesJson(none), "what's the CPU temperature?");
        CPPUNIT_ASSERT_EQUAL(std::string("No temperature sensors are visible on this machine (the kernel shows no hwmon chips or "
                                         "thermal zones), as usual in a virtual machine."),
                             s->getValue<std::string>("text"));
        CPPUNIT_ASSERT(!s->getValue<bool>("found"));
        s = summary("sensors.fans", fansJson(none), "are the fans ok?");
        CPPUNIT_ASSERT(!s->getValue<bool>("found"));
        // A machine with sensors but none for the CPU.
        ReadOptions noCpu;
        noCpu.ignore = {"coretemp", "x86_pkg_temp"};
        s = summary("sensors.temperatures", temperaturesJson(readSensors(tree("intel-nas"), noCpu)), "how hot is the cpu");
        CPPUNIT_ASSERT(s->getValue<std::string>("text").rfind("No CPU temperature sensor is visible on this machine.", 0) == 0);
        CPPUNIT_ASSERT(!s->getValue<bool>("found"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SensorsTest);

}  // namespace ha
