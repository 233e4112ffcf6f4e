// The zfs plugin's parsers on recorded outputs: zfs-fuse 0.7 recorded here, OpenZFS 0.8-2.4 text
// and 2.3/2.4 JSON from public sources (each fixture under tests/fixtures/zfs/ names its source),
// and the JSON results built from them.
#include "ZfsFixtures.h"

#include "tools/zfs/ZfsJson.h"
#include "tools/zfs/ZfsNumbers.h"
#include "tools/zfs/ZfsTables.h"
#include "tools/zfs/ZfsView.h"
#include "tools/zfs/ZpoolStatusText.h"

#include <Poco/JSON/Array.h>

#include <cppunit/extensions/HelperMacros.h>

#include <stdexcept>

namespace ha {

using namespace ha_plugins::zfs;

namespace {

const Vdev& at(const std::vector<Vdev>& v, size_t i) {
    CPPUNIT_ASSERT(i < v.size());
    return v[i];
}

uint64_t u(const std::optional<uint64_t>& v) {
    CPPUNIT_ASSERT(v.has_value());
    return *v;
}

}  // namespace

class ZfsParserTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ZfsParserTest);
    CPPUNIT_TEST(testNumbersAndDates);
    CPPUNIT_TEST(testZfsFuseStatus);
    CPPUNIT_TEST(testZfsFuseMissingDeviceAndResilver);
    CPPUNIT_TEST(testSolarisFaultedPool);
    CPPUNIT_TEST(testOpenZfs21Scrubbed);
    CPPUNIT_TEST(testOpenZfsSpares);
    CPPUNIT_TEST(testOpenZfs08RunningScrub);
    CPPUNIT_TEST(testOpenZfs23Resilvering);
    CPPUNIT_TEST(testOpenZfs24TwoScans);
    CPPUNIT_TEST(testAbbreviatedCounts);
    CPPUNIT_TEST(testOpenZfsResilvered);
    CPPUNIT_TEST(testStatusJsonManPage);
    CPPUNIT_TEST(testStatusJsonIntegers);
    CPPUNIT_TEST(testListJson);
    CPPUNIT_TEST(testTables);
    CPPUNIT_TEST(testVersions);
    CPPUNIT_TEST(testHostileInput);
    CPPUNIT_TEST(testPoolsView);
    CPPUNIT_TEST(testDatasetsView);
    CPPUNIT_TEST_SUITE_END();

