#include "TestSupport.h"
#include "chat/OfflineProvider.h"
#include "chat/Orchestrator.h"
#include "policy/PolicyLoader.h"

#include <cppunit/extensions/HelperMacros.h>

#include <memory>

namespace ha {

using test::FakeTool;
using Intent = OfflineProvider::Intent;

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
}  // namespace

class OfflineProviderTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(OfflineProviderTest);
    CPPUNIT_TEST(testClassifiesTheExampleQuestions);
    CPPUNIT_TEST(testCpuAndMemoryAnswer);
    CPPUNIT_TEST(testDiskAnswer);
    CPPUNIT_TEST(testHealthAnswerWithConcerns);
    CPPUNIT_TEST(testHealthyAnswer);
    CPPUNIT_TEST(testContainersAnswer);
    CPPUNIT_TEST(testCrashesAnswer);
    CPPUNIT_TEST(testQuietCrashesAnswer);
    CPPUNIT_TEST(testUnavailableAndFailingTools);
    CPPUNIT_TEST(testOneLinePerCauseWhenDockerIsDown);
    CPPUNIT_TEST(testHelpForUnknownQuestions);
    CPPUNIT_TEST(testDeterministic);
    CPPUNIT_TEST_SUITE_END();

    std::vector<std::shared_ptr<FakeTool>> tools_;
    std::unique_ptr<ToolRegistry> registry_;
    Policy policy_;
    std::unique_ptr<ToolExecutor> executor_;
    OfflineProvider provider_;
    RequestGuard guard_;
    std::unique_ptr<ConversationStore> store_;

    void useTools(const std::vector<std::pair<std::string, std::string>>& tools) {
        tools_.clear();
        std::vector<std::shared_ptr<Tool>> all;
        for (const auto& [name, result] : tools) {
            tools_.push_back(std::make_shared<FakeTool>(name, Effect::ReadOnly, result));
            all.push_back(tools_.back());
        }
        registry_ = std::make_unique<ToolRegistry>(all);
        executor_ = std::make_unique<ToolExecutor>(*registry_, policy_, std::chrono::milliseconds(1000));
    }
    std::string ask(const std::string& question) {
        Orchestrator o(*executor_, provider_, guard_, *store_, {});
        return o.handle({question, "c"}).answer;
    }

