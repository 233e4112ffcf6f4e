// The cpu, memory and disk plugins: their parsers on recorded /proc text, and the real .so files
// loaded through the ABI, on a fake /proc tree (exact figures) and on this machine (live data).
#include "TestSupport.h"
#include "plugin/PluginLoader.h"
#include "tools/cpu/CpuSampler.h"
#include "tools/cpu/CpuStat.h"
#include "tools/disk/MountTable.h"
#include "tools/memory/MemInfo.h"

#include <cppunit/extensions/HelperMacros.h>

#include <Poco/File.h>

#include <thread>
#include <unistd.h>

namespace ha {

namespace {
const char* kMemInfo =
    "MemTotal:       16384000 kB\nMemFree:         1024000 kB\nMemAvailable:    8192000 kB\n"
    "Buffers:             100 kB\nCached:             2000 kB\nSwapCached:            0 kB\n"
    "SReclaimable:        500 kB\nSwapTotal:          1000 kB\nSwapFree:            250 kB\n";
const char* kMountInfo =
    "22 1 252:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
    "23 22 0:21 / /proc rw,nosuid - proc proc rw\n"
    "24 22 0:5 / /dev rw - devtmpfs udev rw\n"
    "30 22 252:1 /srv /srv/bind rw,relatime - ext4 /dev/vda1 rw\n"
    "31 22 0:45 / /mnt/tank rw,noatime - zfs tank rw,xattr\n"
    "32 31 0:46 / /mnt/tank/media\\040files ro,noatime - zfs tank/media\\040files ro\n"
    "33 22 0:47 / /var/lib/docker/overlay2/abc/merged rw - overlay overlay rw\n"
    "34 22 0:48 / /run rw - tmpfs tmpfs rw\n"
    "35 22 0:49 / /mnt/.ix-apps/app1 rw - zfs boot-pool/.ix-apps/app1 rw\n"
    "malformed line\n";
}  // namespace

class ToolPluginsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ToolPluginsTest);
    CPPUNIT_TEST(testParsesProcStat);
    CPPUNIT_TEST(testParsesLoadUptimeAndModel);
    CPPUNIT_TEST(testSamplerMeasuresThisMachine);
    CPPUNIT_TEST(testParsesMemInfo);
    CPPUNIT_TEST(testParsesMountInfo);
    CPPUNIT_TEST(testMemoryPluginOnFakeProc);
    CPPUNIT_TEST(testProcResultsCachedBriefly);
    CPPUNIT_TEST(testDiskPluginForConfiguredPaths);
    CPPUNIT_TEST(testPluginsOnThisMachine);
    CPPUNIT_TEST_SUITE_END();

    static plugin::LoadResult loadBuiltPlugins(const std::string& settings) {
        plugin::LoaderOptions o;
        o.directory = HA_BUILD_PLUGIN_DIR;
        o.settingsFor = [settings](const plugin::PluginIdentity&) { return settings; };
        return plugin::PluginLoader(o).loadAll();
    }
    static std::shared_ptr<Tool> find(const plugin::LoadResult& r, const std::string& capability) {
        for (const auto& t : r.tools) {
            if (t->info().capability == capability) return t;
        }
        CPPUNIT_FAIL("capability not loaded: " + capability);
        return nullptr;
    }
    static json::Object::Ptr call(const plugin::LoadResult& r, const std::string& capability, const std::string& input) {
        ToolOutput out = find(r, capability)->invoke(input, Deadline::after(std::chrono::seconds(5)), {});
        CPPUNIT_ASSERT_MESSAGE(out.error, out.status == CallStatus::Ok);
        return json::asObject(out.result);
    }

