// The offline provider end to end through the orchestrator, with the REAL answers interfaces of
// the in-tree cpu, memory, disk and docker plugins (loaded from the build's plugin directory) and
// fake tools that return recorded result shapes: which capabilities a phrasing runs, and the key
// facts of the answer. The table covers the five example questions, paraphrases, typos,
// container names, follow-ups and questions nothing here can answer.
#include "TestSupport.h"
#include "answers/AnswerCatalog.h"
#include "chat/OfflineProvider.h"
#include "chat/Orchestrator.h"
#include "plugin/PluginLoader.h"
#include "policy/PolicyLoader.h"

#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <memory>
#include <set>

namespace ha {

using test::FakeTool;

namespace {
const char* kCpu = R"J({"usage_percent":12.3,"iowait_percent":0.5,"cores":4,"per_core_percent":[10.0,30.5,5.0,4.0],)J"
                   R"J("load_average":{"1m":0.52,"5m":0.4,"15m":0.35},"uptime_seconds":273600,"sample_window_ms":1000})J";
const char* kMemory = R"J({"total_bytes":17179869184,"used_bytes":5368709120,"available_bytes":11811160064,)J"
                      R"J("free_bytes":1073741824,"buffers_bytes":0,"cached_bytes":0,"used_percent":31.3,)J"
                      R"J("swap":{"total_bytes":2147483648,"used_bytes":0,"free_bytes":2147483648,"used_percent":0.0},)J"
                      R"J("zfs_arc_bytes":4294967296})J";
const char* kDisk = R"J({"filesystems":[{"mount_point":"/","device":"/dev/sda2","type":"ext4","total_bytes":107374182400,)J"
                    R"J("used_bytes":42949672960,"available_bytes":59055800320,"used_percent":42.1,"read_only":false},)J"
                    R"J({"mount_point":"/mnt/tank","device":"tank","type":"zfs","total_bytes":4398046511104,)J"
                    R"J("used_bytes":4178144185548,"available_bytes":219902325555,"used_percent":95.0,"read_only":false}],"omitted":0})J";
const char* kTank = R"J({"filesystems":[{"mount_point":"/mnt/tank","device":"tank","type":"zfs","total_bytes":4398046511104,)J"
                    R"J("used_bytes":4178144185548,"available_bytes":219902325555,"used_percent":95.0,"read_only":false}],"omitted":0})J";
const char* kContainers =
    R"J({"containers":[)J"
    R"J({"name":"nginx","image":"nginx:1.27","state":"running","status":"Up 2 hours","health":"healthy","uptime_seconds":7200,"restart_count":0,"exit_code":0,"oom_killed":false},)J"
    R"J({"name":"db","image":"postgres:16","state":"running","status":"Up 2 hours (unhealthy)","health":"unhealthy","uptime_seconds":7300,"restart_count":2,"exit_code":0,"oom_killed":false},)J"
    R"J({"name":"job","image":"busybox","state":"exited","status":"Exited (1)","uptime_seconds":0,"restart_count":0,"exit_code":1,"oom_killed":false},)J"
    R"J({"name":"hog","image":"busybox","state":"exited","status":"Exited (137)","uptime_seconds":0,"restart_count":0,"exit_code":137,"oom_killed":true}],)J"
    R"J("summary":{"total":4,"running":2}})J";
const char* kCrashes =
    R"J({"window_minutes":1440,"crashes":[{"name":"job","exit_code":1,"oom_killed":false,"time":"2026-11-24 10:00:00 UTC"},)J"
    R"J({"name":"hog","exit_code":137,"oom_killed":true,"time":"2026-11-24 10:05:00 UTC"}],)J"
    R"J("unhealthy":[{"name":"db"}],"restarting":[{"name":"loop","restart_count":5}]})J";
const char* kStats = R"J({"containers":[{"name":"nginx","cpu_percent":1.5,"memory_used_bytes":52428800,"memory_limit_bytes":8589934592,"memory_percent":0.6},)J"
                     R"J({"name":"db","cpu_percent":35.2,"memory_used_bytes":1073741824,"memory_limit_bytes":8589934592,"memory_percent":12.5}]})J";
const char* kNginxStats = R"J({"containers":[{"name":"nginx","cpu_percent":1.5,"memory_used_bytes":52428800,"memory_limit_bytes":8589934592,"memory_percent":0.6}]})J";
const char* kInspectNginx = R"J({"name":"nginx","image":"nginx:1.27","state":"running","running":true,"paused":false,"restarting":false,)J"
                            R"J("exit_code":0,"oom_killed":false,"uptime_seconds":7200,"restart_count":0,"health":{"status":"healthy","failing_streak":0,"last_probes":[]}})J";
const char* kInspectDb = R"J({"name":"db","image":"postgres:16","state":"running","running":true,"paused":false,"restarting":false,)J"
                         R"J("exit_code":0,"oom_killed":false,"uptime_seconds":7300,"restart_count":2,)J"
                         R"J("health":{"status":"unhealthy","failing_streak":3,"last_probes":[{"time":"t","exit_code":1,"output":"connection refused"}]}})J";

const char* kObject = R"({"type":"object","properties":{},"additionalProperties":false})";
const char* kContainerArg = R"({"type":"object","properties":{"container":{"type":"string"}},"additionalProperties":false})";

struct Case {
    std::string question;
    std::set<std::string> capabilities;  // what ran
    std::vector<std::string> facts;      // must be in the answer
    std::vector<std::string> absent = {};  // must not be
};

// Asked one after the other in the same conversation: the second uses the first's subject.
struct FollowUp {
    std::string first;
    Case then;
};

const std::set<std::string> kHealth = {"cpu.usage", "memory.usage", "disk.usage", "docker.containers", "docker.crashes"};
const std::vector<std::string> kHealthFacts = {"problems: ", "/mnt/tank is 95% full", "db is unhealthy",
                                               "job exited with code 1", "\nFine: CPU 12% busy"};

const std::vector<Case> kCases = {
    // "Is everything running correctly?" and its paraphrases: every plugin's checks, verdict first.
    {"Is everything running correctly?", kHealth, kHealthFacts},
    {"is everything ok?", kHealth, kHealthFacts},
    {"Any problems?", kHealth, kHealthFacts},
    {"how is my server doing", kHealth, kHealthFacts},
    {"What's wrong?", kHealth, kHealthFacts},
    {"Is everythng runing corectly?", kHealth, kHealthFacts},
    {"status", kHealth, kHealthFacts},
    {"give me an overview", kHealth, kHealthFacts},
    {"is the system healthy?", kHealth, kHealthFacts},
    {"anything I should worry about?", kHealth, kHealthFacts},
    {"Is my homelab OK?", kHealth, kHealthFacts},
    // "What containers are running?"
    {"What containers are running?", {"docker.containers"}, {"4 containers: 2 running, 2 exited.", "- nginx (nginx:1.27), up 2 h 0 min, healthy"}},
    {"list my docker containers", {"docker.containers"}, {"Running:", "Not running:", "hog was killed for running out of memory"}},
    {"which containers are stopped?", {"docker.containers"}, {"job exited with code 1"}},
    {"show me the containres", {"docker.containers"}, {"4 containers"}},
    {"how many containers do I have?", {"docker.containers"}, {"4 containers"}},
    {"docker ps", {"docker.containers"}, {"4 containers"}},
    {"what's running?", {"docker.containers"}, {"Running:"}},
    // "Did any service crash recently?"
    {"Did any service crash recently?", {"docker.crashes"}, {"2 containers stopped unexpectedly", "job exited with code 1 at 2026-11-24 10:00:00 UTC", "Restarting or in a restart loop: loop (restarted 5 times)"}},
    {"did anything crash?", {"docker.crashes"}, {"stopped unexpectedly"}},
    {"any containers crashed today?", {"docker.crashes"}, {"stopped unexpectedly"}},
    {"were there any OOM kills?", {"docker.crashes"}, {"hog was killed for running out of memory"}},
    {"has anything died lately?", {"docker.crashes"}, {"stopped unexpectedly"}},
    {"which containers keep restarting?", {"docker.crashes"}, {"loop (restarted 5 times)"}},
    {"did a container crash?", {"docker.crashes"}, {"stopped unexpectedly"}},
    // "How much disk space is left?"
    {"How much disk space is left?", {"disk.usage"}, {"Disk space:", "- /mnt/tank (zfs): 205 GiB free of 4.00 TiB, 95% used - nearly full"}},
    {"how much dsik space is left", {"disk.usage"}, {"Disk space:"}},
    {"is my storage full?", {"disk.usage"}, {"/mnt/tank"}},
    {"how full are my drives?", {"disk.usage"}, {"/mnt/tank"}},
    {"free space on /mnt/tank?", {"disk.usage"}, {"/mnt/tank is on /mnt/tank (zfs): 205 GiB free"}, {"ext4"}},
    {"what's the fullest filesystem?", {"disk.usage"}, {"The fullest filesystem is /mnt/tank at 95% used."}},
    {"how much room is left on the server?", {"disk.usage"}, {"Disk space:"}},
    {"disk usage", {"disk.usage"}, {"Disk space:"}},
    // "What is the CPU and memory usage?"
    {"What is the CPU and memory usage?", {"cpu.usage", "memory.usage"}, {"CPU: 12% busy across 4 cores", "Memory: 5.00 GiB of 16.0 GiB used (31%)"}},
    {"how busy is the processor?", {"cpu.usage"}, {"CPU: 12% busy", "Busiest core: cpu1 at 30%"}},
    {"what's the load average?", {"cpu.usage"}, {"load average 0.52, 0.40, 0.35"}},
    {"how much RAM is used?", {"memory.usage"}, {"Memory: 5.00 GiB of 16.0 GiB used", "ZFS ARC cache holds 4.00 GiB"}},
    {"is swap being used?", {"memory.usage"}, {"Swap: 0 B of 2.00 GiB used"}},
    {"memroy usage", {"memory.usage"}, {"Memory:"}},
    {"How much memory is free?", {"memory.usage"}, {"11.0 GiB available"}, {"Disk space"}},
    {"is the server overloaded?", {"cpu.usage"}, {"CPU: 12% busy"}},
    {"how long has the server been up?", {"cpu.usage"}, {"The server has been up for 3 days 4 h."}},
    {"uptime?", {"cpu.usage"}, {"3 days 4 h"}},
    {"what's the resource usage?", {"cpu.usage", "memory.usage", "disk.usage"}, {"CPU:", "Memory:", "Disk space:"}},
    // Containers by name, and the containers' own use of resources.
    {"is nginx running?", {"docker.inspect"}, {"nginx is running, up 2 h 0 min (image nginx:1.27). Health: healthy."}},
    {"is plex running?", {"docker.inspect"}, {"There is no container named plex."}, {"nginx"}},
    {"is db healthy?", {"docker.inspect"}, {"db is running", "Health: unhealthy (last probe exited 1: connection refused)."}},
    {"status of db", {"docker.inspect"}, {"db is running"}},
    {"which container uses the most memory?", {"docker.stats"}, {"db uses the most memory: CPU 35% (100% = one core), memory 1.00 GiB of 8.00 GiB (12%)."}, {"Memory:"}},
    {"which container uses the most CPU?", {"docker.stats"}, {"db uses the most CPU"}, {"CPU: 12% busy"}},
    {"docker stats", {"docker.stats"}, {"uses the most memory"}},
    // Questions nothing here answers: said plainly, never answered with something else.
    {"Is my ZFS pool healthy?", {}, {"nothing on this server reports 'zfs' or 'pool'", "I can answer questions about: "}, {"Disk space:", "problems"}},
    {"what's the CPU temperature?", {}, {"nothing on this server reports 'temperature'"}, {"CPU: "}},
    {"any failed systemd services?", {}, {"nothing on this server reports 'systemd'"}, {"stopped unexpectedly"}},
    {"how fast is my internet?", {}, {"'fast' or 'internet'"}},
    {"tell me a joke", {}, {"'joke'"}},
    {"any SMART errors on my disks?", {}, {"'smart'"}, {"Disk space:"}},
    {"how hot are my drives?", {}, {"'hot'"}, {"Disk space:"}},
    {"is the network ok?", {}, {"'network'"}},
    {"when did the last scrub run?", {}, {"'scrub'"}},
    {"who are you?", {}, {"I'm not sure what you are asking.", "I can answer questions about: "}},
    {"hello", {}, {"I'm not sure what you are asking."}},
    {"help", {}, {"I can answer questions about: CPU usage and load", "\"How much disk space is left?\""}},
    {"what can you do?", {}, {"I can answer questions about: "}},
    {"and the second one?", {}, {"I'm not sure what you are asking."}},
};

const std::vector<FollowUp> kFollowUps = {
    {"What containers are running?", {"and the second one?", {"docker.inspect"}, {"db is running"}}},
    {"What containers are running?", {"what about the first one?", {"docker.inspect"}, {"nginx is running"}}},
    {"is nginx running?", {"what about its memory?", {"docker.stats"}, {"nginx: CPU 1.5% (100% = one core), memory 50.0 MiB"}, {"Memory:"}}},
    {"How much disk space is left?", {"and memory?", {"memory.usage"}, {"Memory:"}}},
};

}  // namespace

class OfflineProviderTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(OfflineProviderTest);
    CPPUNIT_TEST(testPhrasings);
    CPPUNIT_TEST(testFollowUpsUseTheLastSubject);
    CPPUNIT_TEST(testExactHealthAnswer);
    CPPUNIT_TEST(testHealthyServer);
    CPPUNIT_TEST(testDockerDownIsAFindingNotHealth);
    CPPUNIT_TEST(testDeniedCapabilitiesAreNamed);
    CPPUNIT_TEST(testThirdPartyPluginIsMatchedSummarizedAndChecked);
    CPPUNIT_TEST(testDeterministic);
    CPPUNIT_TEST(testStreamsInWordGroups);
    CPPUNIT_TEST_SUITE_END();