public:
    void setUp() override {
        policy_ = PolicyLoader::loadText("allow: [\"*\"]\n", "policy.yaml");
        store_ = std::make_unique<ConversationStore>(ConversationStore::Limits{});
        useTools({{"cpu.usage", kCpu}, {"memory.usage", kMemory}, {"disk.usage", kDisk},
                  {"docker.containers", kContainers}, {"docker.crashes", kCrashes}});
    }

    void testClassifiesTheExampleQuestions() {
        CPPUNIT_ASSERT((std::vector<Intent>{Intent::Health}) == OfflineProvider::classify("Is everything running correctly?"));
        CPPUNIT_ASSERT((std::vector<Intent>{Intent::Containers}) == OfflineProvider::classify("What containers are running?"));
        CPPUNIT_ASSERT((std::vector<Intent>{Intent::Disk}) == OfflineProvider::classify("How much disk space is left?"));
        CPPUNIT_ASSERT((std::vector<Intent>{Intent::Cpu, Intent::Memory}) ==
                       OfflineProvider::classify("What is the CPU and memory usage?"));
        CPPUNIT_ASSERT((std::vector<Intent>{Intent::Crashes}) == OfflineProvider::classify("Did any service crash recently?"));
        CPPUNIT_ASSERT((std::vector<Intent>{Intent::Cpu, Intent::Memory, Intent::Disk}) ==
                       OfflineProvider::classify("resource usage?"));
        CPPUNIT_ASSERT(OfflineProvider::classify("tell me a joke").empty());
    }

    void testCpuAndMemoryAnswer() {
        CPPUNIT_ASSERT_EQUAL(
            std::string("CPU: 12% busy across 4 cores (load average 0.52, 0.40, 0.35 over 1, 5 and 15 minutes). "
                        "Busiest core: cpu1 at 30%. Uptime: 3 days 4 h.\n"
                        "Memory: 5.00 GiB of 16.0 GiB used (31%), 11.0 GiB available. The ZFS ARC cache holds "
                        "4.00 GiB of the used memory and gives it back when applications need it. "
                        "Swap: 0 B of 2.00 GiB used (0.0%)."),
            ask("What is the CPU and memory usage?"));
    }

    void testDiskAnswer() {
        CPPUNIT_ASSERT_EQUAL(std::string("Disk space:\n- / (ext4): 55.0 GiB free of 100 GiB, 42% used\n"
                                         "- /mnt/tank (zfs): 205 GiB free of 4.00 TiB, 95% used - nearly full"),
                             ask("How much disk space is left?"));
    }

    void testHealthAnswerWithConcerns() {
        CPPUNIT_ASSERT_EQUAL(
            std::string("3 things need attention:\n- Filesystem /mnt/tank is 95% full (205 GiB free).\n"
                        "- Unhealthy containers: db.\n"
                        "- Crashed in the last 24 hours: job (exit code 1), hog (out of memory).\n"
                        "CPU 12% busy (load 0.52), memory 31% used, the fullest filesystem is /mnt/tank at 95% used "
                        "and 2 containers running. Up 3 days 4 h."),
            ask("Is everything running correctly?"));
    }

    void testHealthyAnswer() {
        useTools({{"cpu.usage", kCpu}, {"memory.usage", kMemory},
                  {"disk.usage", R"({"filesystems":[{"mount_point":"/","type":"ext4","total_bytes":100,"available_bytes":60,"used_percent":40.0}]})"}});
        CPPUNIT_ASSERT_EQUAL(std::string("Yes, everything looks healthy. CPU 12% busy (load 0.52), memory 31% used and "
                                         "the fullest filesystem is / at 40% used. Up 3 days 4 h."),
                             ask("Is everything OK?"));
    }

    void testContainersAnswer() {
        CPPUNIT_ASSERT_EQUAL(std::string("4 containers: 2 running, 2 exited.\nRunning:\n"
                                         "- nginx (nginx:1.27): up 2 h 0 min, healthy\n"
                                         "- db (postgres:16): up 2 h 1 min, unhealthy, restarted 2 times\n"
                                         "Not running:\n- job exited with code 1\n"
                                         "- hog was killed for running out of memory (exit code 137)"),
                             ask("What containers are running?"));
    }

    void testCrashesAnswer() {
        CPPUNIT_ASSERT_EQUAL(std::string("In the last 24 hours, 2 containers stopped unexpectedly:\n"
                                         "- job exited with code 1 at 2026-11-24 10:00:00 UTC\n"
                                         "- hog was killed for running out of memory (exit code 137) at 2026-11-24 10:05:00 UTC\n"
                                         "Unhealthy: db.\nRestarting or in a restart loop: loop (restarted 5 times)."),
                             ask("Did any service crash recently?"));
        useTools({{"docker.crashes", R"J({"window_minutes":1440,"crashes":[{"name":"loop","exit_code":3,"times_in_window":4,)J"
                                     R"J("time":"2026-11-24 10:00:00 UTC"}],"stopped_on_request":[{"name":"web","exit_code":137}]})J"}});
        CPPUNIT_ASSERT_EQUAL(std::string("In the last 24 hours, 1 container stopped unexpectedly:\n"
                                         "- loop exited with code 3 at 2026-11-24 10:00:00 UTC (4 times in the window)\n"
                                         "Stopped or killed on request (not counted as crashes): web."),
                             ask("Did any service crash recently?"));
    }

    void testQuietCrashesAnswer() {
        useTools({{"docker.crashes", R"({"window_minutes":60,"crashes":[],"unhealthy":[],"restarting":[]})"}});
        CPPUNIT_ASSERT_EQUAL(std::string("No container crashed, ran out of memory or turned unhealthy in the last hour."),
                             ask("Did anything crash?"));
    }

    void testUnavailableAndFailingTools() {
        useTools({{"cpu.usage", kCpu}, {"memory.usage", kMemory}});
        tools_[1]->status = CallStatus::Unavailable;
        CPPUNIT_ASSERT_EQUAL(std::string("I can't check containers: the capability 'docker.containers' is not available "
                                         "(its plugin is not loaded or the policy does not allow it)."),
                             ask("What containers are running?"));
        const std::string a = ask("What is the CPU and memory usage?");
        CPPUNIT_ASSERT_MESSAGE(a, a.find("I could not read memory usage: fake failure.") != std::string::npos);
        const std::string h = ask("Is everything running correctly?");
        CPPUNIT_ASSERT_MESSAGE(h, h.rfind("Everything I could check looks healthy.", 0) == 0);
        CPPUNIT_ASSERT_MESSAGE(h, h.find("I could not check memory (fake failure).") != std::string::npos);
    }

    void testOneLinePerCauseWhenDockerIsDown() {
        useTools({{"cpu.usage", kCpu}, {"memory.usage", kMemory}, {"docker.containers", kContainers},
                  {"docker.crashes", kCrashes}});
        tools_[2]->status = CallStatus::Unavailable;
        tools_[3]->status = CallStatus::Unavailable;
        const std::string h = ask("Is everything running correctly?");
        CPPUNIT_ASSERT_MESSAGE(h, h.find("\nI could not check containers and recent crashes (fake failure).") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(h, h.find("could not check containers (") == std::string::npos);
    }

    void testHelpForUnknownQuestions() {
        CPPUNIT_ASSERT(ask("Tell me a joke").rfind("I am running in offline mode", 0) == 0);
    }

    void testDeterministic() {
        const std::string first = ask("Is everything running correctly?");
        for (int i = 0; i < 3; ++i) CPPUNIT_ASSERT_EQUAL(first, ask("Is everything running correctly?"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(OfflineProviderTest);

}  // namespace ha