public:
    void testParsesProcStat() {
        const std::string before = "cpu  100 0 100 700 100 0 0 0 0 0\ncpu0 50 0 50 350 50 0 0 0 0 0\n"
                                   "cpu1 50 0 50 350 50 0 0 0 0 0\nintr 1 2 3\n";
        const std::string after = "cpu  200 0 150 1000 150 0 0 0 0 0\ncpu0 150 0 150 350 50 0 0 0 0 0\n"
                                  "cpu1 50 0 50 550 50 0 0 0 0 0\n";
        auto a = ha_plugins::cpu::parseStat(before), b = ha_plugins::cpu::parseStat(after);
        CPPUNIT_ASSERT(a && b);
        CPPUNIT_ASSERT_EQUAL(size_t(2), a->cores.size());
        // total +500, idle+iowait +350 -> 30% busy, iowait +50 -> 10%
        const auto u = ha_plugins::cpu::usageBetween(a->all, b->all);
        CPPUNIT_ASSERT_DOUBLES_EQUAL(30.0, u.busyPercent, 1e-9);
        CPPUNIT_ASSERT_DOUBLES_EQUAL(10.0, u.iowaitPercent, 1e-9);
        CPPUNIT_ASSERT_DOUBLES_EQUAL(100.0, ha_plugins::cpu::usageBetween(a->cores[0], b->cores[0]).busyPercent, 1e-9);
        CPPUNIT_ASSERT_DOUBLES_EQUAL(0.0, ha_plugins::cpu::usageBetween(a->cores[1], b->cores[1]).busyPercent, 1e-9);
        CPPUNIT_ASSERT_DOUBLES_EQUAL(0.0, ha_plugins::cpu::usageBetween(a->all, a->all).busyPercent, 1e-9);
        CPPUNIT_ASSERT(!ha_plugins::cpu::parseStat("intr 1 2 3\n"));
    }

    void testParsesLoadUptimeAndModel() {
        auto l = ha_plugins::cpu::parseLoadAverage("0.52 0.40 0.35 1/123 4567\n");
        CPPUNIT_ASSERT(l);
        CPPUNIT_ASSERT_DOUBLES_EQUAL(0.40, l->five, 1e-9);
        CPPUNIT_ASSERT_DOUBLES_EQUAL(12345.67, *ha_plugins::cpu::parseUptime("12345.67 23456.78\n"), 1e-9);
        CPPUNIT_ASSERT_EQUAL(std::string("AMD Ryzen 5 5600G"),
                             ha_plugins::cpu::parseModelName("processor\t: 0\nmodel name\t: AMD Ryzen 5 5600G\n"));
        CPPUNIT_ASSERT_EQUAL(std::string("Raspberry Pi 4 Model B Rev 1.4"),
                             ha_plugins::cpu::parseModelName("processor : 0\nModel\t\t: Raspberry Pi 4 Model B Rev 1.4\n"));
    }

    void testSamplerMeasuresThisMachine() {
        ha_plugins::cpu::CpuSampler sampler("/proc/stat", std::chrono::milliseconds(1000));
        auto s = sampler.latest(std::chrono::steady_clock::now() + std::chrono::seconds(3));
        CPPUNIT_ASSERT(s);
        CPPUNIT_ASSERT(s->all.busyPercent >= 0 && s->all.busyPercent <= 100);
        CPPUNIT_ASSERT_EQUAL(static_cast<size_t>(::sysconf(_SC_NPROCESSORS_ONLN)), s->coreBusyPercent.size());
        CPPUNIT_ASSERT(s->window.count() >= 200);  // the first window is 250 ms
    }

    void testParsesMemInfo() {
        auto m = ha_plugins::memory::parseMemInfo(kMemInfo);
        CPPUNIT_ASSERT(m);
        CPPUNIT_ASSERT_EQUAL(uint64_t(16384000) * 1024, m->total);
        CPPUNIT_ASSERT_EQUAL(uint64_t(8192000) * 1024, m->available);
        CPPUNIT_ASSERT_EQUAL(uint64_t(2500) * 1024, m->cached);  // Cached + SReclaimable
        // Old kernels without MemAvailable: free + buffers + cached.
        auto old = ha_plugins::memory::parseMemInfo("MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 10 kB\nCached: 40 kB\n");
        CPPUNIT_ASSERT_EQUAL(uint64_t(150) * 1024, old->available);
        CPPUNIT_ASSERT(!ha_plugins::memory::parseMemInfo("garbage"));
        CPPUNIT_ASSERT_EQUAL(uint64_t(4294967296), *ha_plugins::memory::parseArcSize(
                                                        "13 1 0x01 147 39984 1 2\nname type data\nhits 4 100\nsize 4 4294967296\n"));
    }

    void testParsesMountInfo() {
        const auto all = ha_plugins::disk::parseMountInfo(kMountInfo);
        CPPUNIT_ASSERT_EQUAL(size_t(9), all.size());
        CPPUNIT_ASSERT_EQUAL(std::string("/mnt/tank/media files"), all[5].mountPoint);
        CPPUNIT_ASSERT_EQUAL(std::string("tank/media files"), all[5].device);
        CPPUNIT_ASSERT(all[5].readOnly);
        const auto real = ha_plugins::disk::realFilesystems(all, {"/proc", "/sys", "/dev", "/run", "/var/lib/docker", "/mnt/.ix-apps"});
        CPPUNIT_ASSERT_EQUAL(size_t(3), real.size());  // /, /mnt/tank, /mnt/tank/media files (bind mount once)
        CPPUNIT_ASSERT_EQUAL(std::string("/"), real[0].mountPoint);
        CPPUNIT_ASSERT_EQUAL(std::string("/mnt/tank"), real[1].mountPoint);
        CPPUNIT_ASSERT_EQUAL(std::string("zfs"), real[1].type);
        CPPUNIT_ASSERT_EQUAL(std::string("/mnt/tank/media files"), ha_plugins::disk::mountOf(all, "/mnt/tank/media files/x")->mountPoint);
        CPPUNIT_ASSERT_EQUAL(std::string("/mnt/tank"), ha_plugins::disk::mountOf(all, "/mnt/tank/other")->mountPoint);
        CPPUNIT_ASSERT_EQUAL(std::string("/"), ha_plugins::disk::mountOf(all, "/mnt/tankx")->mountPoint);
    }

    void testMemoryPluginOnFakeProc() {
        test::TempDir proc;
        Poco::File(proc.file("spl/kstat/zfs")).createDirectories();
        test::writeFile(proc.file("meminfo"), kMemInfo);
        test::writeFile(proc.file("spl/kstat/zfs/arcstats"), "name type data\nsize 4 1048576\n");
        test::writeFile(proc.file("stat"), "cpu  1 0 1 10 0 0 0 0 0 0\ncpu0 1 0 1 10 0 0 0 0 0 0\n");
        const auto r = loadBuiltPlugins(R"({"proc_root":")" + proc.path() + R"("})");
        const auto m = call(r, "memory.usage", "{}");
        CPPUNIT_ASSERT_EQUAL(int64_t(16777216000), *json::getInt(m, "total_bytes"));
        CPPUNIT_ASSERT_EQUAL(int64_t(8388608000), *json::getInt(m, "available_bytes"));
        CPPUNIT_ASSERT_EQUAL(int64_t(8388608000), *json::getInt(m, "used_bytes"));
        CPPUNIT_ASSERT_DOUBLES_EQUAL(50.0, *json::getNumber(m, "used_percent"), 1e-9);
        CPPUNIT_ASSERT_EQUAL(int64_t(768000), *json::getInt(json::getObject(m, "swap"), "used_bytes"));
        CPPUNIT_ASSERT_DOUBLES_EQUAL(75.0, *json::getNumber(json::getObject(m, "swap"), "used_percent"), 1e-9);
        CPPUNIT_ASSERT_EQUAL(int64_t(1048576), *json::getInt(m, "zfs_arc_bytes"));
    }

    // cache_ms: a second call within it reads the same numbers; 0 reads /proc every time.
    void testProcResultsCachedBriefly() {
        test::TempDir proc;
        test::writeFile(proc.file("meminfo"), kMemInfo);
        test::writeFile(proc.file("stat"), "cpu  1 0 1 10 0 0 0 0 0 0\ncpu0 1 0 1 10 0 0 0 0 0 0\n");
        const std::string halfFree = std::string(kMemInfo).replace(std::string(kMemInfo).find("8192000"), 7, "4096000");
        for (const int cacheMs : {60000, 0}) {
            test::writeFile(proc.file("meminfo"), kMemInfo);
            const auto r = loadBuiltPlugins(R"({"proc_root":")" + proc.path() + R"(","cache_ms":)" +
                                            std::to_string(cacheMs) + "}");
            CPPUNIT_ASSERT_EQUAL(int64_t(8388608000), *json::getInt(call(r, "memory.usage", "{}"), "available_bytes"));
            test::writeFile(proc.file("meminfo"), halfFree);
            const int64_t expected = cacheMs > 0 ? int64_t(8388608000) : int64_t(4194304000);
            CPPUNIT_ASSERT_EQUAL(expected, *json::getInt(call(r, "memory.usage", "{}"), "available_bytes"));
        }
    }

    void testDiskPluginForConfiguredPaths() {
        const auto r = loadBuiltPlugins(R"({"paths":["/tmp","/"]})");
        const auto d = call(r, "disk.usage", "{}");
        auto list = json::getArray(d, "filesystems");
        CPPUNIT_ASSERT_EQUAL(size_t(2), list->size());
        auto first = json::asObject(list->get(0));
        CPPUNIT_ASSERT(json::getInt(first, "total_bytes").value_or(0) > 0);
        const double used = *json::getNumber(first, "used_percent");
        CPPUNIT_ASSERT(used >= 0 && used <= 100);
        // One explicit path, and a path that does not exist.
        const auto one = call(r, "disk.usage", R"({"path":"/"})");
        CPPUNIT_ASSERT_EQUAL(std::string("/"), *json::getString(json::asObject(json::getArray(one, "filesystems")->get(0)), "mount_point"));
        ToolOutput missing = find(r, "disk.usage")->invoke(R"({"path":"/nonexistent/dir"})", Deadline::after(std::chrono::seconds(2)), {});
        CPPUNIT_ASSERT(missing.status == CallStatus::NotFound);
    }

    void testPluginsOnThisMachine() {
        const auto r = loadBuiltPlugins("{}");
        const auto cpu = call(r, "cpu.usage", "{}");
        CPPUNIT_ASSERT_EQUAL(static_cast<int64_t>(::sysconf(_SC_NPROCESSORS_ONLN)), *json::getInt(cpu, "cores"));
        CPPUNIT_ASSERT(json::getObject(cpu, "load_average"));
        CPPUNIT_ASSERT(*json::getInt(cpu, "uptime_seconds") > 0);
        const auto mem = call(r, "memory.usage", "{}");
        CPPUNIT_ASSERT(*json::getInt(mem, "total_bytes") > *json::getInt(mem, "available_bytes"));
        const auto disk = call(r, "disk.usage", "{}");
        auto list = json::getArray(disk, "filesystems");
        CPPUNIT_ASSERT(list && list->size() >= 1);
        for (size_t i = 0; i < list->size(); ++i) {
            const std::string type = *json::getString(json::asObject(list->get(i)), "type");
            CPPUNIT_ASSERT_MESSAGE(type, !ha_plugins::disk::isPseudoFilesystem(type));
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ToolPluginsTest);

}  // namespace ha