    test::TempDir pluginDir_;
    plugin::LoadResult plugins_;
    std::map<std::string, std::shared_ptr<FakeTool>> tools_;
    std::unique_ptr<ToolRegistry> registry_;
    Policy policy_;
    std::unique_ptr<ToolExecutor> executor_;
    std::unique_ptr<AnswerCatalog> answers_;
    std::unique_ptr<OfflineProvider> provider_;
    RequestGuard guard_;
    std::unique_ptr<ConversationStore> store_;
    std::unique_ptr<Orchestrator> orchestrator_;

    void loadPlugins(const std::vector<std::string>& files, const std::string& from = HA_BUILD_PLUGIN_DIR) {
        for (const auto& f : files) test::copyFile(from + "/" + f, pluginDir_.file(f));
        plugin::LoaderOptions o;
        o.directory = pluginDir_.path();
        // No engine here: the docker plugin knows no container names and says so quickly.
        o.settingsFor = [](const plugin::PluginIdentity& id) {
            return id.id == "docker" ? std::string(R"({"socket":"/nonexistent/docker.sock"})") : std::string("{}");
        };
        plugins_ = plugin::PluginLoader(o).loadAll();
    }

    void fake(const std::string& capability, const std::string& plugin, const std::string& result,
              const std::string& schema = kObject) {
        tools_[capability] = std::make_shared<FakeTool>(capability, Effect::ReadOnly, result, schema, plugin);
    }

