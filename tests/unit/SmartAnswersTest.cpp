// The smart plugin's answers: questions it takes (and leaves to the disk-space and sensors
// plugins), the wording of results built from real smartctl outputs, and the health findings.
#include "RecordedFixture.h"

#include "common/PluginConfig.h"
#include "tools/smart/SmartAnswers.h"
#include "tools/smart/SmartData.h"
#include "tools/smart/SmartView.h"
#include "util/Json.h"

#include <Poco/JSON/Array.h>

#include <cppunit/extensions/HelperMacros.h>

#include <cctype>

namespace ha {

using namespace ha_plugins::smart;
namespace answers = ha_plugins::answers;

namespace {

const std::string kAllowed = R"(["smart.disks","smart.disk"])";
constexpr int64_t kCollected = 1796162978;

std::string questionFields(const std::string& question) {
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
    return R"("text":")" + text + R"(","question":)" + json::stringify(question) + R"(,"words":)" + json::stringify(words);
}

std::string best(const std::string& question, const KnownDisks& disks, const std::string& subject = "null",
                 const std::string& allowed = kAllowed) {
    const std::string input = "{" + questionFields(question) + R"(,"subject":)" + subject + R"(,"allowed":)" + allowed + "}";
    auto list = json::parseObject(smartMatch(answers::Question::parse(input), disks))->getArray("matches");
    if (list->size() == 0) return "";
    auto m = list->getObject(0);
    return m->getValue<std::string>("capability") + " " + ha_plugins::toJson(m->getObject("arguments")) + " " +
           std::to_string(static_cast<int>(m->getValue<double>("score") * 100 + 0.5));
}

DiskRecord record(const std::string& fixture, const std::string& device, const std::string& type) {
    Disk d = parseSmartctlJson(test::recordedFixture("smart", fixture));
    d.device = device;  // the outputs come from different machines; here they share one
    return DiskRecord{{device, type, fixture, d.exitStatus, ""}, d, ""};
}

Poco::JSON::Object::Ptr view(const std::vector<DiskRecord>& disks, int64_t now, const SmartLimits& limits = {}) {
    CollectionIndex index;
    index.collectedAt = kCollected;
    index.smartctl = "smartctl 7.3 2022-02-28 r5338";
    return disksView(index, disks, now, limits, "/var/lib/homelab-assistant/smart");
}

std::vector<DiskRecord> mixed() {
    return {record("ata-hdd-wdc-wd140edfz.json", "/dev/sdb", "sat"), record("ata-hdd-failing-hitachi.json", "/dev/sdc", "usbjmicron"),
            record("nvme-force-mp510.json", "/dev/nvme0", "nvme"), record("ata-hdd-standby.json", "/dev/sda", "sat")};
}

Poco::JSON::Object::Ptr summarize(const std::string& question, const std::string& capability, const std::string& args,
                                  const std::string& status, const std::string& resultOrError) {
    const std::string input = "{" + questionFields(question) + R"(,"capability":")" + capability + R"(","arguments":)" + args +
                              R"(,"status":")" + status + "\"," +
                              (status == "ok" ? R"("result":)" + resultOrError : R"("error":)" + json::stringify(resultOrError)) + "}";
    return json::parseObject(smartSummarize(answers::SummaryRequest::parse(input)));
}

std::vector<std::string> findings(const std::string& result, int64_t now, const SmartLimits& limits = {},
                                  const std::string& status = "ok") {
    const std::string input = R"({"results":[{"capability":"smart.disks","arguments":{},"status":")" + status + "\"," +
                              (status == "ok" ? R"("result":)" + result : R"("error":)" + json::stringify(result)) + "}]}";
    auto a = json::parseObject(smartChecks(answers::CheckResults::parse(input), limits, now))->getArray("findings");
    std::vector<std::string> out;
    for (size_t i = 0; i < a->size(); ++i) {
        auto f = a->getObject(static_cast<unsigned>(i));
        out.push_back(f->getValue<std::string>("severity") + " " + f->getValue<std::string>("check") + " " +
                      f->getValue<std::string>("subject") + ": " + f->getValue<std::string>("message"));
    }
    return out;
}

