// The smart plugin's reading of smartctl JSON (real outputs of an ATA HDD, a SATA SSD, NVMe
// disks, a failing HDD, an NVMe with a critical warning, from public sources: see each fixture
// under tests/fixtures/smart/), of the collector's index and data directory, and the results.
#include "RecordedFixture.h"
#include "TestSupport.h"

#include "tools/smart/SmartData.h"
#include "tools/smart/SmartStore.h"
#include "tools/smart/SmartView.h"

#include <homelab_assistant/plugin.hpp>

#include <Poco/JSON/Array.h>

#include <cppunit/extensions/HelperMacros.h>

#include <stdexcept>
#include <sys/stat.h>

namespace ha {

using namespace ha_plugins::smart;

namespace {

std::string smartFixture(const std::string& name) { return test::recordedFixture("smart", name); }

uint64_t u(const std::optional<uint64_t>& v) {
    CPPUNIT_ASSERT(v.has_value());
    return *v;
}

}  // namespace

class SmartParserTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SmartParserTest);
    CPPUNIT_TEST(testAtaHdd);
    CPPUNIT_TEST(testSataSsd);
    CPPUNIT_TEST(testNvme);
    CPPUNIT_TEST(testFailingHdd);
    CPPUNIT_TEST(testNvmeCriticalWarning);
    CPPUNIT_TEST(testStandbyAndOpenFailure);
    CPPUNIT_TEST(testHostileJson);
    CPPUNIT_TEST(testIndexAndStore);
    CPPUNIT_TEST(testStoreWithoutData);
    CPPUNIT_TEST(testViews);
    CPPUNIT_TEST_SUITE_END();

