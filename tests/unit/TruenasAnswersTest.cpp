// The truenas plugin's answers: which capability each phrasing matches and how well (0.9+
// only when TrueNAS or one of its own subjects is named; shared words such as "apps" and
// "pool" lower), follow-ups through the subject, the wording of results and errors, and the
// health findings on the recorded middleware shapes.
#include "tools/truenas/AlertView.h"
#include "tools/truenas/AppView.h"
#include "tools/truenas/DataProtectionView.h"
#include "tools/truenas/StorageView.h"
#include "tools/truenas/SystemView.h"
#include "tools/truenas/TruenasAnswers.h"
#include "TestSupport.h"

#include "common/PluginConfig.h"

#include <Poco/JSON/Parser.h>

#include <cppunit/extensions/HelperMacros.h>

#include <cctype>

namespace ha {

using namespace ha_plugins::truenas;

namespace {

const char* const kAll[] = {kAlerts, kPools, kDisks, kApps, kDataProtection, kSystem};

std::string normalized(const std::string& question) {
    std::string t = " ";
    bool space = true;
    for (const unsigned char c : question) {
        if (std::isalnum(c)) {
            t += static_cast<char>(std::tolower(c));
            space = false;
        } else if (!space) {
            t += ' ';
            space = true;
        }
    }
    if (!space) t += ' ';
    return t;
}

std::string matchInput(const std::string& question, const std::string& subject = "null") {
    auto o = ha_plugins::newObject();
    o->set("text", normalized(question));
    o->set("question", question);
    o->set("words", Poco::JSON::Array::Ptr(new Poco::JSON::Array));
    o->set("subject", subject == "null" ? Var() : json::parse(subject));
    Poco::JSON::Array::Ptr allowed = new Poco::JSON::Array;
    for (const char* c : kAll) allowed->add(std::string(c));
    o->set("allowed", allowed);
    return ha_plugins::toJson(o);
}

struct Match {
    std::string capability;
    double score = 0;
    std::string arguments;
};

std::vector<Match> matches(const std::string& question, bool configured = true, const KnownNames& names = KnownNames(),
                           const std::string& subject = "null") {
    const auto out = json::parseObject(answersMatch(matchInput(question, subject), configured, names));
    std::vector<Match> list;
    const auto a = out->getArray("matches");
    for (size_t i = 0; i < a->size(); ++i) {
        const auto m = a->getObject(static_cast<unsigned>(i));
        list.push_back({m->getValue<std::string>("capability"), m->getValue<double>("score"), ha_plugins::toJson(m->getObject("arguments"))});
    }
    return list;
}

Match best(const std::string& question, bool configured = true) {
    const auto list = matches(question, configured);
    return list.empty() ? Match{} : list.front();
}

Poco::JSON::Object::Ptr fixtureResult(const std::string& name, int64_t& recordedAt) {
    Poco::JSON::Parser parser;
    auto doc = parser.parse(test::readFile(std::string(HA_TEST_FIXTURES) + "/truenas/" + name + ".json")).extract<Poco::JSON::Object::Ptr>();
    recordedAt = doc->getObject("recorded_at")->getValue<int64_t>("$date");
    auto holder = ha_plugins::newObject();
    holder->set("result", doc->get("result"));
    return holder;
}

Var raw(const std::string& name, ViewContext& context) {
    int64_t recorded = 0;
    auto holder = fixtureResult(name, recorded);
    context.nowMs = recorded;
    return holder->get("result");
}

// The capability results the plugin would give on the fixtures of `dir` ("" or "healthy/").
Poco::JSON::Object::Ptr result(const std::string& capability, const std::string& dir = "") {
    ViewContext c;
    const auto pick = [&](const std::string& method) {
        const std::string path = std::string(HA_TEST_FIXTURES) + "/truenas/" + dir + method + ".json";
        return raw((dir.empty() || !std::ifstream(path) ? "" : dir) + method, c);
    };
    if (capability == kAlerts) return reduceAlerts(pick("alert.list"), AlertQuery{}, c);
    if (capability == kApps) return reduceApps(pick("app.query"), "", c);
    if (capability == kPools) return reducePools(pick("pool.query"), "", c);
    if (capability == kDisks) return reduceDisks(pick("disk.query"), pick("disk.temperatures"), "", c);
    if (capability == kSystem) return reduceSystem(pick("system.info"), pick("boot.get_state"), "", c);
    auto out = ha_plugins::newObject();
    out->set("snapshot_tasks", reduceSnapshotTasks(pick("pool.snapshottask.query"), c));
    out->set("replications", reduceReplications(pick("replication.query"), c));
    out->set("cloud_syncs", reduceCloudSyncs(pick("cloudsync.query"), c));
    return out;
}

Poco::JSON::Object::Ptr summary(const std::string& question, const std::string& capability, const std::string& arguments = "{}",
                                Poco::JSON::Object::Ptr r = nullptr) {
    auto o = ha_plugins::newObject();
    o->set("text", normalized(question));
    o->set("question", question);
    o->set("capability", capability);
    o->set("arguments", json::parseObject(arguments));
    o->set("status", std::string("ok"));
    o->set("result", r ? r : result(capability));
    return json::parseObject(answersSummarize(ha_plugins::toJson(o)));
}

std::string said(const std::string& question, const std::string& capability, const std::string& arguments = "{}",
                 Poco::JSON::Object::Ptr r = nullptr) {
    return summary(question, capability, arguments, r)->getValue<std::string>("text");
}

bool contains(const std::string& s, const std::string& needle) { return s.find(needle) != std::string::npos; }

struct Finding {
    std::string severity, check, subject, message;
};

std::vector<Finding> findings(const std::string& dir = "", const std::vector<std::pair<std::string, std::string>>& failed = {}) {
    Poco::JSON::Array::Ptr results = new Poco::JSON::Array;
    for (const char* cap : {kAlerts, kApps, kDataProtection, kSystem}) {
        auto o = ha_plugins::newObject();
        o->set("capability", std::string(cap));
        o->set("arguments", ha_plugins::newObject());
        bool isFailed = false;
        for (const auto& [c, status] : failed) {
            if (c == cap) {
                o->set("status", status);
                o->set("error", std::string("the connection to TrueNAS at wss://localhost/api/current was refused"));
                isFailed = true;
            }
        }
        if (!isFailed) {
            o->set("status", std::string("ok"));
            o->set("result", result(cap, dir));
        }
        results->add(o);
    }
    auto input = ha_plugins::newObject();
    input->set("results", results);
    const auto out = json::parseObject(answersChecks(ha_plugins::toJson(input)));
    std::vector<Finding> list;
    const auto a = out->getArray("findings");
    for (size_t i = 0; i < a->size(); ++i) {
        const auto f = a->getObject(static_cast<unsigned>(i));
        list.push_back({f->getValue<std::string>("severity"), f->getValue<std::string>("check"), f->getValue<std::string>("subject"),
                        f->getValue<std::string>("message")});
    }
    return list;
}

size_t count(const std::vector<Finding>& list, const std::string& severity, const std::string& check = "") {
    size_t n = 0;
    for (const auto& f : list) n += f.severity == severity && (check.empty() || f.check == check);
    return n;
}

}  // namespace

class TruenasAnswersTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(TruenasAnswersTest);
    CPPUNIT_TEST(testProfile);
    CPPUNIT_TEST(testMatchesTheExampleQuestions);
    CPPUNIT_TEST(testSharedWordsScoreLower);
    CPPUNIT_TEST(testUnrelatedQuestionsAndTheUnconfiguredPlugin);
    CPPUNIT_TEST(testKnownNamesAndFollowUps);
    CPPUNIT_TEST(testSummaries);
    CPPUNIT_TEST(testSummariesOfErrors);
    CPPUNIT_TEST(testChecksOnAProblemNas);
    CPPUNIT_TEST(testChecksOnAHealthyNas);
    CPPUNIT_TEST(testAnOutageIsOneWarning);
    CPPUNIT_TEST_SUITE_END();

public:
    void testProfile() {
        const auto p = json::parseObject(answersProfile(true));
        const auto vocabulary = p->getArray("vocabulary");
        std::set<std::string> words;
        for (size_t i = 0; i < vocabulary->size(); ++i) {
            const std::string w = vocabulary->getElement<std::string>(static_cast<unsigned>(i));
            CPPUNIT_ASSERT_MESSAGE(w, !w.empty() && std::all_of(w.begin(), w.end(), [](char c) { return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)); }));
            words.insert(w);
        }
        for (const char* w : {"truenas", "nas", "alert", "alerts", "app", "apps", "replication", "snapshot", "task", "cloud",
                              "sync", "backup", "boot", "version", "update", "running", "succeed"}) {
            CPPUNIT_ASSERT_MESSAGE(w, words.count(w));
        }
        CPPUNIT_ASSERT_EQUAL(6u, static_cast<unsigned>(p->getArray("topics")->size()));
        CPPUNIT_ASSERT_EQUAL(4u, static_cast<unsigned>(p->getArray("checks")->size()));
        // Without a key the plugin runs no checks: a machine without TrueNAS is not unhealthy.
        CPPUNIT_ASSERT_EQUAL(0u, static_cast<unsigned>(json::parseObject(answersProfile(false))->getArray("checks")->size()));
    }

    void testMatchesTheExampleQuestions() {
        Match m = best("Any TrueNAS alerts?");
        CPPUNIT_ASSERT_EQUAL(std::string(kAlerts), m.capability);
        CPPUNIT_ASSERT(m.score >= 0.9);
        m = best("are my apps running?");
        CPPUNIT_ASSERT_EQUAL(std::string(kApps), m.capability);
        CPPUNIT_ASSERT(m.score >= 0.6 && m.score < 0.9);  // shared with docker's containers
        m = best("did the last replication succeed?");
        CPPUNIT_ASSERT_EQUAL(std::string(kDataProtection), m.capability);
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"kind":"replication"})"), m.arguments);
        CPPUNIT_ASSERT(m.score >= 0.9);
        m = best("is my boot pool ok?");
        CPPUNIT_ASSERT_EQUAL(std::string(kSystem), m.capability);
        CPPUNIT_ASSERT(m.score >= 0.9);
        m = best("What version of TrueNAS is this?");
        CPPUNIT_ASSERT_EQUAL(std::string(kSystem), m.capability);
        CPPUNIT_ASSERT(m.score >= 0.9);
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"kind":"cloud_sync"})"), best("did my cloud sync run?").arguments);
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"kind":"snapshot"})"), best("are the periodic snapshot tasks ok?").arguments);
        CPPUNIT_ASSERT_EQUAL(std::string(kDataProtection), best("are my backups ok?").capability);
        CPPUNIT_ASSERT_EQUAL(std::string(kAlerts), best("is there a TrueNAS update?").capability);
        CPPUNIT_ASSERT_EQUAL(std::string(kApps), best("any app upgrades?").capability);
        CPPUNIT_ASSERT(best("any app upgrades?").score >= 0.9);
        CPPUNIT_ASSERT_EQUAL(std::string(kSystem), best("does the nas have ecc memory?").capability);
        // Naming TrueNAS without a subject: its alerts and its state.
        const auto general = matches("is my truenas ok?");
        CPPUNIT_ASSERT_EQUAL(size_t(2), general.size());
        CPPUNIT_ASSERT_EQUAL(std::string(kAlerts), general[0].capability);
        CPPUNIT_ASSERT_EQUAL(std::string(kSystem), general[1].capability);
    }

    void testSharedWordsScoreLower() {
        // Pools belong to the zfs plugin, disks and temperatures to smart and sensors: below 0.9
        // unless TrueNAS is named.
        CPPUNIT_ASSERT(best("is my pool healthy?").score < 0.7);
        CPPUNIT_ASSERT(best("is my truenas pool healthy?").score >= 0.9);
        CPPUNIT_ASSERT_EQUAL(std::string(kPools), best("is my truenas pool healthy?").capability);
        CPPUNIT_ASSERT(best("how hot are my drives?").score < 0.6);
        CPPUNIT_ASSERT(best("how hot are the truenas drives?").score >= 0.9);
        CPPUNIT_ASSERT(best("how many snapshots do I have?").score < 0.7);   // zfs counts snapshots
        CPPUNIT_ASSERT(best("any alerts?").score < 0.9);
        CPPUNIT_ASSERT(best("any alerts?").score >= 0.6);
        CPPUNIT_ASSERT(best("what version is running?").score < 0.7);
    }

    void testUnrelatedQuestionsAndTheUnconfiguredPlugin() {
        for (const char* q : {"What is the CPU and memory usage?", "How much disk space is left?", "is plex running?",
                              "did any service crash?", "is the network ok?", "hello", ""}) {
            CPPUNIT_ASSERT_MESSAGE(q, matches(q).empty());
        }
        // Without a key only questions naming TrueNAS are taken (to say how to set it up).
        CPPUNIT_ASSERT(matches("are my apps running?", false).empty());
        CPPUNIT_ASSERT(matches("did the last replication succeed?", false).empty());
        CPPUNIT_ASSERT_EQUAL(std::string(kAlerts), best("any truenas alerts?", false).capability);
        CPPUNIT_ASSERT_EQUAL(size_t(1), matches("is my truenas ok?", false).size());  // one "not set up" answer
        // Capabilities the policy denies are never proposed.
        auto o = json::parseObject(matchInput("any truenas alerts?"));
        o->set("allowed", Poco::JSON::Array::Ptr(new Poco::JSON::Array));
        CPPUNIT_ASSERT_EQUAL(0u, static_cast<unsigned>(json::parseObject(answersMatch(ha_plugins::toJson(o), true, KnownNames()))->getArray("matches")->size()));
    }

    void testKnownNamesAndFollowUps() {
        KnownNames names;
        names.setApps({"immich", "home-assistant"});
        names.setPools({"tank"});
        auto list = matches("is immich running?", true, names);
        CPPUNIT_ASSERT_EQUAL(std::string(kApps), list.front().capability);
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"app":"immich"})"), list.front().arguments);
        CPPUNIT_ASSERT(list.front().score >= 0.9);
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"app":"home-assistant"})"), matches("is home assistant up?", true, names).front().arguments);
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"pool":"tank"})"), matches("how full is the pool tank", true, names).front().arguments);
        // "and the second one?" after the list of apps.
        const std::string appsSubject = R"({"plugin":"truenas","capability":"truenas.apps","arguments":{},"data":{"names":["plex","immich","nextcloud"]}})";
        list = matches("and the second one?", true, KnownNames(), appsSubject);
        CPPUNIT_ASSERT_EQUAL(std::string(kApps), list.front().capability);
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"app":"immich"})"), list.front().arguments);
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"app":"nextcloud"})"), matches("and the last one?", true, KnownNames(), appsSubject).front().arguments);
        const std::string tasksSubject = R"({"plugin":"truenas","capability":"truenas.data_protection","arguments":{},"data":{"names":["tank/media to backup","tank/vm"],"kinds":["replication","snapshot"]}})";
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"kind":"snapshot","task":"tank/vm"})"), matches("what about the second one", true, KnownNames(), tasksSubject).front().arguments);
        // An ordinal in another plugin's question is not a follow-up.
        for (const auto& m : matches("when did the last scrub run?", true, KnownNames(), appsSubject)) CPPUNIT_ASSERT(m.score < 0.65);
        // "why?" stays on the subject, below what another plugin's own subject scores.
        list = matches("why?", true, KnownNames(), tasksSubject);
        CPPUNIT_ASSERT_EQUAL(std::string(kDataProtection), list.front().capability);
        CPPUNIT_ASSERT(list.front().score < 0.65);
        // A new subject wins over the follow-up.
        CPPUNIT_ASSERT_EQUAL(std::string(kAlerts), matches("and any alerts?", true, KnownNames(), appsSubject).front().capability);
        // Follow-ups to another plugin's answer are not ours.
        CPPUNIT_ASSERT(matches("and the second one?", true, KnownNames(), R"({"plugin":"docker","capability":"docker.containers","arguments":{},"data":{"names":["a","b"]}})").empty());
    }

    void testSummaries() {
        std::string s = said("Any TrueNAS alerts?", kAlerts);
        CPPUNIT_ASSERT(contains(s, "7 active alerts") && contains(s, "4 critical") && contains(s, "Pool backup state is DEGRADED"));
        CPPUNIT_ASSERT(contains(s, "1 alert is dismissed"));
        CPPUNIT_ASSERT(contains(said("is there a truenas update?", kAlerts), "system update is available"));
        s = said("any truenas alerts?", kAlerts, "{}", result(kAlerts, "healthy/"));
        CPPUNIT_ASSERT(contains(s, "1 active alert (1 info)"));
        s = said("are my apps running?", kApps);
        CPPUNIT_ASSERT(contains(s, "6 TrueNAS apps: 3 running, 1 crashed (nextcloud), 1 stopped (jellyfin)"));
        CPPUNIT_ASSERT(contains(s, "Upgrade available for plex"));
        const auto apps = summary("are my apps running?", kApps);
        CPPUNIT_ASSERT_EQUAL(6u, static_cast<unsigned>(apps->getObject("subject")->getArray("names")->size()));
        CPPUNIT_ASSERT_EQUAL(std::string("plex"), apps->getObject("subject")->getArray("names")->getElement<std::string>(0));
        CPPUNIT_ASSERT_EQUAL(std::string("All 3 TrueNAS apps are running."), said("are my apps running?", kApps, "{}", result(kApps, "healthy/")));
        auto replications = ha_plugins::newObject();  // what the plugin returns for {"kind":"replication"}
        replications->set("replications", result(kDataProtection)->getArray("replications"));
        s = said("did the last replication succeed?", kDataProtection, R"({"kind":"replication"})", replications);
        CPPUNIT_ASSERT(contains(s, "most recent run: Replication 'tank/media to backup' succeeded 40 min ago"));
        CPPUNIT_ASSERT(contains(s, "'tank/media to offsite' FAILED 5 h ago: ssh: connect to host offsite.example.net port 22: Connection refused"));
        s = said("are my backups ok?", kDataProtection);
        CPPUNIT_ASSERT(contains(s, "Snapshot task tank/documents is late: its last success was 3 days 12 h ago, it should run daily at 00:00"));
        CPPUNIT_ASSERT(contains(s, "Cloud sync 'Documents to S3' FAILED 20 h ago: Failed to upload: 403 Forbidden"));
        CPPUNIT_ASSERT(contains(s, "Snapshot task tank/secure is on hold: Dataset tank/secure is locked"));
        s = said("is my boot pool ok?", kSystem);
        CPPUNIT_ASSERT(contains(s, "Boot pool boot-pool is DEGRADED") && contains(s, "nvme1n1 FAULTED with 3 read and 128 write errors"));
        CPPUNIT_ASSERT(contains(said("is my boot pool ok?", kSystem, "{}", result(kSystem, "healthy/")), "Boot pool boot-pool is ONLINE and healthy"));
        CPPUNIT_ASSERT_EQUAL(std::string("This is TrueNAS 25.10.1 (host truenas)."), said("What version of TrueNAS is this?", kSystem));
        CPPUNIT_ASSERT(contains(said("how is truenas?", kSystem), "TrueNAS 25.10.1 on truenas, up 12 days 3 h"));
        CPPUNIT_ASSERT_EQUAL(std::string("Yes, this TrueNAS has ECC memory."), said("does it have ecc memory", kSystem));
        s = said("truenas pools?", kPools);
        CPPUNIT_ASSERT(contains(s, "Pool tank is ONLINE and healthy, 91% used") && contains(s, "Pool backup is DEGRADED"));
        CPPUNIT_ASSERT(contains(s, "sde REMOVED (ST4000VN008-2DR166 ZGY8K2LQ)"));
        s = said("how hot are the truenas disks?", kDisks);
        CPPUNIT_ASSERT(contains(s, "Disk temperatures: nvme0n1 47 °C, sdd 41 °C") && contains(s, "No reading for nvme1n1"));
    }

    void testSummariesOfErrors() {
        const auto failed = [](const std::string& status, const std::string& error) {
            auto o = ha_plugins::newObject();
            o->set("text", normalized("is plexx running"));
            o->set("question", std::string("is plexx running"));
            o->set("capability", std::string(kApps));
            o->set("arguments", json::parseObject(R"({"app":"plexx"})"));
            o->set("status", status);
            o->set("error", error);
            return json::parseObject(answersSummarize(ha_plugins::toJson(o)));
        };
        auto s = failed("not_found", "TrueNAS has no app named 'plexx'");
        CPPUNIT_ASSERT_EQUAL(false, s->getValue<bool>("found"));
        CPPUNIT_ASSERT_EQUAL(std::string("TrueNAS has no app named 'plexx'."), s->getValue<std::string>("text"));
        s = failed("unavailable", "TrueNAS at wss://localhost/api/current refused the connection");
        CPPUNIT_ASSERT(contains(s->getValue<std::string>("text"), "could not be reached") && s->getValue<bool>("found"));
        s = failed("denied", "TrueNAS rejected the API key for user 'ro'");
        CPPUNIT_ASSERT(contains(s->getValue<std::string>("text"), "refused") && contains(s->getValue<std::string>("text"), "rejected the API key"));
        s = failed("timeout", "TrueNAS did not answer app.query within 8.0 s");
        CPPUNIT_ASSERT(contains(s->getValue<std::string>("text"), "in time"));
    }

    void testChecksOnAProblemNas() {
        const auto list = findings();
        CPPUNIT_ASSERT_EQUAL(size_t(1), count(list, "critical", "truenas.app_crashed"));
        CPPUNIT_ASSERT_EQUAL(size_t(1), count(list, "warning", "truenas.app_stopped"));
        CPPUNIT_ASSERT_EQUAL(size_t(3), count(list, "critical", "truenas.task_failed"));  // replication, snapshot, cloud sync
        CPPUNIT_ASSERT_EQUAL(size_t(1), count(list, "warning", "truenas.task_late"));
        CPPUNIT_ASSERT_EQUAL(size_t(1), count(list, "warning", "truenas.task_held"));
        CPPUNIT_ASSERT_EQUAL(size_t(1), count(list, "critical", "truenas.boot_pool"));
        // Alerts: the DEGRADED data pool (critical), pool capacity and NTP (warnings). The
        // replication, cloud sync and boot pool alerts are said in detail by the checks above;
        // the dismissed SMART alert and the informational update alert are not problems.
        CPPUNIT_ASSERT_EQUAL(size_t(1), count(list, "critical", "truenas.alert"));
        CPPUNIT_ASSERT_EQUAL(size_t(2), count(list, "warning", "truenas.alert"));
        for (const auto& f : list) {
            CPPUNIT_ASSERT_MESSAGE(f.message, !contains(f.message, "ReplicationFailed") && !contains(f.subject, "BootPoolStatus") &&
                                                  !contains(f.subject, "SMART") && !contains(f.subject, "HasUpdate"));
        }
        for (const auto& f : list) {
            if (f.check == "truenas.app_stopped") CPPUNIT_ASSERT(contains(f.message, "jellyfin") && contains(f.message, "on purpose"));
            if (f.check == "truenas.boot_pool") CPPUNIT_ASSERT(contains(f.message, "DEGRADED") && contains(f.message, "nvme1n1 FAULTED"));
        }
        CPPUNIT_ASSERT_EQUAL(size_t(1), count(list, "ok", "truenas.tasks"));  // what is fine is said too
        CPPUNIT_ASSERT_EQUAL(size_t(0), count(list, "warning", "truenas.reachable"));
    }

    void testChecksOnAHealthyNas() {
        const auto list = findings("healthy/");
        CPPUNIT_ASSERT_EQUAL(size_t(0), count(list, "critical") + count(list, "warning"));
        CPPUNIT_ASSERT_EQUAL(size_t(4), count(list, "ok"));
        for (const auto& f : list) {
            if (f.check == "truenas.apps") CPPUNIT_ASSERT_EQUAL(std::string("3 of 3 TrueNAS apps running"), f.message);
            if (f.check == "truenas.boot_pool") CPPUNIT_ASSERT(contains(f.message, "boot-pool ONLINE"));
            if (f.check == "truenas.alerts") CPPUNIT_ASSERT(contains(f.message, "1 informational alert"));
        }
    }

    void testAnOutageIsOneWarning() {
        auto list = findings("", {{kAlerts, "unavailable"}, {kApps, "unavailable"}, {kDataProtection, "unavailable"}, {kSystem, "unavailable"}});
        CPPUNIT_ASSERT_EQUAL(size_t(1), list.size());
        CPPUNIT_ASSERT_EQUAL(std::string("warning"), list[0].severity);
        CPPUNIT_ASSERT_EQUAL(std::string("truenas.reachable"), list[0].check);
        CPPUNIT_ASSERT(contains(list[0].message, "refused"));
        list = findings("", {{kAlerts, "denied"}, {kApps, "denied"}, {kDataProtection, "denied"}, {kSystem, "denied"}});
        CPPUNIT_ASSERT_EQUAL(size_t(1), list.size());
        CPPUNIT_ASSERT(contains(list[0].message, "health is unknown"));
        // One capability failing (say app.query refused to this account) is its own warning,
        // and the replication alert is reported again since the tasks could not be read.
        list = findings("", {{kDataProtection, "denied"}});
        CPPUNIT_ASSERT_EQUAL(size_t(1), count(list, "warning", "truenas.reachable"));
        bool replicationAlert = false;
        for (const auto& f : list) replicationAlert |= contains(f.subject, "ReplicationFailed");
        CPPUNIT_ASSERT(replicationAlert);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TruenasAnswersTest);

}  // namespace ha
