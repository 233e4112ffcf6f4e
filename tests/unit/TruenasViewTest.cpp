// The truenas plugin's reducers on the recorded middleware shapes of tests/fixtures/truenas
// (TrueNAS 25.10.6): what each method's result is reduced to, that nothing secret or unknown
// passes, list caps, and task schedules (how late is late).
#include "tools/truenas/AlertView.h"
#include "tools/truenas/AppView.h"
#include "tools/truenas/CronSchedule.h"
#include "tools/truenas/DataProtectionView.h"
#include "tools/truenas/StorageView.h"
#include "tools/truenas/SystemView.h"
#include "TestSupport.h"

#include "common/PluginConfig.h"

#include <homelab_assistant/plugin.hpp>

#include <Poco/JSON/Parser.h>

#include <cppunit/extensions/HelperMacros.h>

namespace ha {

using namespace ha_plugins::truenas;

namespace {

struct Fixture {
    Var result;
    int64_t recordedAt = 0;
};

Fixture fixture(const std::string& name) {
    Poco::JSON::Parser parser;
    auto doc = parser.parse(test::readFile(std::string(HA_TEST_FIXTURES) + "/truenas/" + name + ".json")).extract<Poco::JSON::Object::Ptr>();
    return {doc->get("result"), doc->getObject("recorded_at")->getValue<int64_t>("$date")};
}

ViewContext at(const Fixture& f, size_t maxItems = 100) { return ViewContext{f.recordedAt, maxItems, 1.5}; }

std::string str(const ObjectPtr& o) { return ha_plugins::toJson(o); }

std::string str(const ArrayPtr& a) {
    auto o = ha_plugins::newObject();
    o->set("a", a);
    return ha_plugins::toJson(o);
}

bool contains(const std::string& s, const std::string& needle) { return s.find(needle) != std::string::npos; }

ObjectPtr item(const ArrayPtr& list, const std::string& key, const std::string& value) {
    for (size_t i = 0; i < list->size(); ++i) {
        auto o = list->getObject(static_cast<unsigned>(i));
        if (o->optValue<std::string>(key, "") == value) return o;
    }
    return nullptr;
}

ObjectPtr schedule(const std::string& json) { return json::parseObject(json); }

int64_t gapOf(const std::string& json) { return CronSchedule::fromObject(schedule(json)).value().longestGapSeconds(); }

}  // namespace

class TruenasViewTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(TruenasViewTest);
    CPPUNIT_TEST(testAlerts);
    CPPUNIT_TEST(testAlertFiltersAndCaps);
    CPPUNIT_TEST(testPools);
    CPPUNIT_TEST(testDisksAndTemperatureShapes);
    CPPUNIT_TEST(testApps);
    CPPUNIT_TEST(testSnapshotTasks);
    CPPUNIT_TEST(testReplications);
    CPPUNIT_TEST(testCloudSyncsNeverCarryCredentials);
    CPPUNIT_TEST(testSystem);
    CPPUNIT_TEST(testSchedules);
    CPPUNIT_TEST(testHostileShapes);
    CPPUNIT_TEST_SUITE_END();

public:
    void testAlerts() {
        const auto f = fixture("alert.list");
        const auto r = reduceAlerts(f.result, AlertQuery{}, at(f));
        CPPUNIT_ASSERT_EQUAL(int64_t(7), r->getValue<int64_t>("active"));
        CPPUNIT_ASSERT_EQUAL(int64_t(1), r->getValue<int64_t>("dismissed"));
        CPPUNIT_ASSERT_EQUAL(int64_t(3), r->getObject("by_level")->getValue<int64_t>("CRITICAL"));
        CPPUNIT_ASSERT_EQUAL(int64_t(1), r->getObject("by_level")->getValue<int64_t>("ERROR"));
        const auto alerts = r->getArray("alerts");
        CPPUNIT_ASSERT_EQUAL(7u, static_cast<unsigned>(alerts->size()));  // the dismissed one is left out
        // Most severe first, newest first within a level.
        CPPUNIT_ASSERT_EQUAL(std::string("VolumeStatus"), alerts->getObject(0)->getValue<std::string>("klass"));
        CPPUNIT_ASSERT_EQUAL(std::string("HasUpdate"), alerts->getObject(6)->getValue<std::string>("klass"));
        const auto volume = alerts->getObject(0);
        CPPUNIT_ASSERT_EQUAL(std::string("critical"), volume->getValue<std::string>("severity"));
        CPPUNIT_ASSERT_EQUAL(int64_t(7200), volume->getValue<int64_t>("age_seconds"));
        CPPUNIT_ASSERT_EQUAL(std::string("2025-11-24T10:00:00Z"), volume->getValue<std::string>("since"));
        const std::string message = volume->getValue<std::string>("message");
        CPPUNIT_ASSERT(contains(message, "Pool backup state is DEGRADED"));
        CPPUNIT_ASSERT(contains(message, "healthy: Disk ST4000VN008-2DR166 ZGY8K2LQ is REMOVED"));
        CPPUNIT_ASSERT(!contains(message, "<") && !contains(message, ">"));  // HTML removed
        CPPUNIT_ASSERT_EQUAL(std::string("critical"), item(alerts, "klass", "CloudSyncTaskFailed")->getValue<std::string>("severity"));
        // formatted null: the class template with its args.
        CPPUNIT_ASSERT_EQUAL(std::string("NTP health check failed - No Active NTP peers"),
                             item(alerts, "klass", "NTPHealthCheck")->getValue<std::string>("message"));
        const std::string all = str(r);
        for (const char* gone : {"uuid", "\"args\"", "\"key\"", "\"node\"", "mail", "future_field", "one_shot"}) {
            CPPUNIT_ASSERT_MESSAGE(gone, !contains(all, gone));
        }
    }