    void build(const std::string& policy = "allow: [\"*\"]\n") {
        std::vector<std::shared_ptr<Tool>> all;
        for (const auto& [name, tool] : tools_) all.push_back(tool);
        registry_ = std::make_unique<ToolRegistry>(all);
        policy_ = PolicyLoader::loadText(policy, "policy.yaml");
        executor_ = std::make_unique<ToolExecutor>(*registry_, policy_, std::chrono::milliseconds(1000));
        answers_ = std::make_unique<AnswerCatalog>(plugins_.answerers);
        provider_ = std::make_unique<OfflineProvider>(*answers_, executor_->catalog());
        store_ = std::make_unique<ConversationStore>(ConversationStore::Limits{});
        orchestrator_ = std::make_unique<Orchestrator>(*executor_, *provider_, nullptr, guard_, *store_, Orchestrator::Options{});
    }

    ChatTurnResult ask(const std::string& question, const std::string& conversation = "c") {
        return orchestrator_->handle({question, conversation});
    }

    static std::string describe(const Case& c, const ChatTurnResult& r) {
        std::string ran;
        for (const auto& m : r.toolsMade()) ran += m + " ";
        return "'" + c.question + "' ran [" + ran + "] and answered:\n" + r.answer;
    }

    static void expect(const Case& c, const ChatTurnResult& r) {
        const std::vector<std::string> made = r.toolsMade();
        CPPUNIT_ASSERT_MESSAGE(describe(c, r), std::set<std::string>(made.begin(), made.end()) == c.capabilities);
        CPPUNIT_ASSERT_MESSAGE(describe(c, r), !r.error);
        for (const auto& fact : c.facts) {
            CPPUNIT_ASSERT_MESSAGE(describe(c, r) + "\n--- lacks: " + fact, r.answer.find(fact) != std::string::npos);
        }
        for (const auto& wrong : c.absent) {
            CPPUNIT_ASSERT_MESSAGE(describe(c, r) + "\n--- must not contain: " + wrong, r.answer.find(wrong) == std::string::npos);
        }
    }

public:
    void setUp() override {
        loadPlugins({"tool-cpu.so", "tool-memory.so", "tool-disk.so", "tool-docker.so"});
        CPPUNIT_ASSERT_EQUAL(size_t(4), plugins_.answerers.size());
        fake("cpu.usage", "cpu", kCpu);
        fake("memory.usage", "memory", kMemory);
        fake("disk.usage", "disk", kDisk,
             R"({"type":"object","properties":{"path":{"type":"string"}},"additionalProperties":false})");
        tools_["disk.usage"]->resultsByInput[R"({"path":"/mnt/tank"})"] = kTank;
        fake("docker.containers", "docker", kContainers,
             R"({"type":"object","properties":{"all":{"type":"boolean"}},"additionalProperties":false})");
        fake("docker.crashes", "docker", kCrashes,
             R"({"type":"object","properties":{"since_minutes":{"type":"integer"}},"additionalProperties":false})");
        fake("docker.stats", "docker", kStats, kContainerArg);
        tools_["docker.stats"]->resultsByInput[R"({"container":"nginx"})"] = kNginxStats;
        fake("docker.inspect", "docker", "{}", kContainerArg);  // any other name: no such container
        tools_["docker.inspect"]->status = CallStatus::NotFound;
        tools_["docker.inspect"]->resultsByInput[R"({"container":"nginx"})"] = kInspectNginx;
        tools_["docker.inspect"]->resultsByInput[R"({"container":"db"})"] = kInspectDb;
        build();
    }