public:
    void testNumbersAndDates() {
        bool exact = true;
        CPPUNIT_ASSERT_EQUAL(uint64_t(26004685), u(parseZfsNumber("24.8M", &exact)));
        CPPUNIT_ASSERT(!exact);
        CPPUNIT_ASSERT_EQUAL(uint64_t(0), u(parseZfsNumber("0B", &exact)));
        CPPUNIT_ASSERT(exact);
        CPPUNIT_ASSERT_EQUAL(uint64_t(512), u(parseZfsNumber("512B", &exact)));
        CPPUNIT_ASSERT(exact);
        CPPUNIT_ASSERT_EQUAL(uint64_t(1925), u(parseZfsNumber("1.88K", &exact)));
        CPPUNIT_ASSERT(!exact);
        CPPUNIT_ASSERT_EQUAL(uint64_t(3078632557773), u(parseZfsNumber("2.80T")));
        CPPUNIT_ASSERT_EQUAL(uint64_t(9981503995904), u(parseZfsNumber("9981503995904", &exact)));
        CPPUNIT_ASSERT(exact);
        CPPUNIT_ASSERT(!parseZfsNumber("-"));
        CPPUNIT_ASSERT(!parseZfsNumber("none"));
        CPPUNIT_ASSERT(!parseZfsNumber("12Q"));
        CPPUNIT_ASSERT(!parseZfsNumber("99999999999999999999999"));
        CPPUNIT_ASSERT(!parseZfsNumber("1.5."));
        CPPUNIT_ASSERT_EQUAL(44.0, *parsePercent("44%"));
        CPPUNIT_ASSERT(!parsePercent("-"));
        CPPUNIT_ASSERT_EQUAL(1.55, *parseRatio("1.55x"));
        CPPUNIT_ASSERT_EQUAL(int64_t(1796158971), *parseCtime("Tue Dec  1 21:02:51 2026"));
        CPPUNIT_ASSERT_EQUAL(int64_t(1676202004), *parseCtime("Sun Feb 12 11:40:04 2023"));
        CPPUNIT_ASSERT(!parseCtime("Wed Jan  7 03:42:23 PM PST 2026"));  // 2.3's formatted JSON dates
        CPPUNIT_ASSERT(!parseCtime(""));
        CPPUNIT_ASSERT_EQUAL(int64_t(1796158920), *parseZfsCreationText("Tue Dec  1 21:02 2026"));
    }

    void testZfsFuseStatus() {
        const auto pools = parseZpoolStatusText(zfsFixture("zfs-fuse-0.7-zpool-status.txt"));
        CPPUNIT_ASSERT_EQUAL(size_t(3), pools.size());
        const PoolStatus& ck = pools[0];
        CPPUNIT_ASSERT_EQUAL(std::string("hacksum"), ck.name);
        CPPUNIT_ASSERT_EQUAL(std::string("ONLINE"), ck.state);
        CPPUNIT_ASSERT(ck.status.find("unrecoverable error. An attempt was made") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::string("http://www.sun.com/msg/ZFS-8000-9P"), ck.see);
        CPPUNIT_ASSERT_EQUAL(size_t(1), ck.scans.size());
        const Scan& scrub = ck.scans[0];
        CPPUNIT_ASSERT_EQUAL(std::string("scrub"), scrub.function);
        CPPUNIT_ASSERT_EQUAL(std::string("finished"), scrub.state);
        CPPUNIT_ASSERT_EQUAL(int64_t(1796158971), *scrub.endTime);
        CPPUNIT_ASSERT_EQUAL(uint64_t(0), u(scrub.errors));
        CPPUNIT_ASSERT_EQUAL(uint64_t(26004685), u(scrub.processedBytes));  // "24.8M repaired" beside ck1
        const Vdev& root = at(ck.vdevs, 0);
        CPPUNIT_ASSERT_EQUAL(std::string("hacksum"), root.name);
        const Vdev& mirror = at(root.children, 0);
        CPPUNIT_ASSERT_EQUAL(std::string("mirror"), mirror.type);
        const Vdev& ck1 = at(mirror.children, 0);
        CPPUNIT_ASSERT_EQUAL(std::string("/tmp/zrec/pools/ck1.img"), ck1.name);
        CPPUNIT_ASSERT_EQUAL(uint64_t(401), u(ck1.checksumErrors));
        CPPUNIT_ASSERT_EQUAL(uint64_t(0), u(ck1.readErrors));
        CPPUNIT_ASSERT_EQUAL(std::string("24.8M repaired"), ck1.note);
        CPPUNIT_ASSERT_EQUAL(uint64_t(0), u(ck.dataErrors));

        const PoolStatus& deg = pools[1];
        CPPUNIT_ASSERT_EQUAL(std::string("DEGRADED"), deg.state);
        CPPUNIT_ASSERT_EQUAL(std::string("none"), deg.scans[0].function);
        const Vdev& deg2 = at(at(at(deg.vdevs, 0).children, 0).children, 1);
        CPPUNIT_ASSERT_EQUAL(std::string("OFFLINE"), deg2.state);
        CPPUNIT_ASSERT_EQUAL(std::string("haok"), pools[2].name);
        CPPUNIT_ASSERT_EQUAL(size_t(2), at(at(pools[2].vdevs, 0).children, 0).children.size());
    }

    void testZfsFuseMissingDeviceAndResilver() {
        const auto missing = parseZpoolStatusText(zfsFixture("zfs-fuse-0.7-zpool-status-missing-device.txt"));
        CPPUNIT_ASSERT_EQUAL(size_t(1), missing.size());
        CPPUNIT_ASSERT_EQUAL(std::string("DEGRADED"), missing[0].state);
        CPPUNIT_ASSERT_EQUAL(std::string("Attach the missing device and online it using 'zpool online'."), missing[0].action);
        const Vdev& gone = at(at(at(missing[0].vdevs, 0).children, 0).children, 2);
        CPPUNIT_ASSERT_EQUAL(std::string("14156402930186964980"), gone.name);
        CPPUNIT_ASSERT_EQUAL(std::string("UNAVAIL"), gone.state);
        CPPUNIT_ASSERT_EQUAL(std::string("was /tmp/zrec/r3.moved"), gone.note);

        const auto resilvered = parseZpoolStatusText(zfsFixture("zfs-fuse-0.7-zpool-status-resilvered.txt"));
        const Scan& s = resilvered[0].scans.at(0);
        CPPUNIT_ASSERT_EQUAL(std::string("resilver"), s.function);
        CPPUNIT_ASSERT_EQUAL(std::string("finished"), s.state);
        CPPUNIT_ASSERT_EQUAL(int64_t(1796160083), *s.endTime);
        CPPUNIT_ASSERT_EQUAL(uint64_t(421527552), u(s.processedBytes));  // "402M resilvered"

        // The old format's running scan, as zfs-fuse's zpool_main.c print_scrub_status() prints it.
        const Scan running = parseLegacyScrubText("scrub in progress for 0h1m, 45.23% done, 0h2m to go");
        CPPUNIT_ASSERT_EQUAL(std::string("scanning"), running.state);
        CPPUNIT_ASSERT_DOUBLES_EQUAL(45.23, *running.percentDone, 1e-9);
        CPPUNIT_ASSERT_EQUAL(std::string("0h2m"), running.timeToGo);
        const Scan stopped = parseLegacyScrubText("scrub stopped after 0h3m with 0 errors on Tue Dec  1 21:02:51 2026");
        CPPUNIT_ASSERT_EQUAL(std::string("canceled"), stopped.state);
        CPPUNIT_ASSERT_EQUAL(int64_t(1796158971 - 180), *stopped.startTime);
    }

    void testSolarisFaultedPool() {
        const auto pools = parseZpoolStatusText(zfsFixture("solaris-zpool-status-unavail.txt"));
        CPPUNIT_ASSERT_EQUAL(size_t(1), pools.size());
        const PoolStatus& p = pools[0];
        CPPUNIT_ASSERT_EQUAL(std::string("UNAVAIL"), p.state);
        CPPUNIT_ASSERT_EQUAL(std::string("insufficient replicas"), at(p.vdevs, 0).note);
        const Vdev& bad = at(at(p.vdevs, 0).children, 1);
        CPPUNIT_ASSERT_EQUAL(uint64_t(4), u(bad.readErrors));
        CPPUNIT_ASSERT_EQUAL(uint64_t(1), u(bad.writeErrors));
        CPPUNIT_ASSERT_EQUAL(std::string("cannot open"), bad.note);
        CPPUNIT_ASSERT_EQUAL(uint64_t(3), u(p.dataErrors));  // three files listed
        CPPUNIT_ASSERT_EQUAL(int64_t(1265116122), *p.scans.at(0).endTime);
    }

    void testOpenZfs21Scrubbed() {
        const auto pools = parseZpoolStatusText(zfsFixture("openzfs-2.1-zpool-status-features.txt"));
        const PoolStatus& p = pools.at(0);
        CPPUNIT_ASSERT_EQUAL(std::string("pool1"), p.name);
        CPPUNIT_ASSERT(p.status.rfind("Some supported and requested features are not enabled on the pool. The pool can", 0) == 0);
        const Scan& s = p.scans.at(0);
        CPPUNIT_ASSERT_EQUAL(std::string("scrub"), s.function);
        CPPUNIT_ASSERT_EQUAL(std::string("finished"), s.state);
        CPPUNIT_ASSERT_EQUAL(int64_t(1676202004), *s.endTime);
        CPPUNIT_ASSERT_EQUAL(uint64_t(0), u(s.processedBytes));
        CPPUNIT_ASSERT(s.bytesExact);
        CPPUNIT_ASSERT_EQUAL(size_t(2), at(p.vdevs, 0).children.size());
        CPPUNIT_ASSERT_EQUAL(std::string("wwn-0x5000c500e3b3a41e"), at(at(at(p.vdevs, 0).children, 1).children, 1).name);
    }

    void testOpenZfsSpares() {
        const auto pools = parseZpoolStatusText(zfsFixture("openzfs-2.x-zpool-status-spares.txt"));
        const PoolStatus& p = pools.at(0);
        CPPUNIT_ASSERT_EQUAL(size_t(2), p.vdevs.size());
        CPPUNIT_ASSERT_EQUAL(size_t(4), at(p.vdevs, 0).children.size());
        const Vdev& spares = at(p.vdevs, 1);
        CPPUNIT_ASSERT(spares.isSection);
        CPPUNIT_ASSERT_EQUAL(std::string("spares"), spares.name);
        CPPUNIT_ASSERT_EQUAL(std::string("sdf"), at(spares.children, 0).name);
        CPPUNIT_ASSERT_EQUAL(std::string("AVAIL"), at(spares.children, 0).state);
        CPPUNIT_ASSERT(!at(spares.children, 0).checksumErrors);
        CPPUNIT_ASSERT_EQUAL(std::string("unknown"), p.scans.at(0).state);  // "<snip>" in the paste
    }

    void testOpenZfs08RunningScrub() {
        const auto pools = parseZpoolStatusText(zfsFixture("openzfs-0.8-zpool-status-scrub-running.txt"));
        const Scan& s = pools.at(0).scans.at(0);
        CPPUNIT_ASSERT_EQUAL(std::string("scrub"), s.function);
        CPPUNIT_ASSERT_EQUAL(std::string("scanning"), s.state);
        CPPUNIT_ASSERT_EQUAL(int64_t(1560348774), *s.startTime);
        CPPUNIT_ASSERT_DOUBLES_EQUAL(118068.85, *s.percentDone, 1e-9);
        CPPUNIT_ASSERT_EQUAL(uint64_t(227633266688), u(s.examinedBytes));
        CPPUNIT_ASSERT_EQUAL(uint64_t(269380348805120), u(s.issuedBytes));
        CPPUNIT_ASSERT_EQUAL(uint64_t(227633266688), u(s.totalBytes));
        CPPUNIT_ASSERT_EQUAL(std::string("no estimated completion time"), s.timeToGo);
        CPPUNIT_ASSERT(!s.endTime);
    }

    void testOpenZfs23Resilvering() {
        const auto pools = parseZpoolStatusText(zfsFixture("openzfs-2.3-zpool-status-resilvering.txt"));
        const PoolStatus& p = pools.at(0);
        CPPUNIT_ASSERT_EQUAL(std::string("DEGRADED"), p.state);
        CPPUNIT_ASSERT_EQUAL(size_t(1), p.scans.size());  // "expand:" is not a scan
        const Scan& s = p.scans[0];
        CPPUNIT_ASSERT_EQUAL(std::string("resilver"), s.function);
        CPPUNIT_ASSERT_EQUAL(std::string("scanning"), s.state);
        CPPUNIT_ASSERT_EQUAL(int64_t(1771525478), *s.startTime);
        CPPUNIT_ASSERT_DOUBLES_EQUAL(46.64, *s.percentDone, 1e-9);
        CPPUNIT_ASSERT_EQUAL(uint64_t(3078632557773), u(s.processedBytes));
        CPPUNIT_ASSERT_EQUAL(uint64_t(75646399990989), u(s.examinedBytes));
        CPPUNIT_ASSERT_EQUAL(uint64_t(53106411621581), u(s.issuedBytes));
        CPPUNIT_ASSERT_EQUAL(uint64_t(114349209288704), u(s.totalBytes));
        CPPUNIT_ASSERT_EQUAL(std::string("07:58:49"), s.timeToGo);
        const Vdev& raidz = at(at(p.vdevs, 0).children, 0);
        CPPUNIT_ASSERT_EQUAL(std::string("raidz2"), raidz.type);
        CPPUNIT_ASSERT_EQUAL(uint64_t(9), u(at(raidz.children, 0).checksumErrors));
        CPPUNIT_ASSERT_EQUAL(std::string("(resilvering)"), at(raidz.children, 0).note);
        const Vdev& replacing = at(raidz.children, 2);
        CPPUNIT_ASSERT_EQUAL(std::string("replacing"), replacing.type);
        CPPUNIT_ASSERT_EQUAL(uint64_t(26), u(replacing.checksumErrors));
        CPPUNIT_ASSERT_EQUAL(std::string("was /dev/sdv1/old"), at(replacing.children, 0).note);
        CPPUNIT_ASSERT_EQUAL(uint64_t(1), u(p.dataErrors));
    }

    void testOpenZfs24TwoScans() {
        const auto pools = parseZpoolStatusText(zfsFixture("openzfs-2.4-zpool-status-draid-faulted.txt"));
        const PoolStatus& p = pools.at(0);
        CPPUNIT_ASSERT_EQUAL(size_t(2), p.scans.size());
        CPPUNIT_ASSERT_EQUAL(std::string("scrub"), p.scans[0].function);
        CPPUNIT_ASSERT_EQUAL(uint64_t(2048), u(p.scans[0].processedBytes));
        CPPUNIT_ASSERT_EQUAL(int64_t(1773386308), *p.scans[0].endTime);
        CPPUNIT_ASSERT_EQUAL(std::string("resilver"), p.scans[1].function);
        CPPUNIT_ASSERT_EQUAL(std::string("draid1:2d:10c:5s-0"), p.scans[1].vdev);
        CPPUNIT_ASSERT_EQUAL(uint64_t(56203674), u(p.scans[1].processedBytes));
        const Vdev& draid = at(at(p.vdevs, 0).children, 0);
        CPPUNIT_ASSERT_EQUAL(std::string("draid"), draid.type);
        const Vdev& spare = at(draid.children, 2);
        CPPUNIT_ASSERT_EQUAL(std::string("spare"), spare.type);
        CPPUNIT_ASSERT_EQUAL(uint64_t(1), u(spare.checksumErrors));
        CPPUNIT_ASSERT_EQUAL(std::string("FAULTED"), at(spare.children, 0).state);
        CPPUNIT_ASSERT_EQUAL(std::string("external device fault"), at(spare.children, 0).note);
        CPPUNIT_ASSERT(!p.dataErrors);  // the excerpt has no "errors:" line
    }

    void testAbbreviatedCounts() {
        const auto pools = parseZpoolStatusText(zfsFixture("openzfs-2.1-zpool-status-draid-abbreviated.txt"));
        const Vdev& file1 = at(at(at(pools.at(0).vdevs, 0).children, 0).children, 0);
        CPPUNIT_ASSERT_EQUAL(uint64_t(1925), u(file1.checksumErrors));
        CPPUNIT_ASSERT(!file1.countsExact);
        CPPUNIT_ASSERT_EQUAL(std::string("too many errors"), file1.note);
        const Vdev& spares = at(pools[0].vdevs, 1);
        CPPUNIT_ASSERT(spares.isSection);
        CPPUNIT_ASSERT_EQUAL(size_t(2), spares.children.size());
        CPPUNIT_ASSERT_EQUAL(std::string("spares"), spares.children[1].section);
    }

    void testOpenZfsResilvered() {
        const auto pools = parseZpoolStatusText(zfsFixture("openzfs-2.x-zpool-status-resilvered.txt"));
        const Scan& s = pools.at(0).scans.at(0);
        CPPUNIT_ASSERT_EQUAL(std::string("resilver"), s.function);
        CPPUNIT_ASSERT_EQUAL(std::string("finished"), s.state);
        CPPUNIT_ASSERT_EQUAL(int64_t(1702920094), *s.endTime);
        CPPUNIT_ASSERT_EQUAL(size_t(12), at(at(pools[0].vdevs, 0).children, 0).children.size());
    }

    void testStatusJsonManPage() {
        const auto pools = parseZpoolStatusJson(zfsFixture("openzfs-2.3-zpool-status-man.json"));
        CPPUNIT_ASSERT_EQUAL(size_t(1), pools.size());
        const PoolStatus& p = pools[0];
        CPPUNIT_ASSERT_EQUAL(std::string("tank"), p.name);
        CPPUNIT_ASSERT_EQUAL(std::string("ONLINE"), p.state);
        CPPUNIT_ASSERT(p.scans.empty());  // the example has no scan_stats
        CPPUNIT_ASSERT_EQUAL(uint64_t(0), u(p.dataErrors));
        const Vdev& root = at(p.vdevs, 0);
        CPPUNIT_ASSERT_EQUAL(std::string("tank"), root.name);
        const Vdev& raidz = at(root.children, 0);
        CPPUNIT_ASSERT_EQUAL(std::string("raidz"), raidz.type);
        CPPUNIT_ASSERT_EQUAL(size_t(3), raidz.children.size());
        CPPUNIT_ASSERT_EQUAL(std::string("ca1eb824-c371-491d-ac13-37637e35c683"), raidz.children[0].name);
        CPPUNIT_ASSERT_EQUAL(uint64_t(0), u(raidz.children[0].checksumErrors));
        // Sections after the data vdevs, in zpool's order.
        CPPUNIT_ASSERT_EQUAL(std::string("dedup"), at(p.vdevs, 1).name);
        CPPUNIT_ASSERT(p.vdevs[1].isSection);
        CPPUNIT_ASSERT_EQUAL(std::string("mirror-2"), at(p.vdevs[1].children, 0).name);
        CPPUNIT_ASSERT_EQUAL(std::string("dedup"), p.vdevs[1].children[0].section);
        CPPUNIT_ASSERT_EQUAL(std::string("special"), at(p.vdevs, 2).name);
    }

    void testStatusJsonIntegers() {
        const auto pools = parseZpoolStatusJson(zfsFixture("openzfs-2.4-zpool-status-json-int-excerpt.json"));
        const PoolStatus& p = pools.at(0);
        CPPUNIT_ASSERT_EQUAL(std::string("greenwood"), p.name);
        CPPUNIT_ASSERT_EQUAL(std::string("One or more devices has experienced an unrecoverable error. An attempt was made to "
                                         "correct the error. Applications are unaffected."),
                             p.status);
        CPPUNIT_ASSERT_EQUAL(std::string("https://openzfs.github.io/openzfs-docs/msg/ZFS-8000-9P"), p.see);
        const Scan& s = p.scans.at(0);
        CPPUNIT_ASSERT_EQUAL(std::string("scrub"), s.function);
        CPPUNIT_ASSERT_EQUAL(std::string("finished"), s.state);
        CPPUNIT_ASSERT_EQUAL(int64_t(1767782105), *s.startTime);
        CPPUNIT_ASSERT_EQUAL(int64_t(1767829343), *s.endTime);
        CPPUNIT_ASSERT_EQUAL(uint64_t(983040), u(s.processedBytes));
        CPPUNIT_ASSERT(s.bytesExact);
        CPPUNIT_ASSERT(!s.percentDone);
        // --json-flat-vdevs: the leaves at one level; a guid above INT64_MAX is read without harm.
        CPPUNIT_ASSERT_EQUAL(size_t(2), p.vdevs.size());
        CPPUNIT_ASSERT_EQUAL(std::string("pine"), p.vdevs[1].name);
        CPPUNIT_ASSERT_EQUAL(std::string("disk"), p.vdevs[1].type);
        CPPUNIT_ASSERT_EQUAL(uint64_t(0), u(p.vdevs[1].readErrors));
    }

    void testListJson() {
        const auto spaces = parseZpoolListJson(zfsFixture("openzfs-2.3-zpool-list-man.json"));
        CPPUNIT_ASSERT_EQUAL(size_t(1), spaces.size());
        CPPUNIT_ASSERT_EQUAL(std::string("tank"), spaces[0].name);
        CPPUNIT_ASSERT_EQUAL(uint64_t(119185342464), u(spaces[0].size));
        CPPUNIT_ASSERT_EQUAL(uint64_t(33071248179), u(spaces[0].allocated));
        CPPUNIT_ASSERT(!spaces[0].exact);  // the man page ran without -p
        CPPUNIT_ASSERT_EQUAL(27.0, *spaces[0].capacityPercent);
        CPPUNIT_ASSERT_EQUAL(0.0, *spaces[0].fragmentationPercent);
        CPPUNIT_ASSERT_EQUAL(std::string("ONLINE"), spaces[0].health);

        const auto listing = parseZfsListJson(zfsFixture("openzfs-2.3-zfs-list-man.json"));
        CPPUNIT_ASSERT_EQUAL(size_t(3), listing.datasets.size());
        CPPUNIT_ASSERT_EQUAL(std::string("pool/home/bob"), listing.datasets[2].name);
        CPPUNIT_ASSERT_EQUAL(std::string("filesystem"), listing.datasets[2].type);
        CPPUNIT_ASSERT_EQUAL(std::string("/mnt/home/bob"), listing.datasets[2].mountpoint);
        CPPUNIT_ASSERT_EQUAL(uint64_t(24576), u(listing.datasets[2].used));
        CPPUNIT_ASSERT_EQUAL(size_t(1), listing.snapshots.size());
        CPPUNIT_ASSERT_EQUAL(std::string("pool/home/bob"), listing.snapshots[0].dataset);
        CPPUNIT_ASSERT_EQUAL(std::string("v1"), listing.snapshots[0].name);
    }

    void testTables() {
        const auto fuse = parseZpoolListTable(zfsFixture("zfs-fuse-0.7-zpool-list.txt"),
                                              {"name", "size", "allocated", "free", "capacity", "health"});
        CPPUNIT_ASSERT_EQUAL(size_t(3), fuse.size());
        CPPUNIT_ASSERT_EQUAL(uint64_t(95944704), u(fuse[0].size));
        CPPUNIT_ASSERT_EQUAL(uint64_t(42362470), u(fuse[0].allocated));
        CPPUNIT_ASSERT(!fuse[0].exact);
        CPPUNIT_ASSERT_EQUAL(44.0, *fuse[0].capacityPercent);
        CPPUNIT_ASSERT(!fuse[0].fragmentationPercent);
        CPPUNIT_ASSERT_EQUAL(std::string("DEGRADED"), fuse[1].health);

        const auto exact = parseZpoolListTable(zfsFixture("openzfs-2.x-zpool-list-Hp.txt"),
                                               {"name", "size", "allocated", "free", "capacity", "fragmentation", "health"});
        CPPUNIT_ASSERT_EQUAL(uint64_t(9981503995904), u(exact.at(0).size));
        CPPUNIT_ASSERT_EQUAL(uint64_t(6935315337216), u(exact[0].free));
        CPPUNIT_ASSERT(exact[0].exact);
        CPPUNIT_ASSERT_EQUAL(9.0, *exact[0].fragmentationPercent);

        const auto got = parseZfsGetTable(zfsFixture("zfs-fuse-0.7-zfs-get.txt"));
        CPPUNIT_ASSERT_EQUAL(size_t(4), got.datasets.size());
        CPPUNIT_ASSERT_EQUAL(std::string("haok/data"), got.datasets[3].name);
        CPPUNIT_ASSERT_EQUAL(uint64_t(21504), u(got.datasets[3].used));
        CPPUNIT_ASSERT(!got.datasets[3].quota);  // quota 0: none
        CPPUNIT_ASSERT_EQUAL(1.0, *got.datasets[3].compressRatio);
        CPPUNIT_ASSERT(got.datasets[3].exact);
        CPPUNIT_ASSERT_EQUAL(size_t(2), got.snapshots.size());
        CPPUNIT_ASSERT_EQUAL(std::string("second"), got.snapshots[1].name);
        CPPUNIT_ASSERT_EQUAL(int64_t(1796158968), *got.snapshots[1].creation);

        const auto listed = parseZfsListTable(zfsFixture("openzfs-2.2-zfs-list-Hp.txt"),
                                              {"name", "used", "usedbydataset", "usedbyrefreservation",
                                               "usedbysnapshots", "usedbychildren", "lrefer"});
        CPPUNIT_ASSERT_EQUAL(size_t(2), listed.datasets.size());
        CPPUNIT_ASSERT_EQUAL(uint64_t(3189260421888), u(listed.datasets[1].used));

        const auto snaps = parseZfsListTable("tank/media@auto-2026-12-01\t1796158968\ntank/media@auto-2026-11-30\t1796072568\n",
                                             {"name", "creation"});
        CPPUNIT_ASSERT(snaps.datasets.empty());
        CPPUNIT_ASSERT_EQUAL(size_t(2), snaps.snapshots.size());
        CPPUNIT_ASSERT_EQUAL(std::string("tank/media"), snaps.snapshots[1].dataset);
        CPPUNIT_ASSERT_EQUAL(int64_t(1796072568), *snaps.snapshots[1].creation);
        CPPUNIT_ASSERT(parseZfsListTable("", {"name", "creation"}).snapshots.empty());  // no snapshots at all
    }

    void testVersions() {
        // `zpool version -j` as pdf/zfs_exporter#64 shows it (zfs-2.4.0-1).
        const ZfsVersion j = parseVersionJson(
            R"({"output_version":{"command":"zpool version","vers_major":0,"vers_minor":1},)"
            R"("zfs_version":{"userland":"zfs-2.4.0-1","kernel":"zfs-kmod-2.4.0-1"}})");
        CPPUNIT_ASSERT(j.flavour == Flavour::Json);
        CPPUNIT_ASSERT_EQUAL(std::string("zfs-2.4.0-1"), j.userland);
        // `zpool version` of TrueNAS 12 as dak180/FreeNAS-Report#16 shows it.
        const ZfsVersion t = parseVersionText("zfs-2.0.7-1\nzfs-kmod-v2022012000-zfs_e870bd8cf\n");
        CPPUNIT_ASSERT(t.flavour == Flavour::Text);
        CPPUNIT_ASSERT_EQUAL(std::string("zfs-2.0.7-1"), t.userland);
        CPPUNIT_ASSERT_EQUAL(std::string("zfs-kmod-v2022012000-zfs_e870bd8cf"), t.kernel);
        CPPUNIT_ASSERT_THROW(parseVersionText(zfsFixture("zfs-fuse-0.7-zpool-version.stderr")), std::invalid_argument);
    }

    void testHostileInput() {
        CPPUNIT_ASSERT_THROW(parseZpoolStatusText("cannot open 'tank': no such pool\n"), std::invalid_argument);
        CPPUNIT_ASSERT(parseZpoolStatusText("no pools available\n").empty());
        CPPUNIT_ASSERT(parseZpoolStatusText("").empty());  // OpenZFS 2.3 says so on stderr only
        CPPUNIT_ASSERT_THROW(parseZpoolStatusJson("{\"pools\": {"), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(parseZpoolStatusJson("[1,2]"), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(parseZpoolListJson("{\"output_version\":{}}"), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(parseZpoolListTable("tank\t1\t2\n", {"name", "size", "allocated", "free"}), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(parseZfsGetTable("tank\tused\n"), std::invalid_argument);
        // A status with an unknown scan wording and odd rows still yields the pool.
        const auto odd = parseZpoolStatusText("  pool: x\n state: ONLINE\n  scan: something new\nconfig:\n\n\tNAME STATE READ WRITE CKSUM\n"
                                              "\tx ONLINE 0 0 0\n\t  weird\n\nerrors: No known data errors\n");
        CPPUNIT_ASSERT_EQUAL(std::string("unknown"), odd.at(0).scans.at(0).state);
        CPPUNIT_ASSERT_EQUAL(size_t(1), odd[0].vdevs.size());
    }

    void testPoolsView() {
        const auto spaces = parseZpoolListTable(zfsFixture("zfs-fuse-0.7-zpool-list.txt"),
                                                {"name", "size", "allocated", "free", "capacity", "health"});
        const auto statuses = parseZpoolStatusText(zfsFixture("zfs-fuse-0.7-zpool-status.txt"));
        ZfsVersion v;
        v.flavour = Flavour::Legacy;
        const int64_t now = 1796158971 + 3600;
        auto view = poolsView(spaces, statuses, v, now);
        CPPUNIT_ASSERT_EQUAL(std::string("legacy-text"), view->getObject("zfs")->getValue<std::string>("format"));
        auto pools = view->getArray("pools");
        CPPUNIT_ASSERT_EQUAL(size_t(3), pools->size());
        auto ck = pools->getObject(0);
        CPPUNIT_ASSERT_EQUAL(44.0, ck->getValue<double>("capacity_percent"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(401), ck->getObject("error_counts")->getValue<Poco::Int64>("checksum"));
        CPPUNIT_ASSERT_EQUAL(size_t(1), ck->getArray("vdevs_with_errors")->size());
        auto scrub = ck->getObject("last_scrub");
        CPPUNIT_ASSERT_EQUAL(std::string("finished"), scrub->getValue<std::string>("state"));
        CPPUNIT_ASSERT_EQUAL(std::string("2026-12-01T21:02:51Z"), scrub->getValue<std::string>("end_time"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(3600), scrub->getValue<Poco::Int64>("age_seconds"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(26004685), scrub->getValue<Poco::Int64>("repaired_bytes"));
        auto deg = pools->getObject(1);
        CPPUNIT_ASSERT_EQUAL(std::string("DEGRADED"), deg->getValue<std::string>("state"));
        auto notOnline = deg->getArray("vdevs_not_online");
        CPPUNIT_ASSERT_EQUAL(size_t(2), notOnline->size());  // mirror-0 and the offlined file; not the pool itself
        CPPUNIT_ASSERT_EQUAL(std::string("OFFLINE"), notOnline->getObject(1)->getValue<std::string>("state"));
        CPPUNIT_ASSERT_EQUAL(std::string("never"), deg->getObject("last_scrub")->getValue<std::string>("state"));

        auto detail = poolDetail(&spaces[0], statuses[0], now);
        auto tree = detail->getArray("vdevs");
        CPPUNIT_ASSERT_EQUAL(std::string("hacksum"), tree->getObject(0)->getValue<std::string>("name"));
        auto leaf = tree->getObject(0)->getArray("children")->getObject(0)->getArray("children")->getObject(0);
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(401), leaf->getValue<Poco::Int64>("checksum_errors"));
    }

    void testDatasetsView() {
        const auto listing = parseZfsGetTable(zfsFixture("zfs-fuse-0.7-zfs-get.txt"));
        const int64_t now = 1796158968 + 120;
        auto all = datasetsView(listing, "", "", 100, now);
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(4), all->getValue<Poco::Int64>("total"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(2), all->getValue<Poco::Int64>("snapshot_count"));
        auto one = datasetsView(listing, "", "haok/data", 100, now);
        auto data = one->getArray("datasets")->getObject(0);
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(2), data->getValue<Poco::Int64>("snapshot_count"));
        CPPUNIT_ASSERT_EQUAL(std::string("second"), data->getObject("newest_snapshot")->getValue<std::string>("name"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(120), data->getObject("newest_snapshot")->getValue<Poco::Int64>("age_seconds"));
        CPPUNIT_ASSERT(data->get("quota_bytes").isEmpty());
        auto pool = datasetsView(listing, "haok", "", 100, now);
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(2), pool->getValue<Poco::Int64>("total"));  // haok and haok/data
        auto bounded = datasetsView(listing, "", "", 1, now);
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(3), bounded->getValue<Poco::Int64>("omitted"));
        CPPUNIT_ASSERT(datasetsView(listing, "", "haok/nope", 100, now).isNull());
        CPPUNIT_ASSERT(datasetsView(listing, "nopool", "", 100, now).isNull());
        CPPUNIT_ASSERT(datasetsView(listing, "hao", "", 100, now).isNull());  // a prefix is not a pool
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ZfsParserTest);

}  // namespace ha