    void testAlertFiltersAndCaps() {
        const auto f = fixture("alert.list");
        AlertQuery q;
        q.includeDismissed = true;
        auto r = reduceAlerts(f.result, q, at(f));
        CPPUNIT_ASSERT_EQUAL(8u, static_cast<unsigned>(r->getArray("alerts")->size()));
        CPPUNIT_ASSERT_EQUAL(true, item(r->getArray("alerts"), "klass", "SMARTUncorrectedErrors")->getValue<bool>("dismissed"));
        q = AlertQuery{};
        q.minLevel = "ERROR";
        r = reduceAlerts(f.result, q, at(f));
        CPPUNIT_ASSERT_EQUAL(4u, static_cast<unsigned>(r->getArray("alerts")->size()));
        CPPUNIT_ASSERT_EQUAL(int64_t(7), r->getValue<int64_t>("active"));  // counts stay complete
        r = reduceAlerts(f.result, AlertQuery{}, at(f, 2));
        CPPUNIT_ASSERT_EQUAL(2u, static_cast<unsigned>(r->getArray("alerts")->size()));
        CPPUNIT_ASSERT_EQUAL(true, r->getValue<bool>("truncated"));
        CPPUNIT_ASSERT_EQUAL(std::string("critical"), alertSeverity("EMERGENCY"));
        CPPUNIT_ASSERT_EQUAL(std::string("warning"), alertSeverity("WARNING"));
        CPPUNIT_ASSERT_EQUAL(std::string("info"), alertSeverity("NOTICE"));
        CPPUNIT_ASSERT_EQUAL(std::string("info"), alertSeverity("SOMETHING_NEW"));
    }