    void testPhrasings() {
        CPPUNIT_ASSERT(kCases.size() + kFollowUps.size() >= 60);
        for (const Case& c : kCases) {
            store_ = std::make_unique<ConversationStore>(ConversationStore::Limits{});  // each one fresh
            orchestrator_ = std::make_unique<Orchestrator>(*executor_, *provider_, nullptr, guard_, *store_, Orchestrator::Options{});
            expect(c, ask(c.question));
        }
    }

    void testFollowUpsUseTheLastSubject() {
        int n = 0;
        for (const FollowUp& f : kFollowUps) {
            const std::string conversation = "follow-" + std::to_string(++n);
            const ChatTurnResult first = ask(f.first, conversation);
            CPPUNIT_ASSERT_MESSAGE("'" + f.first + "' left no subject: " + first.answer, first.subject.has_value());
            // Its size, counted by the conversation store, measured from the texts at hand.
            CPPUNIT_ASSERT_EQUAL(json::stringify(first.subject->toJson()).size(), first.subject->measuredBytes);
            expect(f.then, ask(f.then.question, conversation));
        }
    }

    void testExactHealthAnswer() {
        CPPUNIT_ASSERT_EQUAL(
            std::string("5 problems: Filesystem /mnt/tank is 95% full (205 GiB free). "
                        "Container job exited with code 1 in the last 24 hours. "
                        "Container hog was killed for running out of memory (exit code 137) in the last 24 hours. "
                        "Container loop is in a restart loop (restarted 5 times). Container db is unhealthy.\n"
                        "Fine: CPU 12% busy (load 0.52), up 3 days 4 h; memory 31% used (6.2% without the ZFS ARC cache)."),
            ask("Is everything running correctly?").answer);
    }