public:
    void testAtaHdd() {
        const Disk d = parseSmartctlJson(smartFixture("ata-hdd-wdc-wd140edfz.json"));
        CPPUNIT_ASSERT_EQUAL(std::string("/dev/sdb"), d.device);
        CPPUNIT_ASSERT_EQUAL(std::string("sat"), d.type);
        CPPUNIT_ASSERT_EQUAL(std::string("sdb"), d.name());
        CPPUNIT_ASSERT_EQUAL(std::string("WDC WD140EDFZ-11A0VA0"), d.model);
        CPPUNIT_ASSERT_EQUAL(std::string("hdd"), d.kind);
        CPPUNIT_ASSERT_EQUAL(5400, *d.rotationRpm);
        CPPUNIT_ASSERT_EQUAL(uint64_t(14000519643136), u(d.capacityBytes));
        CPPUNIT_ASSERT(*d.healthPassed);
        CPPUNIT_ASSERT_EQUAL(32.0, *d.temperatureC);
        CPPUNIT_ASSERT_EQUAL(uint64_t(1730), u(d.powerOnHours));
        CPPUNIT_ASSERT_EQUAL(uint64_t(0), u(d.reallocatedSectors));
        CPPUNIT_ASSERT_EQUAL(uint64_t(0), u(d.pendingSectors));
        CPPUNIT_ASSERT_EQUAL(uint64_t(0), u(d.offlineUncorrectable));
        CPPUNIT_ASSERT_EQUAL(std::string("Completed without error"), d.selfTest);
        CPPUNIT_ASSERT(d.readable);
        CPPUNIT_ASSERT(!d.standby);
        // Attribute 194 packs min/max into its raw value; the counter is the printed lead.
        for (const auto& a : d.attributes) {
            if (a.id == 194) CPPUNIT_ASSERT_EQUAL(uint64_t(32), a.raw);
        }
    }

    void testSataSsd() {
        const Disk d = parseSmartctlJson(smartFixture("sata-ssd-samsung-860-evo.json"));
        CPPUNIT_ASSERT_EQUAL(std::string("ssd"), d.kind);
        CPPUNIT_ASSERT_EQUAL(std::string("Samsung SSD 860 EVO 500GB"), d.model);
        CPPUNIT_ASSERT_EQUAL(std::string("S3YZNB0KB00864E"), d.serial);
        CPPUNIT_ASSERT_EQUAL(36.0, *d.temperatureC);
        CPPUNIT_ASSERT_EQUAL(uint64_t(14551), u(d.powerOnHours));
        CPPUNIT_ASSERT_EQUAL(uint64_t(0), u(d.reallocatedSectors));
        CPPUNIT_ASSERT(!d.pendingSectors);  // Samsung SSDs have no attribute 197
        CPPUNIT_ASSERT(*d.healthPassed);
    }

    void testNvme() {
        const Disk d = parseSmartctlJson(smartFixture("nvme-force-mp510.json"));
        CPPUNIT_ASSERT_EQUAL(std::string("nvme"), d.kind);
        CPPUNIT_ASSERT_EQUAL(std::string("nvme0"), d.name());
        CPPUNIT_ASSERT_EQUAL(std::string("Force MP510"), d.model);
        CPPUNIT_ASSERT_EQUAL(uint64_t(0), u(d.criticalWarning));
        CPPUNIT_ASSERT_EQUAL(uint64_t(0), u(d.mediaErrors));
        CPPUNIT_ASSERT_EQUAL(uint64_t(1), u(d.percentageUsed));
        CPPUNIT_ASSERT_EQUAL(uint64_t(100), u(d.availableSpare));
        CPPUNIT_ASSERT_EQUAL(38.0, *d.temperatureC);
        CPPUNIT_ASSERT_EQUAL(uint64_t(6487), u(d.powerOnHours));
        CPPUNIT_ASSERT(d.attributes.empty());
        CPPUNIT_ASSERT(d.readable);
        const Disk worn = parseSmartctlJson(smartFixture("nvme-media-errors-samsung-970.json"));
        CPPUNIT_ASSERT_EQUAL(uint64_t(7), u(worn.mediaErrors));
        CPPUNIT_ASSERT(*worn.healthPassed);
    }

    void testFailingHdd() {
        const Disk d = parseSmartctlJson(smartFixture("ata-hdd-failing-hitachi.json"));
        CPPUNIT_ASSERT_EQUAL(std::string("usbjmicron"), d.type);
        CPPUNIT_ASSERT(!*d.healthPassed);
        CPPUNIT_ASSERT_EQUAL(216, d.exitStatus);
        CPPUNIT_ASSERT_EQUAL(uint64_t(1975), u(d.reallocatedSectors));
        CPPUNIT_ASSERT_EQUAL(uint64_t(8), u(d.pendingSectors));
        CPPUNIT_ASSERT_EQUAL(uint64_t(0), u(d.offlineUncorrectable));
        CPPUNIT_ASSERT_EQUAL(uint64_t(65592), u(d.powerOnHours));
        bool failingNow = false;
        for (const auto& a : d.attributes) failingNow = failingNow || (a.id == 5 && a.whenFailed == "now" && a.prefailure);
        CPPUNIT_ASSERT(failingNow);
        CPPUNIT_ASSERT(d.readable);
    }

    void testNvmeCriticalWarning() {
        const Disk d = parseSmartctlJson(smartFixture("nvme-critical-warning-samsung.json"));
        CPPUNIT_ASSERT_EQUAL(uint64_t(16), u(d.criticalWarning));
        CPPUNIT_ASSERT(!*d.healthPassed);
        CPPUNIT_ASSERT_EQUAL(uint64_t(3200631791616), u(d.capacityBytes));  // nvme_total_capacity
        const auto bits = criticalWarningBits(16);
        CPPUNIT_ASSERT_EQUAL(size_t(1), bits.size());
        CPPUNIT_ASSERT_EQUAL(std::string("volatile memory backup failed"), bits[0]);
        CPPUNIT_ASSERT_EQUAL(size_t(2), criticalWarningBits(0x5).size());
        CPPUNIT_ASSERT(criticalWarningBits(0).empty());
    }

    void testStandbyAndOpenFailure() {
        const Disk sleeping = parseSmartctlJson(smartFixture("ata-hdd-standby.json"));
        CPPUNIT_ASSERT(sleeping.standby);
        CPPUNIT_ASSERT_EQUAL(std::string("STANDBY"), sleeping.powerMode);
        CPPUNIT_ASSERT(!sleeping.readable);
        CPPUNIT_ASSERT(sleeping.errors.empty());  // asleep is not an error
        CPPUNIT_ASSERT(!sleeping.healthPassed);
        CPPUNIT_ASSERT_EQUAL(std::string("sda"), sleeping.name());
        // smartctl 7.5 also states the mode as an object.
        const Disk v75 = parseSmartctlJson(
            R"({"smartctl":{"exit_status":2},"power_mode":{"ata_value":0,"name":"STANDBY"},"device":{"name":"/dev/sdc","type":"sat","protocol":"ATA"}})");
        CPPUNIT_ASSERT(v75.standby);
        const Disk failed = parseSmartctlJson(smartFixture("open-failed.json"));
        CPPUNIT_ASSERT(!failed.standby);
        CPPUNIT_ASSERT(!failed.readable);
        CPPUNIT_ASSERT_EQUAL(size_t(1), failed.errors.size());
        CPPUNIT_ASSERT(failed.errors[0].rfind("Smartctl open device: /dev/sda failed", 0) == 0);
    }

    void testHostileJson() {
        CPPUNIT_ASSERT_THROW(parseSmartctlJson("not json"), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(parseSmartctlJson("[]"), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(parseSmartctlJson(R"({"model_name":"x"})"), std::invalid_argument);
        // Wrong types where numbers belong are ignored, not trusted.
        const Disk odd = parseSmartctlJson(
            R"({"smartctl":{"exit_status":"x"},"temperature":{"current":"hot"},"power_on_time":{"hours":-5},)"
            R"("ata_smart_attributes":{"table":[{"id":5,"raw":{"value":"many"}},17]}})");
        CPPUNIT_ASSERT(!odd.temperatureC);
        CPPUNIT_ASSERT(!odd.powerOnHours);
        CPPUNIT_ASSERT_EQUAL(uint64_t(0), u(odd.reallocatedSectors));
        CPPUNIT_ASSERT_THROW(parseCollectionIndex(R"({"devices":[]})"), std::invalid_argument);
    }

    void testIndexAndStore() {
        test::TempDir dir;
        const int64_t at = 1796162978;
        test::writeFile(dir.file("index.json"),
                        R"({"format":1,"collector":"homelab-assistant-smart-collect","collected_at":1796162978,)"
                        R"("smartctl":"smartctl 7.3 2022-02-28 r5338","error":"","devices":[)"
                        R"({"name":"/dev/sdb","type":"sat","file":"sdb_sat.json","exit_status":0},)"
                        R"({"name":"/dev/sdc","type":"usbjmicron","file":"sdc_usbjmicron.json","exit_status":216},)"
                        R"({"name":"/dev/nvme0","type":"nvme","file":"nvme0_nvme.json","exit_status":8},)"
                        R"({"name":"/dev/sda","type":"sat","file":"sda_sat.json","exit_status":2},)"
                        R"({"name":"/dev/sdd","type":"sat","file":"../../etc/shadow","exit_status":0},)"
                        R"({"name":"/dev/sde","type":"sat","file":"sde_sat.json","exit_status":0},)"
                        R"({"name":"/dev/sdf","type":"sat","error":"smartctl did not finish within 60 s"}]})");
        test::writeFile(dir.file("sdb_sat.json"), smartFixture("ata-hdd-wdc-wd140edfz.json"));
        test::writeFile(dir.file("sdc_usbjmicron.json"), smartFixture("ata-hdd-failing-hitachi.json"));
        test::writeFile(dir.file("nvme0_nvme.json"), smartFixture("nvme-critical-warning-samsung.json"));
        test::writeFile(dir.file("sda_sat.json"), smartFixture("ata-hdd-standby.json"));
        test::writeFile(dir.file("sde_sat.json"), "{\"smartctl\": {");  // cut short
        const SmartSnapshot s = loadSmartData(dir.path(), 1 << 20, 100);
        CPPUNIT_ASSERT(s.collected);
        CPPUNIT_ASSERT_EQUAL(at, s.index.collectedAt);
        CPPUNIT_ASSERT_EQUAL(size_t(7), s.disks.size());
        CPPUNIT_ASSERT(s.disks[0].disk && s.disks[0].disk->readable);
        CPPUNIT_ASSERT_EQUAL(std::string("/dev/nvme0"), s.disks[2].disk->device);
        CPPUNIT_ASSERT(s.disks[3].disk->standby);
        CPPUNIT_ASSERT(!s.disks[4].disk);
        CPPUNIT_ASSERT_EQUAL(std::string("the index names no valid file for it ('../../etc/shadow')"), s.disks[4].problem);
        CPPUNIT_ASSERT(!s.disks[5].disk);
        CPPUNIT_ASSERT(s.disks[5].problem.rfind("sde_sat.json is not valid JSON", 0) == 0);
        CPPUNIT_ASSERT_EQUAL(std::string("smartctl did not finish within 60 s"), s.disks[6].problem);
        // Bounds: files over the size bound and disks over the count bound.
        const SmartSnapshot small = loadSmartData(dir.path(), 4096, 2);
        CPPUNIT_ASSERT_EQUAL(size_t(2), small.disks.size());
        CPPUNIT_ASSERT(small.disks[0].problem.find("larger than 4096 bytes (max_file_bytes)") != std::string::npos);
        // A broken index is an outage, not "no data yet".
        test::writeFile(dir.file("index.json"), "{broken");
        CPPUNIT_ASSERT_THROW(loadSmartData(dir.path(), 1 << 20, 100), homelab_assistant::Error);
    }

    void testStoreWithoutData() {
        test::TempDir dir;
        const SmartSnapshot none = loadSmartData(dir.path() + "/smart", 1 << 20, 100);
        CPPUNIT_ASSERT(!none.collected);
        CPPUNIT_ASSERT(none.reason.find("No SMART data has been collected yet") == 0);
        CPPUNIT_ASSERT(none.reason.find("homelab-assistant-smart.timer") != std::string::npos);
        if (::geteuid() != 0) {  // root reads anything: the permission case needs another user
            test::writeFile(dir.file("index.json"), "{}");
            ::chmod(dir.file("index.json").c_str(), 0);
            const SmartSnapshot denied = loadSmartData(dir.path(), 1 << 20, 100);
            CPPUNIT_ASSERT(denied.reason.find("Permission denied") != std::string::npos);
        }
    }

    void testViews() {
        DiskRecord hdd{{"/dev/sdb", "sat", "sdb_sat.json", 0, ""}, parseSmartctlJson(smartFixture("ata-hdd-wdc-wd140edfz.json")), ""};
        DiskRecord failing{{"/dev/sdc", "usbjmicron", "f", 216, ""}, parseSmartctlJson(smartFixture("ata-hdd-failing-hitachi.json")), ""};
        DiskRecord nvme{{"/dev/nvme0", "nvme", "n", 8, ""}, parseSmartctlJson(smartFixture("nvme-critical-warning-samsung.json")), ""};
        DiskRecord asleep{{"/dev/sda", "sat", "a", 2, ""}, parseSmartctlJson(smartFixture("ata-hdd-standby.json")), ""};
        DiskRecord lost{{"/dev/sdf", "sat", "", std::nullopt, "smartctl did not finish within 60 s"}, std::nullopt,
                        "smartctl did not finish within 60 s"};
        CollectionIndex index;
        index.collectedAt = 1796162978;
        SmartLimits limits;
        auto view = disksView(index, {hdd, failing, nvme, asleep, lost}, index.collectedAt + 600, limits, "/var/lib/x");
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(600), view->getValue<Poco::Int64>("age_seconds"));
        CPPUNIT_ASSERT(!view->getValue<bool>("stale"));
        auto disks = view->getArray("disks");
        auto a = disks->getObject(0);
        CPPUNIT_ASSERT_EQUAL(std::string("passed"), a->getValue<std::string>("health"));
        CPPUNIT_ASSERT_EQUAL(50.0, a->getValue<double>("temperature_limit_c"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0), a->getValue<Poco::Int64>("reallocated_sectors"));
        auto f = disks->getObject(1);
        CPPUNIT_ASSERT_EQUAL(std::string("failed"), f->getValue<std::string>("health"));
        CPPUNIT_ASSERT_EQUAL(std::string("Reallocated_Sector_Ct"), f->getArray("failing_attributes")->getElement<std::string>(0));
        auto n = disks->getObject(2)->getObject("nvme");
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(16), n->getValue<Poco::Int64>("critical_warning"));
        CPPUNIT_ASSERT_EQUAL(std::string("volatile memory backup failed"), n->getArray("critical_warning_meaning")->getElement<std::string>(0));
        CPPUNIT_ASSERT_EQUAL(70.0, disks->getObject(2)->getValue<double>("temperature_limit_c"));
        auto s = disks->getObject(3);
        CPPUNIT_ASSERT_EQUAL(std::string("standby"), s->getValue<std::string>("state"));
        CPPUNIT_ASSERT(!s->has("health"));  // nothing was read
        auto l = disks->getObject(4);
        CPPUNIT_ASSERT_EQUAL(std::string("unreadable"), l->getValue<std::string>("state"));
        CPPUNIT_ASSERT_EQUAL(std::string("smartctl did not finish within 60 s"), l->getValue<std::string>("problem"));
        auto stale = disksView(index, {hdd}, index.collectedAt + 91 * 60, limits, "/var/lib/x");
        CPPUNIT_ASSERT(stale->getValue<bool>("stale"));

        auto detail = diskDetail(failing, limits);
        CPPUNIT_ASSERT(detail->getArray("attributes")->size() > 10);
        CPPUNIT_ASSERT_EQUAL(std::string("Hitachi Deskstar 7K1000.D"), detail->getValue<std::string>("family"));
        CPPUNIT_ASSERT_EQUAL(216, detail->getValue<int>("smartctl_exit_status"));

        const std::vector<DiskRecord> all = {hdd, failing, nvme, asleep};
        CPPUNIT_ASSERT(findDisk(all, "sdb") == &all[0]);
        CPPUNIT_ASSERT(findDisk(all, "/dev/sdc") == &all[1]);
        CPPUNIT_ASSERT(findDisk(all, "MSK423Y20S3HBC") == &all[1]);  // serial
        CPPUNIT_ASSERT(findDisk(all, "hitachi") == &all[1]);         // part of a model
        CPPUNIT_ASSERT(findDisk(all, "NVME0") == &all[2]);
        CPPUNIT_ASSERT(findDisk(all, "sdz") == nullptr);
        CPPUNIT_ASSERT(findDisk(all, "a") == nullptr);  // too short to mean a model
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SmartParserTest);

}  // namespace ha