    void testPools() {
        const auto f = fixture("pool.query");
        const auto r = reducePools(f.result, "", at(f));
        CPPUNIT_ASSERT_EQUAL(int64_t(1), r->getValue<int64_t>("unhealthy"));
        const auto tank = item(r->getArray("pools"), "name", "tank");
        CPPUNIT_ASSERT_EQUAL(91.0, tank->getValue<double>("used_percent"));
        CPPUNIT_ASSERT_EQUAL(12.0, tank->getValue<double>("fragmentation_percent"));
        CPPUNIT_ASSERT_EQUAL(int64_t(3), tank->getValue<int64_t>("devices"));
        CPPUNIT_ASSERT_EQUAL(0u, static_cast<unsigned>(tank->getArray("problem_devices")->size()));
        CPPUNIT_ASSERT_EQUAL(std::string("RAIDZ1"), tank->getArray("vdevs")->getObject(0)->getValue<std::string>("type"));
        CPPUNIT_ASSERT_EQUAL(std::string("SCRUB"), tank->getObject("last_scan")->getValue<std::string>("function"));
        CPPUNIT_ASSERT_EQUAL(int64_t(6 * 86400 - 5 * 3600), tank->getObject("last_scan")->getValue<int64_t>("ended_age_seconds"));
        const auto backup = item(r->getArray("pools"), "name", "backup");
        CPPUNIT_ASSERT_EQUAL(std::string("DEGRADED"), backup->getValue<std::string>("status"));
        const auto problems = backup->getArray("problem_devices");
        CPPUNIT_ASSERT_EQUAL(2u, static_cast<unsigned>(problems->size()));
        CPPUNIT_ASSERT_EQUAL(std::string("sdd"), problems->getObject(0)->getValue<std::string>("device"));
        CPPUNIT_ASSERT_EQUAL(int64_t(2), problems->getObject(0)->getValue<int64_t>("checksum_errors"));
        const auto removed = problems->getObject(1);
        CPPUNIT_ASSERT_EQUAL(std::string("sde"), removed->getValue<std::string>("device"));  // from unavail_disk
        CPPUNIT_ASSERT_EQUAL(std::string("REMOVED"), removed->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(std::string("ZGY8K2LQ"), removed->getValue<std::string>("serial"));
        CPPUNIT_ASSERT(!contains(str(r), "future_vdev_properties") && !contains(str(r), "guid") && !contains(str(r), "ops"));
        CPPUNIT_ASSERT_EQUAL(1u, static_cast<unsigned>(reducePools(f.result, "tank", at(f))->getArray("pools")->size()));
        try {
            reducePools(f.result, "nosuchpool", at(f));
            CPPUNIT_FAIL("no error for an unknown pool");
        } catch (const homelab_assistant::Error& e) {
            CPPUNIT_ASSERT_EQUAL(HA_ERR_NOT_FOUND, e.status());
        }
    }

    void testDisksAndTemperatureShapes() {
        const auto f = fixture("disk.query");
        const auto t = fixture("disk.temperatures");
        const auto r = reduceDisks(f.result, t.result, "", at(f));
        const auto disks = r->getArray("disks");
        CPPUNIT_ASSERT_EQUAL(6u, static_cast<unsigned>(disks->size()));
        const auto sda = item(disks, "name", "sda");
        CPPUNIT_ASSERT_EQUAL(std::string("WDC WD40EFRX-68N32N0"), sda->getValue<std::string>("model"));
        CPPUNIT_ASSERT_EQUAL(std::string("WD-WCC7K1ABCDEF"), sda->getValue<std::string>("serial"));
        CPPUNIT_ASSERT_EQUAL(int64_t(4000787030016), sda->getValue<int64_t>("size_bytes"));
        CPPUNIT_ASSERT_EQUAL(std::string("HDD"), sda->getValue<std::string>("type"));
        CPPUNIT_ASSERT_EQUAL(std::string("tank"), sda->getValue<std::string>("pool"));
        CPPUNIT_ASSERT_EQUAL(34.0, sda->getValue<double>("temperature_c"));
        CPPUNIT_ASSERT(!item(disks, "name", "nvme1n1")->has("temperature_c"));  // null reading
        CPPUNIT_ASSERT_EQUAL(std::string("nvme0n1"), r->getObject("hottest")->getValue<std::string>("name"));
        CPPUNIT_ASSERT(!contains(str(r), "identifier") && !contains(str(r), "future_sed_status"));
        // 25.10 with include_thresholds answers [celsius, critical] pairs.
        const auto pairs = json::parse(R"({"sda":[38,60],"sdb":[null,60],"sdc":"bogus"})");
        const auto r2 = reduceDisks(f.result, pairs, "", at(f));
        CPPUNIT_ASSERT_EQUAL(38.0, item(r2->getArray("disks"), "name", "sda")->getValue<double>("temperature_c"));
        CPPUNIT_ASSERT_EQUAL(60.0, item(r2->getArray("disks"), "name", "sda")->getValue<double>("critical_temperature_c"));
        CPPUNIT_ASSERT(!item(r2->getArray("disks"), "name", "sdb")->has("temperature_c"));
        CPPUNIT_ASSERT(!item(r2->getArray("disks"), "name", "sdc")->has("temperature_c"));
        // Without temperatures (that call failed) the disks are still listed.
        const auto r3 = reduceDisks(f.result, Var(), "sdd", at(f));
        CPPUNIT_ASSERT_EQUAL(1u, static_cast<unsigned>(r3->getArray("disks")->size()));
        CPPUNIT_ASSERT_EQUAL(false, r3->getValue<bool>("temperatures_available"));
        CPPUNIT_ASSERT_EQUAL(1u, static_cast<unsigned>(reduceDisks(f.result, Var(), "ZGY8K3AB", at(f))->getArray("disks")->size()));
    }

    void testApps() {
        const auto f = fixture("app.query");
        const auto r = reduceApps(f.result, "", at(f));
        const auto counts = r->getObject("counts");
        CPPUNIT_ASSERT_EQUAL(int64_t(3), counts->getValue<int64_t>("RUNNING"));
        CPPUNIT_ASSERT_EQUAL(int64_t(1), counts->getValue<int64_t>("CRASHED"));
        CPPUNIT_ASSERT_EQUAL(int64_t(1), counts->getValue<int64_t>("STOPPED"));
        CPPUNIT_ASSERT_EQUAL(int64_t(1), counts->getValue<int64_t>("DEPLOYING"));
        CPPUNIT_ASSERT_EQUAL(int64_t(1), r->getValue<int64_t>("upgrades_available"));
        const auto plex = item(r->getArray("apps"), "name", "plex");
        CPPUNIT_ASSERT_EQUAL(true, plex->getValue<bool>("upgrade_available"));
        CPPUNIT_ASSERT_EQUAL(std::string("1.2.15"), plex->getValue<std::string>("latest_version"));
        const auto nextcloud = item(r->getArray("apps"), "name", "nextcloud");
        CPPUNIT_ASSERT_EQUAL(int64_t(2), nextcloud->getObject("containers")->getValue<int64_t>("total"));
        CPPUNIT_ASSERT_EQUAL(int64_t(1), nextcloud->getObject("containers")->getObject("states")->getValue<int64_t>("exited"));
        CPPUNIT_ASSERT(!nextcloud->has("latest_version"));  // only when an upgrade is available
        const std::string all = str(r);
        for (const char* gone : {"hunter2", "notes", "portals", "metadata", "volume_mounts", "future_field", "192.168"}) {
            CPPUNIT_ASSERT_MESSAGE(gone, !contains(all, gone));
        }
        CPPUNIT_ASSERT_EQUAL(1u, static_cast<unsigned>(reduceApps(f.result, "home-assistant", at(f))->getArray("apps")->size()));
        try {
            reduceApps(f.result, "plexx", at(f));
            CPPUNIT_FAIL("no error for an unknown app");
        } catch (const homelab_assistant::Error& e) {
            CPPUNIT_ASSERT_EQUAL(HA_ERR_NOT_FOUND, e.status());
        }
        CPPUNIT_ASSERT_EQUAL(1u, static_cast<unsigned>(reduceApps(f.result, "", at(f, 1))->getArray("apps")->size()));
        CPPUNIT_ASSERT_EQUAL(true, reduceApps(f.result, "", at(f, 1))->getValue<bool>("truncated"));
    }

    void testSnapshotTasks() {
        const auto f = fixture("pool.snapshottask.query");
        const auto tasks = reduceSnapshotTasks(f.result, at(f));
        CPPUNIT_ASSERT_EQUAL(5u, static_cast<unsigned>(tasks->size()));
        const auto outcome = [&](const std::string& ds) { return item(tasks, "dataset", ds)->getValue<std::string>("outcome"); };
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), outcome("tank/media"));
        CPPUNIT_ASSERT_EQUAL(std::string("late"), outcome("tank/documents"));   // daily, 3.5 days ago
        CPPUNIT_ASSERT_EQUAL(std::string("failed"), outcome("tank/vm"));
        CPPUNIT_ASSERT_EQUAL(std::string("disabled"), outcome("backup/old"));
        CPPUNIT_ASSERT_EQUAL(std::string("held"), outcome("tank/secure"));
        const auto media = item(tasks, "dataset", "tank/media");
        CPPUNIT_ASSERT_EQUAL(std::string("every hour at :00"), media->getValue<std::string>("schedule"));
        CPPUNIT_ASSERT_EQUAL(int64_t(3600), media->getValue<int64_t>("expected_interval_seconds"));
        CPPUNIT_ASSERT_EQUAL(int64_t(1800), media->getValue<int64_t>("last_run_age_seconds"));
        CPPUNIT_ASSERT_EQUAL(std::string("tank/media@auto-2025-11-24_11-00"), media->getValue<std::string>("last_snapshot"));
        CPPUNIT_ASSERT(contains(item(tasks, "dataset", "tank/vm")->getValue<std::string>("error"), "dataset is busy"));
        CPPUNIT_ASSERT_EQUAL(std::string("Dataset tank/secure is locked."), item(tasks, "dataset", "tank/secure")->getValue<std::string>("reason"));
        CPPUNIT_ASSERT(!contains(str(tasks), "naming_schema") && !contains(str(tasks), "future_field"));
        // A larger stale_factor tolerates the daily task 3.5 days late.
        ViewContext lenient = at(f);
        lenient.staleFactor = 4;
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), item(reduceSnapshotTasks(f.result, lenient), "dataset", "tank/documents")->getValue<std::string>("outcome"));
        CPPUNIT_ASSERT(isProblemOutcome("late") && isProblemOutcome("failed") && !isProblemOutcome("ok") && !isProblemOutcome("disabled"));
    }

    void testReplications() {
        const auto f = fixture("replication.query");
        const auto tasks = reduceReplications(f.result, at(f));
        const auto backup = item(tasks, "name", "tank/media to backup");
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), backup->getValue<std::string>("outcome"));
        CPPUNIT_ASSERT_EQUAL(std::string("after snapshot task tank/media (every hour at :00)"), backup->getValue<std::string>("schedule"));
        CPPUNIT_ASSERT_EQUAL(std::string("SUCCESS"), backup->getObject("last_job")->getValue<std::string>("state"));
        const auto offsite = item(tasks, "name", "tank/media to offsite");
        CPPUNIT_ASSERT_EQUAL(std::string("failed"), offsite->getValue<std::string>("outcome"));
        CPPUNIT_ASSERT_EQUAL(std::string("daily at 01:00"), offsite->getValue<std::string>("schedule"));
        CPPUNIT_ASSERT(contains(offsite->getValue<std::string>("error"), "Connection refused"));
        CPPUNIT_ASSERT_EQUAL(int64_t(5 * 3600), offsite->getValue<int64_t>("last_run_age_seconds"));
        const auto pull = item(tasks, "name", "pull from old-nas");
        CPPUNIT_ASSERT_EQUAL(std::string("disabled"), pull->getValue<std::string>("outcome"));
        CPPUNIT_ASSERT_EQUAL(std::string("manual"), pull->getValue<std::string>("schedule"));
        const std::string all = str(tasks);
        for (const char* gone : {"ssh_credentials", "offsite.example.net\",\"port", "remote_host_key", "hunter2", "exception",
                                 "arguments", "credentials", "logs_path", "future_field"}) {
            CPPUNIT_ASSERT_MESSAGE(gone, !contains(all, gone));
        }
    }

    void testCloudSyncsNeverCarryCredentials() {
        const auto f = fixture("cloudsync.query");
        const auto tasks = reduceCloudSyncs(f.result, at(f));
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), item(tasks, "description", "Photos to B2")->getValue<std::string>("outcome"));
        const auto docs = item(tasks, "description", "Documents to S3");
        CPPUNIT_ASSERT_EQUAL(std::string("failed"), docs->getValue<std::string>("outcome"));
        CPPUNIT_ASSERT_EQUAL(std::string("Failed to upload: 403 Forbidden (AccessDenied)"), docs->getValue<std::string>("error"));
        CPPUNIT_ASSERT_EQUAL(std::string("daily at 16:30"), docs->getValue<std::string>("schedule"));
        const auto restore = item(tasks, "description", "Restore test");
        CPPUNIT_ASSERT_EQUAL(std::string("NEVER_RUN"), restore->getValue<std::string>("state"));
        CPPUNIT_ASSERT_EQUAL(std::string("disabled"), restore->getValue<std::string>("outcome"));
        const std::string all = str(tasks);
        for (const char* gone : {"hunter2", "AKIA", "credentials", "encryption", "pre_script", "bucket", "K001"}) {
            CPPUNIT_ASSERT_MESSAGE(gone, !contains(all, gone));
        }
    }

    void testSystem() {
        const auto f = fixture("system.info");
        const auto boot = fixture("boot.get_state");
        const auto r = reduceSystem(f.result, boot.result, "", at(f));
        CPPUNIT_ASSERT_EQUAL(std::string("25.10.1"), r->getValue<std::string>("version"));
        CPPUNIT_ASSERT_EQUAL(std::string("truenas"), r->getValue<std::string>("hostname"));
        CPPUNIT_ASSERT_EQUAL(int64_t(1047845), r->getValue<int64_t>("uptime_seconds"));
        CPPUNIT_ASSERT_EQUAL(true, r->getValue<bool>("ecc_memory"));
        CPPUNIT_ASSERT_EQUAL(3u, static_cast<unsigned>(r->getArray("load_average")->size()));
        const auto pool = r->getObject("boot_pool");
        CPPUNIT_ASSERT_EQUAL(std::string("boot-pool"), pool->getValue<std::string>("name"));
        CPPUNIT_ASSERT_EQUAL(std::string("DEGRADED"), pool->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(std::string("nvme1n1"), pool->getArray("problem_devices")->getObject(0)->getValue<std::string>("device"));
        CPPUNIT_ASSERT_EQUAL(int64_t(128), pool->getArray("problem_devices")->getObject(0)->getValue<int64_t>("write_errors"));
        for (const char* gone : {"serial", "license", "O.E.M", "future_field"}) CPPUNIT_ASSERT_MESSAGE(gone, !contains(str(r), gone));
        const auto noBoot = reduceSystem(f.result, Var(), "TrueNAS refused boot.get_state", at(f));
        CPPUNIT_ASSERT_EQUAL(std::string("TrueNAS refused boot.get_state"), noBoot->getValue<std::string>("boot_pool_error"));
        CPPUNIT_ASSERT_EQUAL(std::string("24.10.2"), shortVersion("TrueNAS-SCALE-24.10.2"));
        CPPUNIT_ASSERT_EQUAL(std::string("25.10.1"), shortVersion("TrueNAS-25.10.1"));
        CPPUNIT_ASSERT_EQUAL(std::string("25.10.1"), shortVersion("25.10.1"));
        const auto healthy = fixture("healthy/boot.get_state");
        CPPUNIT_ASSERT_EQUAL(0u, static_cast<unsigned>(reducePool(objectOf(healthy.result), at(healthy))->getArray("problem_devices")->size()));
    }

    void testSchedules() {
        CPPUNIT_ASSERT_EQUAL(int64_t(3600), gapOf(R"({"minute":"0","hour":"*","dom":"*","month":"*","dow":"*"})"));
        CPPUNIT_ASSERT_EQUAL(int64_t(86400), gapOf(R"({"minute":"0","hour":"0"})"));
        CPPUNIT_ASSERT_EQUAL(int64_t(900), gapOf(R"({"minute":"*/15"})"));
        CPPUNIT_ASSERT_EQUAL(int64_t(60), gapOf(R"({"minute":"*"})"));
        // Every 6 hours inside 06:00-22:00: 06, 12, 18, then 06 the next day.
        CPPUNIT_ASSERT_EQUAL(int64_t(12 * 3600), gapOf(R"({"minute":"0","hour":"*/6","begin":"06:00","end":"22:00"})"));
        CPPUNIT_ASSERT_EQUAL(int64_t(7 * 86400), gapOf(R"({"minute":"30","hour":"2","dow":"7"})"));
        CPPUNIT_ASSERT_EQUAL(int64_t(7 * 86400), gapOf(R"({"minute":"30","hour":"2","dow":"sun"})"));
        CPPUNIT_ASSERT_EQUAL(int64_t(3 * 86400), gapOf(R"({"minute":"0","hour":"0","dow":"1-5"})"));    // Friday to Monday
        CPPUNIT_ASSERT_EQUAL(int64_t(31 * 86400), gapOf(R"({"minute":"0","hour":"0","dom":"1"})"));     // July 1 to August 1
        CPPUNIT_ASSERT_EQUAL(int64_t(366 * 86400), gapOf(R"({"minute":"0","hour":"0","dom":"1","month":"jan"})"));  // over 2024
        // dom and dow both restricted: either matches (cron, croniter).
        CPPUNIT_ASSERT(gapOf(R"({"minute":"0","hour":"0","dom":"1","dow":"1"})") <= 7 * 86400);
        CPPUNIT_ASSERT_EQUAL(std::string("every hour at :00"), CronSchedule::fromObject(schedule(R"({"minute":"0"})"))->description());
        CPPUNIT_ASSERT_EQUAL(std::string("daily at 01:00"), CronSchedule::fromObject(schedule(R"({"minute":"00","hour":"1"})"))->description());
        CPPUNIT_ASSERT_EQUAL(std::string("weekly on Sunday at 02:30"), CronSchedule::fromObject(schedule(R"({"minute":"30","hour":"2","dow":"0"})"))->description());
        CPPUNIT_ASSERT_EQUAL(std::string("every 15 minutes between 08:00 and 18:00"),
                             CronSchedule::fromObject(schedule(R"({"minute":"*/15","begin":"08:00","end":"18:00"})"))->description());
        for (const char* bad : {R"({"minute":"61"})", R"({"minute":"x"})", R"({"minute":"*/0"})", R"({"hour":"5-2"})",
                                R"({"minute":"0","dom":"31","month":"2"})", R"({"minute":"0","begin":"22:00","end":"06:00"})",
                                R"({"minute":"0","hour":"3","begin":"04:00","end":"05:00"})", R"({"minute":""})"}) {
            CPPUNIT_ASSERT_MESSAGE(bad, !CronSchedule::fromObject(schedule(bad)));
        }
        CPPUNIT_ASSERT(!CronSchedule::fromObject(nullptr));
    }

    void testHostileShapes() {
        // Wrong top-level types are errors, odd entries are skipped, odd fields read as absent.
        const auto f = fixture("alert.list");
        for (const char* text : {R"({"not":"a list"})", "[1,2]"}) {
            const Var v = json::parse(text);
            try {
                const auto r = reduceAlerts(v, AlertQuery{}, at(f));
                CPPUNIT_ASSERT_EQUAL(int64_t(0), r->getValue<int64_t>("active"));  // [1,2]: no alert objects
            } catch (const homelab_assistant::Error& e) {
                CPPUNIT_ASSERT_EQUAL(HA_ERR_UNAVAILABLE, e.status());
            }
        }
        const auto odd = json::parse(R"([{"name":7,"state":null,"upgrade_available":"yes","active_workloads":{"container_details":[1,{"state":5}]}}])");
        const auto apps = reduceApps(odd, "", at(f));
        CPPUNIT_ASSERT_EQUAL(std::string("?"), apps->getArray("apps")->getObject(0)->getValue<std::string>("name"));
        CPPUNIT_ASSERT_EQUAL(false, apps->getArray("apps")->getObject(0)->getValue<bool>("upgrade_available"));
        const auto pools = json::parse(R"([{"name":"p","topology":{"data":[{"children":"x"},{"type":"DISK","status":"FAULTED","stats":{"read_errors":"many"}}]},"fragmentation":"n/a","size":0}])");
        const auto p = reducePools(pools, "", at(f))->getArray("pools")->getObject(0);
        // Both are problems: a device of unknown status (no readable children) and a FAULTED one.
        CPPUNIT_ASSERT_EQUAL(2u, static_cast<unsigned>(p->getArray("problem_devices")->size()));
        CPPUNIT_ASSERT_EQUAL(std::string("UNKNOWN"), p->getArray("problem_devices")->getObject(0)->getValue<std::string>("status"));
        CPPUNIT_ASSERT(!p->has("fragmentation_percent") && !p->has("used_percent"));
        try {
            reduceSystem(json::parse("[]"), Var(), "", at(f));
            CPPUNIT_FAIL("system.info as a list was accepted");
        } catch (const homelab_assistant::Error& e) {
            CPPUNIT_ASSERT_EQUAL(HA_ERR_UNAVAILABLE, e.status());
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TruenasViewTest);

}  // namespace ha