bool has(const std::vector<std::string>& list, const std::string& prefix) {
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

class SmartAnswersTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SmartAnswersTest);
    CPPUNIT_TEST(testProfile);
    CPPUNIT_TEST(testMatchTable);
    CPPUNIT_TEST(testSummaries);
    CPPUNIT_TEST(testSummariesWithoutData);
    CPPUNIT_TEST(testChecks);
    CPPUNIT_TEST(testChecksOfCollection);
    CPPUNIT_TEST_SUITE_END();

public:
    void testProfile() {
        auto p = json::parseObject(smartProfile({{"sda", "nvme0"}, {"MSK423Y20S3HBC"}, {}}));
        const std::string vocabulary = json::stringify(p->getArray("vocabulary"));
        for (const char* w : {"\"smart\"", "\"disks\"", "\"drives\"", "\"temperature\"", "\"hot\"", "\"failing\"", "\"sectors\"",
                              "\"nvme\"", "\"ssd\"", "\"hdd\"", "\"health\"", "\"sda\"", "\"nvme0\"", "\"msk423y20s3hbc\""}) {
            CPPUNIT_ASSERT_MESSAGE(w, vocabulary.find(w) != std::string::npos);
        }
        CPPUNIT_ASSERT_EQUAL(std::string("smart.disks"), p->getArray("checks")->getObject(0)->getValue<std::string>("capability"));
    }

    void testMatchTable() {
        const KnownDisks disks{{"sda", "sdb", "nvme0"}, {"MSK423Y20S3HBC"}, {"Hitachi HDS721050DLE630"}};
        const std::vector<std::pair<std::string, std::string>> table = {
            {"Any failing disks?", "smart.disks {} 95"},
            {"How hot are my drives?", "smart.disks {} 95"},
            {"what's the temperature of my hard drives", "smart.disks {} 95"},
            {"is my ssd healthy", "smart.disks {} 95"},
            {"how worn is the nvme", "smart.disks {} 95"},
            {"any reallocated sectors?", "smart.disks {} 95"},
            {"SMART status", "smart.disks {} 95"},
            {"how old are my disks", "smart.disks {} 95"},
            {"are my drives asleep", "smart.disks {} 95"},
            {"which disks do I have", "smart.disks {} 95"},
            {"disks", "smart.disks {} 70"},
            {"is it hot in here", "smart.disks {} 55"},
            {"show the SMART data of sdb", R"(smart.disk {"disk":"sdb"} 95)"},
            {"is /dev/sda ok", R"(smart.disk {"disk":"sda"} 95)"},
            {"what about MSK423Y20S3HBC", R"(smart.disk {"disk":"MSK423Y20S3HBC"} 95)"},
            {"How much disk space is left?", ""},
            {"is the disk full", ""},
            {"what's the CPU temperature?", ""},
            {"is plex running", ""},
            {"Is my pool healthy?", ""},
        };
        for (const auto& [question, expected] : table) {
            CPPUNIT_ASSERT_EQUAL_MESSAGE(question, expected, best(question, disks));
        }
        const std::string subject = R"({"plugin":"smart","capability":"smart.disks","arguments":{},"data":{"disks":["sdc","sdb","nvme0"]}})";
        CPPUNIT_ASSERT_EQUAL(std::string(R"(smart.disk {"disk":"sdb"} 90)"), best("and the second one?", disks, subject));
        const std::string one = R"({"plugin":"smart","capability":"smart.disk","arguments":{"disk":"sdc"},"data":{"disks":["sdc"]}})";
        CPPUNIT_ASSERT_EQUAL(std::string(R"(smart.disk {"disk":"sdc"} 85)"), best("is it safe to keep using it", disks, one));
        CPPUNIT_ASSERT_EQUAL(std::string(""), best("Any failing disks?", disks, "null", R"(["smart.disk"])"));
    }

    void testSummaries() {
        const std::string result = ha_plugins::toJson(view(mixed(), kCollected + 720));
        auto health = summarize("Any failing disks?", "smart.disks", "{}", "ok", result);
        const std::string h = health->getValue<std::string>("text");
        CPPUNIT_ASSERT_MESSAGE(h, h.rfind("1 of 4 disks has a problem (SMART data from 12 min 0 s ago):", 0) == 0);
        CPPUNIT_ASSERT_MESSAGE(h, h.find("- sdc (Hitachi HDS721050DLE630), HDD: fails its SMART health check and 1975 reallocated and 8 "
                                         "pending sectors, 25 °C, 65592 hours on") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(h, h.find("- sdb (WDC WD140EDFZ-11A0VA0), HDD: healthy, 32 °C, 1730 hours on") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(h, h.find("- sda: in standby, not read so as not to wake it") != std::string::npos);
        CPPUNIT_ASSERT(h.find("sdc") < h.find("sdb"));  // the problem first
        CPPUNIT_ASSERT_EQUAL(std::string("sdc"), health->getObject("subject")->getArray("disks")->getElement<std::string>(0));

        const std::string t = summarize("How hot are my drives?", "smart.disks", "{}", "ok", result)->getValue<std::string>("text");
        CPPUNIT_ASSERT_MESSAGE(t, t.find("- nvme0 (Force MP510): 38 °C") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(t, t.find("- sdb (WDC WD140EDFZ-11A0VA0): 32 °C") != std::string::npos);

        const std::string a = summarize("how old are my disks", "smart.disks", "{}", "ok", result)->getValue<std::string>("text");
        CPPUNIT_ASSERT_MESSAGE(a, a.find("- nvme0 (Force MP510): 6487 power-on hours (270 days 7 h), 1% of its rated endurance used") !=
                                      std::string::npos);

        auto detail = diskDetail(record("ata-hdd-failing-hitachi.json", "/dev/sdc", "usbjmicron"), SmartLimits{});
        const std::string d = summarize("is sdc ok", "smart.disk", R"({"disk":"sdc"})", "ok", ha_plugins::toJson(detail))->getValue<std::string>("text");
        CPPUNIT_ASSERT_MESSAGE(d, d.rfind("sdc (Hitachi HDS721050DLE630), HDD: fails its SMART health check", 0) == 0);
        CPPUNIT_ASSERT_MESSAGE(d, d.find("Last self-test: Completed without error. Serial number MSK423Y20S3HBC.") != std::string::npos);

        auto missing = summarize("is sdz ok", "smart.disk", R"({"disk":"sdz"})", "not_found",
                                 "there is no disk 'sdz' in the SMART data (disks: sda, sdb)");
        CPPUNIT_ASSERT_EQUAL(std::string("There is no disk 'sdz' in the SMART data (disks: sda, sdb)."), missing->getValue<std::string>("text"));
        CPPUNIT_ASSERT(!missing->getValue<bool>("found"));
    }

    void testSummariesWithoutData() {
        auto none = summarize("any failing disks", "smart.disks", "{}", "ok",
                              ha_plugins::toJson(notCollectedView("/var/lib/x", "No SMART data has been collected yet: ...")));
        CPPUNIT_ASSERT_EQUAL(std::string("No SMART data has been collected yet: ....") , none->getValue<std::string>("text"));
        CPPUNIT_ASSERT(!none->getValue<bool>("found"));
        auto empty = summarize("any failing disks", "smart.disks", "{}", "ok", ha_plugins::toJson(view({}, kCollected + 60)));
        CPPUNIT_ASSERT_EQUAL(std::string("The SMART collector found no disks (SMART data from 1 min 0 s ago)."), empty->getValue<std::string>("text"));
        CPPUNIT_ASSERT(!empty->getValue<bool>("found"));
        auto broken = summarize("any failing disks", "smart.disks", "{}", "unavailable", "/var/lib/x/index.json is not the SMART collector's index");
        CPPUNIT_ASSERT_EQUAL(std::string("I could not read the SMART data: /var/lib/x/index.json is not the SMART collector's index."),
                             broken->getValue<std::string>("text"));
    }

    void testChecks() {
        std::vector<DiskRecord> disks = mixed();
        disks.push_back(record("nvme-critical-warning-samsung.json", "/dev/nvme1", "nvme"));
        disks.push_back(record("nvme-media-errors-samsung-970.json", "/dev/nvme2", "nvme"));
        disks.push_back(record("open-failed.json", "/dev/sdx", "sat"));
        const auto list = findings(ha_plugins::toJson(view(disks, kCollected + 60)), kCollected + 60);
        const std::string all = joined(list);
        CPPUNIT_ASSERT_MESSAGE(all, has(list, "critical smart.health sdc: Disk sdc (Hitachi HDS721050DLE630) fails its SMART health check"));
        CPPUNIT_ASSERT_MESSAGE(all, has(list, "warning smart.sectors sdc: Disk sdc (Hitachi HDS721050DLE630) has 1975 reallocated and 8 pending sectors."));
        CPPUNIT_ASSERT_MESSAGE(all, has(list, "critical smart.nvme_warning nvme1: NVMe disk nvme1 (SAMSUNG MZWLL3T2HAJQ-00005) raises a critical "
                                              "warning: volatile memory backup failed."));
        CPPUNIT_ASSERT_MESSAGE(all, has(list, "warning smart.media_errors nvme2: NVMe disk nvme2 (Samsung SSD 970 EVO 500GB) has 7 media errors."));
        CPPUNIT_ASSERT_MESSAGE(all, has(list, "ok smart.disk sdb: Disk sdb (WDC WD140EDFZ-11A0VA0) is healthy, 32 °C, 1730 hours on."));
        CPPUNIT_ASSERT_MESSAGE(all, has(list, "ok smart.disk sda: sda is in standby; it was not woken to read SMART data."));
        CPPUNIT_ASSERT_MESSAGE(all, has(list, "warning smart.unreadable sdx: The SMART data of sdx could not be read: Smartctl open device"));
        CPPUNIT_ASSERT_MESSAGE(all, !has(list, "warning smart.temperature"));
        CPPUNIT_ASSERT_MESSAGE(all, !has(list, "warning smart.stale"));
        // Temperatures against the settings: 32 °C HDD over a 30 °C limit; 38 °C NVMe under 70.
        SmartLimits cool;
        cool.hddTemperatureC = 30;
        const auto hot = findings(ha_plugins::toJson(view(mixed(), kCollected + 60, cool)), kCollected + 60, cool);
        CPPUNIT_ASSERT_MESSAGE(joined(hot), has(hot, "warning smart.temperature sdb: Disk sdb (WDC WD140EDFZ-11A0VA0) is at 32 °C, over the 30 °C "
                                                     "limit for an HDD."));
        CPPUNIT_ASSERT_MESSAGE(joined(hot), !has(hot, "warning smart.temperature nvme0"));
    }

    void testChecksOfCollection() {
        const auto missing = findings(ha_plugins::toJson(notCollectedView("/var/lib/x", "No SMART data has been collected yet: enable homelab-assistant-smart.timer")),
                                      kCollected);
        CPPUNIT_ASSERT_EQUAL(std::string("warning smart.collector smart: No SMART data has been collected yet: enable homelab-assistant-smart.timer."),
                             missing.at(0));
        const auto old = findings(ha_plugins::toJson(view(mixed(), kCollected + 3 * 3600)), kCollected + 3 * 3600);
        CPPUNIT_ASSERT_MESSAGE(joined(old), has(old, "warning smart.stale smart: The SMART data is 3 h 0 min old (more than 90 min): is "
                                                     "homelab-assistant-smart.timer running?"));
        SmartLimits lenient;
        lenient.maxAgeMinutes = 240;
        CPPUNIT_ASSERT(!has(findings(ha_plugins::toJson(view(mixed(), kCollected + 3 * 3600)), kCollected + 3 * 3600, lenient),
                            "warning smart.stale"));
        const auto none = findings(ha_plugins::toJson(view({}, kCollected + 60)), kCollected + 60);
        CPPUNIT_ASSERT_EQUAL(std::string("ok smart.disks smart: The SMART collector found no disks."), none.at(0));
        const auto down = findings("the index is broken", kCollected, {}, "unavailable");
        CPPUNIT_ASSERT_EQUAL(std::string("warning smart.unavailable smart: SMART data could not be read: the index is broken."), down.at(0));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SmartAnswersTest);

}  // namespace ha