    void testHealthyServer() {
        fake("disk.usage", "disk", R"({"filesystems":[{"mount_point":"/","type":"ext4","total_bytes":100,"available_bytes":60,"used_percent":40.0}]})");
        fake("docker.crashes", "docker", R"({"window_minutes":1440,"crashes":[],"unhealthy":[],"restarting":[]})",
             R"({"type":"object","properties":{"since_minutes":{"type":"integer"}},"additionalProperties":false})");
        fake("docker.containers", "docker", R"({"containers":[{"name":"nginx","state":"running","health":"healthy"}]})");
        build();
        CPPUNIT_ASSERT_EQUAL(std::string("Everything looks fine: CPU 12% busy (load 0.52), up 3 days 4 h; the fullest "
                                         "filesystem is / at 40% used; 1 container running; memory 31% used (6.2% without the ZFS ARC cache)."),
                             ask("Is everything OK?").answer);
    }

    void testDockerDownIsAFindingNotHealth() {
        tools_["docker.containers"]->status = CallStatus::Unavailable;
        tools_["docker.crashes"]->status = CallStatus::Unavailable;
        const std::string h = ask("Is everything running correctly?").answer;
        CPPUNIT_ASSERT_MESSAGE(h, h.find("Docker could not be checked: fake failure.") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(h, h.rfind("Everything looks fine", 0) != 0);
        const std::string c = ask("What containers are running?").answer;
        CPPUNIT_ASSERT_EQUAL(std::string("I could not read the containers: fake failure"), c);
    }

    void testDeniedCapabilitiesAreNamed() {
        build("allow: [\"cpu.*\", \"memory.*\", \"disk.*\"]\n");
        const ChatTurnResult r = ask("What containers are running?");
        CPPUNIT_ASSERT(r.toolCalls.empty());
        CPPUNIT_ASSERT_MESSAGE(r.answer, r.answer.find("the policy does not allow 'docker.containers'") != std::string::npos);
        // The health check still runs what is allowed and never asks for docker.
        const ChatTurnResult h = ask("Is everything running correctly?");
        for (const auto& call : h.toolCalls) CPPUNIT_ASSERT(call.capability.rfind("docker.", 0) != 0);
        CPPUNIT_ASSERT_EQUAL(0, tools_["docker.containers"]->calls.load());
    }

    void testThirdPartyPluginIsMatchedSummarizedAndChecked() {
        // The SDK's C example (sdk/examples/ups), a third-party plugin, with no host change.
        loadPlugins({"example_ups.so"}, HA_FIXTURE_PLUGIN_DIR);
        CPPUNIT_ASSERT_EQUAL(size_t(5), plugins_.answerers.size());
        fake("ups.status", "example-ups", R"({"on_battery":true,"charge_percent":41,"runtime_minutes":12})");
        build();
        const ChatTurnResult r = ask("how much battery does the UPS have left?");
        CPPUNIT_ASSERT_MESSAGE(r.answer, (r.toolsMade() == std::vector<std::string>{"ups.status"}));
        CPPUNIT_ASSERT_EQUAL(std::string("The UPS is on battery: 41% charged, about 12 minutes left."), r.answer);
        const std::string h = ask("Is everything running correctly?").answer;
        CPPUNIT_ASSERT_MESSAGE(h, h.find("The UPS is running on battery (41% left).") != std::string::npos);
    }

    void testDeterministic() {
        const std::string first = ask("Is everything running correctly?").answer;
        for (int i = 0; i < 3; ++i) CPPUNIT_ASSERT_EQUAL(first, ask("Is everything running correctly?", "d" + std::to_string(i)).answer);
    }

    void testStreamsInWordGroups() {
        const std::string text = "2 problems: the disk / is 96% full.\nFine: memory 21%;  CPU 3%.";
        const auto chunks = OfflineProvider::chunks(text, 4);
        CPPUNIT_ASSERT_EQUAL(std::string("2 problems: the disk "), chunks.at(0));
        std::string joined;
        for (const auto& c : chunks) joined += c;
        CPPUNIT_ASSERT_EQUAL(text, joined);  // byte for byte, newlines and double spaces kept
        CPPUNIT_ASSERT_EQUAL(size_t(4), chunks.size());
        CPPUNIT_ASSERT(OfflineProvider::chunks("", 4).empty());
        CPPUNIT_ASSERT_EQUAL(size_t(3), OfflineProvider::chunks("a b c", 0).size());  // at least a word each
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(OfflineProviderTest);

}  // namespace ha
