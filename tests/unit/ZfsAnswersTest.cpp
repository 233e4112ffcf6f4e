// The zfs plugin's answers: which capability a question gets (a table of phrasings, follow-ups,
// names), the wording of results built from recorded outputs, and the health findings with
// their thresholds.
#include "ZfsFixtures.h"

#include "common/PluginConfig.h"
#include "tools/zfs/ZfsAnswers.h"
#include "tools/zfs/ZfsTables.h"
#include "tools/zfs/ZfsView.h"
#include "tools/zfs/ZpoolStatusText.h"
#include "util/Json.h"

#include <Poco/JSON/Array.h>

#include <cppunit/extensions/HelperMacros.h>

#include <cctype>

namespace ha {

using namespace ha_plugins::zfs;
namespace answers = ha_plugins::answers;

namespace {

const std::string kAllowed = R"(["zfs.pools","zfs.pool","zfs.datasets"])";

// The match input the host builds: lowercase words, one space around each.
std::string matchInput(const std::string& question, const std::string& subject = "null",
                       const std::string& allowed = kAllowed) {
    std::string text = " ", word;
    Poco::JSON::Array::Ptr words = new Poco::JSON::Array;
    for (char c : question + " ") {
        if (std::isalnum(static_cast<unsigned char>(c))) {
            word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else if (!word.empty()) {
            text += word + " ";
            words->add(word);
            word.clear();
        }
    }
    return R"({"text":")" + text + R"(","question":)" + json::stringify(question) + R"(,"words":)" +
           json::stringify(words) + R"(,"subject":)" + subject + R"(,"allowed":)" + allowed + "}";
}

// "capability arguments score-in-percent" of the best match, "" when there is none.
std::string best(const std::string& question, const KnownNames& names, const std::string& subject = "null",
                 const std::string& allowed = kAllowed) {
    auto out = json::parseObject(zfsMatch(answers::Question::parse(matchInput(question, subject, allowed)), names));
    auto list = out->getArray("matches");
    if (list->size() == 0) return "";
    auto m = list->getObject(0);
    const int score = static_cast<int>(m->getValue<double>("score") * 100 + 0.5);
    return m->getValue<std::string>("capability") + " " + ha_plugins::toJson(m->getObject("arguments")) + " " +
           std::to_string(score);
}

Poco::JSON::Object::Ptr fuseView(int64_t now) {
    const auto spaces = parseZpoolListTable(zfsFixture("zfs-fuse-0.7-zpool-list.txt"),
                                            {"name", "size", "allocated", "free", "capacity", "health"});
    const auto statuses = parseZpoolStatusText(zfsFixture("zfs-fuse-0.7-zpool-status.txt"));
    ZfsVersion v;
    v.flavour = Flavour::Legacy;
    return poolsView(spaces, statuses, v, now);
}

std::string summaryInput(const std::string& question, const std::string& capability, const std::string& args,
                         const std::string& status, const std::string& resultOrError) {
    return matchInput(question).substr(0, matchInput(question).find(R"(,"subject")")) + R"(,"capability":")" + capability +
           R"(","arguments":)" + args + R"(,"status":")" + status + "\"," +
           (status == "ok" ? R"("result":)" + resultOrError : R"("error":)" + json::stringify(Poco::Dynamic::Var(resultOrError))) +
           "}";
}

Poco::JSON::Object::Ptr summarize(const std::string& question, const std::string& capability, const std::string& args,
                                  const std::string& status, const std::string& result) {
    return json::parseObject(zfsSummarize(answers::SummaryRequest::parse(summaryInput(question, capability, args, status, result))));
}

std::vector<std::string> findings(const Poco::JSON::Object::Ptr& poolsResult, int64_t now, const ZfsThresholds& t = {},
                                  const std::string& status = "ok", const std::string& error = "") {
    std::string input = R"({"results":[{"capability":"zfs.pools","arguments":{},"status":")" + status + "\"," +
                        (status == "ok" ? R"("result":)" + ha_plugins::toJson(poolsResult)
                                        : R"("error":)" + json::stringify(Poco::Dynamic::Var(error))) +
                        "}]}";
    auto out = json::parseObject(zfsChecks(answers::CheckResults::parse(input), t, now));
    std::vector<std::string> list;
    auto a = out->getArray("findings");
    for (size_t i = 0; i < a->size(); ++i) {
        auto f = a->getObject(static_cast<unsigned>(i));
        list.push_back(f->getValue<std::string>("severity") + " " + f->getValue<std::string>("check") + " " +
                       f->getValue<std::string>("subject") + ": " + f->getValue<std::string>("message"));
    }
    return list;
}

bool anyStartsWith(const std::vector<std::string>& list, const std::string& prefix) {
    for (const auto& s : list) {
        if (s.rfind(prefix, 0) == 0) return true;
    }
    return false;
}

std::string joined(const std::vector<std::string>& list) {
    std::string s;
    for (const auto& l : list) s += l + "\n";
    return s;
}

}  // namespace

class ZfsAnswersTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ZfsAnswersTest);
    CPPUNIT_TEST(testProfile);
    CPPUNIT_TEST(testMatchTable);
    CPPUNIT_TEST(testFollowUps);
    CPPUNIT_TEST(testSummaries);
    CPPUNIT_TEST(testSummariesOfFailures);
    CPPUNIT_TEST(testChecksOnRecordedPools);
    CPPUNIT_TEST(testChecksThresholds);
    CPPUNIT_TEST(testChecksScrubStates);
    CPPUNIT_TEST_SUITE_END();

public:
    void testProfile() {
        auto p = json::parseObject(zfsProfile({{"tank", "my-pool"}, {"tank/media", "tank/x"}}));
        const std::string vocabulary = json::stringify(p->getArray("vocabulary"));
        for (const char* w : {"\"pool\"", "\"scrub\"", "\"snapshots\"", "\"vdev\"", "\"degraded\"", "\"tank\"", "\"media\""}) {
            CPPUNIT_ASSERT_MESSAGE(w, vocabulary.find(w) != std::string::npos);
        }
        CPPUNIT_ASSERT(vocabulary.find("\"my-pool\"") == std::string::npos);  // only [a-z0-9]+ words
        CPPUNIT_ASSERT(vocabulary.find("\"x\"") == std::string::npos);        // too short to be a name
        auto checks = p->getArray("checks");
        CPPUNIT_ASSERT_EQUAL(size_t(1), checks->size());
        CPPUNIT_ASSERT_EQUAL(std::string("zfs.pools"), checks->getObject(0)->getValue<std::string>("capability"));
        CPPUNIT_ASSERT(p->getArray("topics")->size() >= 3);
    }

    void testMatchTable() {
        const KnownNames names{{"tank", "backup"}, {"tank", "tank/media", "tank/photos", "backup"}};
        const std::vector<std::pair<std::string, std::string>> table = {
            {"Is my pool healthy?", R"(zfs.pools {} 95)"},
            {"is my zfs pool ok", R"(zfs.pools {} 95)"},
            {"When did the last scrub run?", R"(zfs.pools {} 95)"},
            {"was the pool scrubbed recently", R"(zfs.pools {} 95)"},
            {"Any errors on my disks' vdevs?", R"(zfs.pools {} 95)"},
            {"is a resilver running", R"(zfs.pools {} 95)"},
            {"How full is tank?", R"(zfs.pool {"pool":"tank"} 95)"},
            {"how full is Tank", R"(zfs.pool {"pool":"tank"} 95)"},
            {"show me the vdev tree of backup", R"(zfs.pool {"pool":"backup"} 95)"},
            {"How many snapshots does tank/media have?", R"(zfs.datasets {"dataset":"tank/media"} 95)"},
            {"how many snapshots does photos have", R"(zfs.datasets {"dataset":"tank/photos"} 95)"},
            {"snapshots of tank", R"(zfs.datasets {"pool":"tank"} 95)"},
            {"list my datasets", R"(zfs.datasets {} 95)"},
            {"when was the newest snapshot taken", R"(zfs.datasets {} 95)"},
            {"what compression ratio do I get", R"(zfs.datasets {} 70)"},
            {"is anything degraded", R"(zfs.pools {} 70)"},
            {"any checksum errors", R"(zfs.pools {} 70)"},
            {"any disk errors", R"(zfs.pools {} 60)"},
            {"What is the CPU usage?", ""},
            {"How much disk space is left?", ""},
            {"is plex running", ""},
        };
        for (const auto& [question, expected] : table) {
            CPPUNIT_ASSERT_EQUAL_MESSAGE(question, expected, best(question, names));
        }
        // A capability the policy denies is never proposed.
        CPPUNIT_ASSERT_EQUAL(std::string(""), best("How full is tank?", names, "null", R"(["zfs.pools"])"));
        // Without name knowledge (zpool unavailable) the words still match.
        CPPUNIT_ASSERT_EQUAL(std::string("zfs.pools {} 95"), best("is my pool healthy", {}));
    }

    void testFollowUps() {
        const KnownNames names{{"hacksum", "hadeg", "haok"}, {}};
        const std::string pools = R"({"plugin":"zfs","capability":"zfs.pools","arguments":{},"data":{"pools":["hacksum","hadeg","haok"]}})";
        CPPUNIT_ASSERT_EQUAL(std::string(R"(zfs.pool {"pool":"hadeg"} 90)"), best("and the second one?", names, pools));
        CPPUNIT_ASSERT_EQUAL(std::string(R"(zfs.pool {"pool":"haok"} 90)"), best("what about the last one", names, pools));
        CPPUNIT_ASSERT_EQUAL(std::string(R"(zfs.pool {"pool":"haok"} 95)"), best("what about haok?", names, pools));
        const std::string one = R"({"plugin":"zfs","capability":"zfs.pool","arguments":{"pool":"tank"},"data":{"pools":["tank"]}})";
        CPPUNIT_ASSERT_EQUAL(std::string(R"(zfs.datasets {"pool":"tank"} 90)"), best("what about its snapshots?", names, one));
        CPPUNIT_ASSERT_EQUAL(std::string(R"(zfs.pool {"pool":"tank"} 85)"), best("is it healthy now", names, one));
        const std::string ds = R"({"plugin":"zfs","capability":"zfs.datasets","arguments":{},"data":{"datasets":["tank/a","tank/b"]}})";
        CPPUNIT_ASSERT_EQUAL(std::string(R"(zfs.datasets {"dataset":"tank/b"} 90)"), best("and the second one", names, ds));
        // Another plugin's subject is not ours to interpret.
        const std::string docker = R"({"plugin":"docker","capability":"docker.containers","arguments":{},"data":{"pools":["x","y"]}})";
        CPPUNIT_ASSERT_EQUAL(std::string(""), best("and the second one?", names, docker));
    }

    void testSummaries() {
        const int64_t now = 1796158971 + 3600;
        const std::string result = ha_plugins::toJson(fuseView(now));
        auto health = summarize("Is my pool healthy?", "zfs.pools", "{}", "ok", result);
        const std::string h = health->getValue<std::string>("text");
        CPPUNIT_ASSERT_MESSAGE(h, h.rfind("2 of 3 ZFS pools need attention.", 0) == 0);
        CPPUNIT_ASSERT_MESSAGE(h, h.find("hadeg is DEGRADED: mirror-0 DEGRADED and /tmp/zrec/pools/deg2.img OFFLINE") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(h, h.find("hacksum is ONLINE: errors on /tmp/zrec/pools/ck1.img (401 checksum errors)") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(h, h.find("haok is ONLINE: healthy, no vdev errors") != std::string::npos);
        CPPUNIT_ASSERT(h.find("haok") > h.find("hadeg"));  // problems first
        auto subject = health->getObject("subject")->getArray("pools");
        CPPUNIT_ASSERT_EQUAL(std::string("hacksum"), subject->getElement<std::string>(0));
        CPPUNIT_ASSERT_EQUAL(std::string("haok"), subject->getElement<std::string>(2));

        const std::string s = summarize("When did the last scrub run?", "zfs.pools", "{}", "ok", result)->getValue<std::string>("text");
        CPPUNIT_ASSERT_MESSAGE(s, s.find("hacksum: last scrub finished 2026-12-01 21:02 UTC (1 h 0 min ago), 24.8 MiB repaired, 0 errors") !=
                                      std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(s, s.find("hadeg: never scrubbed") != std::string::npos);

        const std::string f = summarize("how full are my pools", "zfs.pools", "{}", "ok", result)->getValue<std::string>("text");
        CPPUNIT_ASSERT_MESSAGE(f, f.find("hacksum is 44% full (40.4 MiB of 91.5 MiB used, 51.1 MiB free)") != std::string::npos);

        const std::string e = summarize("any errors on my vdevs", "zfs.pools", "{}", "ok", result)->getValue<std::string>("text");
        CPPUNIT_ASSERT_MESSAGE(e, e.find("hacksum: /tmp/zrec/pools/ck1.img (401 checksum errors), 24.8M repaired") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(e, e.find("No errors on hadeg and haok.") != std::string::npos);

        const auto statuses = parseZpoolStatusText(zfsFixture("zfs-fuse-0.7-zpool-status.txt"));
        const auto spaces = parseZpoolListTable(zfsFixture("zfs-fuse-0.7-zpool-list.txt"),
                                                {"name", "size", "allocated", "free", "capacity", "health"});
        const std::string detail = ha_plugins::toJson(poolDetail(&spaces[1], statuses[1], now));
        const std::string d = summarize("how is hadeg", "zfs.pool", R"({"pool":"hadeg"})", "ok", detail)->getValue<std::string>("text");
        CPPUNIT_ASSERT_MESSAGE(d, d.rfind("ZFS pool hadeg is DEGRADED: mirror-0 DEGRADED and /tmp/zrec/pools/deg2.img OFFLINE; 0.0% full.", 0) == 0);
        CPPUNIT_ASSERT_MESSAGE(d, d.find("ZFS reports: One or more devices has been taken offline by the administrator.") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(d, d.find("Suggested action: Online the device using 'zpool online'") != std::string::npos);
        const std::string full = summarize("how full is hadeg", "zfs.pool", R"({"pool":"hadeg"})", "ok", detail)->getValue<std::string>("text");
        CPPUNIT_ASSERT_MESSAGE(full, full.rfind("ZFS pool hadeg is 0.0% full (91.5 KiB of 91.5 MiB used, 91.4 MiB free).", 0) == 0);

        const auto listing = parseZfsGetTable(zfsFixture("zfs-fuse-0.7-zfs-get.txt"));
        const std::string one = ha_plugins::toJson(datasetsView(listing, "", "haok/data", 100, 1796158968 + 300));
        const std::string snaps = summarize("How many snapshots does haok/data have?", "zfs.datasets", R"({"dataset":"haok/data"})", "ok", one)
                                      ->getValue<std::string>("text");
        CPPUNIT_ASSERT_EQUAL(std::string("haok/data has 2 snapshots, the newest (second) taken 5 min 0 s ago. It has 21.0 KiB used, "
                                         "59.4 MiB available, compression ratio 1.00x."),
                             snaps);
        const std::string all = ha_plugins::toJson(datasetsView(listing, "", "", 100, 1796158968 + 300));
        const std::string list = summarize("how many snapshots are there", "zfs.datasets", "{}", "ok", all)->getValue<std::string>("text");
        CPPUNIT_ASSERT_MESSAGE(list, list.rfind("2 snapshots in 4 datasets:", 0) == 0);
        CPPUNIT_ASSERT_MESSAGE(list, list.find("- hacksum: 0 snapshots") != std::string::npos);
    }

    void testSummariesOfFailures() {
        auto absent = summarize("is my pool healthy", "zfs.pools", "{}", "ok",
                                R"({"installed":false,"reason":"no zpool command at /sbin/zpool","pools":[],"count":0})");
        CPPUNIT_ASSERT_EQUAL(std::string("ZFS is not installed on this server (no zpool command at /sbin/zpool)."),
                             absent->getValue<std::string>("text"));
        CPPUNIT_ASSERT(!absent->getValue<bool>("found"));
        auto empty = summarize("is my pool healthy", "zfs.pools", "{}", "ok",
                               R"({"installed":true,"zfs":{"format":"openzfs-text","version":"zfs-2.1.11-1"},"pools":[],"count":0})");
        CPPUNIT_ASSERT_EQUAL(std::string("ZFS is installed (zfs-2.1.11-1) but there are no pools."), empty->getValue<std::string>("text"));
        CPPUNIT_ASSERT(!empty->getValue<bool>("found"));
        auto missing = summarize("how full is tonk", "zfs.pool", R"({"pool":"tonk"})", "not_found",
                                 "there is no ZFS pool named 'tonk' (pools: tank, backup)");
        CPPUNIT_ASSERT_EQUAL(std::string("There is no ZFS pool named 'tonk' (pools: tank, backup)."), missing->getValue<std::string>("text"));
        CPPUNIT_ASSERT(!missing->getValue<bool>("found"));
        auto hung = summarize("is my pool healthy", "zfs.pools", "{}", "timeout", "zpool status did not finish within 10000 ms");
        CPPUNIT_ASSERT_EQUAL(std::string("I could not read the ZFS pools: zpool status did not finish within 10000 ms."),
                             hung->getValue<std::string>("text"));
        CPPUNIT_ASSERT(hung->getValue<bool>("found"));
    }

    void testChecksOnRecordedPools() {
        const int64_t now = 1796158971 + 3600;
        const auto list = findings(fuseView(now), now);
        const std::string all = joined(list);
        CPPUNIT_ASSERT_MESSAGE(all, anyStartsWith(list, "critical zfs.pool_state hadeg: ZFS pool hadeg is DEGRADED: mirror-0 DEGRADED and "
                                                        "/tmp/zrec/pools/deg2.img OFFLINE."));
        CPPUNIT_ASSERT_MESSAGE(all, anyStartsWith(list, "warning zfs.vdev_errors hacksum: ZFS pool hacksum has vdev errors: "
                                                        "/tmp/zrec/pools/ck1.img (401 checksum errors)"));
        CPPUNIT_ASSERT_MESSAGE(all, anyStartsWith(list, "warning zfs.scrub haok: ZFS pool haok has never been scrubbed"));
        CPPUNIT_ASSERT_MESSAGE(all, !anyStartsWith(list, "warning zfs.scrub hacksum"));  // scrubbed an hour ago
        CPPUNIT_ASSERT_MESSAGE(all, !anyStartsWith(list, "ok "));  // every pool has something
        CPPUNIT_ASSERT_MESSAGE(all, !anyStartsWith(list, "warning zfs.capacity"));

        auto notInstalled = json::parseObject(R"({"installed":false,"reason":"no zpool","pools":[],"count":0})");
        CPPUNIT_ASSERT(findings(notInstalled, now).empty());
        const auto down = findings(nullptr, now, {}, "timeout", "zpool status did not finish within 10000 ms");
        CPPUNIT_ASSERT_EQUAL(std::string("warning zfs.unavailable zfs: ZFS pools could not be checked: zpool status did not finish within 10000 ms."),
                             down.at(0));
    }

    void testChecksThresholds() {
        const int64_t scrubbed = 1796158971;
        auto view = fuseView(scrubbed + 86400);
        auto ck = view->getArray("pools")->getObject(0);  // hacksum: ONLINE, 44%, vdev errors
        ck->set("vdevs_with_errors", Poco::JSON::Array::Ptr(new Poco::JSON::Array));
        CPPUNIT_ASSERT_EQUAL(std::string("ok zfs.pool hacksum: ZFS pool hacksum is ONLINE, 44% full, last scrub finished "
                                         "2026-12-01 21:02 UTC (1 day 0 h ago), 24.8 MiB repaired, 0 errors."),
                             findings(view, scrubbed + 86400).at(0));
        ck->set("capacity_percent", 85.0);
        CPPUNIT_ASSERT(anyStartsWith(findings(view, scrubbed + 86400), "warning zfs.capacity hacksum: ZFS pool hacksum is 85% full"));
        ck->set("capacity_percent", 95.0);
        CPPUNIT_ASSERT(anyStartsWith(findings(view, scrubbed + 86400), "critical zfs.capacity hacksum: ZFS pool hacksum is 95% full"));
        ZfsThresholds strict;
        strict.capacityWarningPercent = 40;
        strict.capacityCriticalPercent = 99;
        ck->set("capacity_percent", 44.0);
        CPPUNIT_ASSERT(anyStartsWith(findings(view, scrubbed + 86400, strict), "warning zfs.capacity hacksum"));
        // 36 days after the scrub, with the default 35.
        const auto late = findings(view, scrubbed + 36 * 86400);
        CPPUNIT_ASSERT_MESSAGE(joined(late), anyStartsWith(late, "warning zfs.scrub hacksum: The last scrub of hacksum finished 36 days 0 h ago"));
        ZfsThresholds lenient;
        lenient.scrubMaxAgeDays = 60;
        CPPUNIT_ASSERT(!anyStartsWith(findings(view, scrubbed + 36 * 86400, lenient), "warning zfs.scrub hacksum"));
    }

    void testChecksScrubStates() {
        // A resilver was the last scan: no scrub time is kept; its own age decides.
        const auto statuses = parseZpoolStatusText(zfsFixture("openzfs-2.x-zpool-status-resilvered.txt"));
        PoolSpace space;
        space.name = "lwastor04";
        space.capacityPercent = 20;
        ZfsVersion v;
        const int64_t resilvered = 1702920094;
        auto soon = poolsView({space}, statuses, v, resilvered + 86400);
        const auto fine = findings(soon, resilvered + 86400);
        CPPUNIT_ASSERT_MESSAGE(joined(fine), anyStartsWith(fine, "ok zfs.pool lwastor04: ZFS pool lwastor04 is ONLINE, 20% full, the last scan was a resilver"));
        const auto late = findings(poolsView({space}, statuses, v, resilvered + 40 * 86400), resilvered + 40 * 86400);
        CPPUNIT_ASSERT_MESSAGE(joined(late), anyStartsWith(late, "warning zfs.scrub lwastor04: No scrub of lwastor04 is recorded (the last scan was a resilver)"));
        // A running scrub is fine, whatever came before.
        const auto running = parseZpoolStatusText(zfsFixture("openzfs-0.8-zpool-status-scrub-running.txt"));
        const auto r = findings(poolsView({}, running, v, 1560348774 + 60), 1560348774 + 60);
        CPPUNIT_ASSERT_MESSAGE(joined(r), anyStartsWith(r, "ok zfs.pool pool: ZFS pool pool is ONLINE, a scrub is running"));
        // Faulted with permanent errors in files.
        const auto faulted = parseZpoolStatusText(zfsFixture("solaris-zpool-status-unavail.txt"));
        const auto fl = findings(poolsView({}, faulted, v, 1265116122 + 60), 1265116122 + 60);
        CPPUNIT_ASSERT_MESSAGE(joined(fl), anyStartsWith(fl, "critical zfs.pool_state tank: ZFS pool tank is UNAVAIL: c1t1d0 UNAVAIL (cannot open)."));
        CPPUNIT_ASSERT_MESSAGE(joined(fl), anyStartsWith(fl, "critical zfs.data_errors tank: ZFS pool tank has 3 permanent data errors"));
        CPPUNIT_ASSERT_MESSAGE(joined(fl), anyStartsWith(fl, "warning zfs.vdev_errors tank: ZFS pool tank has vdev errors: c1t1d0 (4 read errors and 1 write error), cannot open."));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ZfsAnswersTest);

}  // namespace ha
