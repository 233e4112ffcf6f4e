// The systemd plugin's pure parts: log line redaction, unit names, the bus allowlist (and that
// nothing else can be sent), journal classification on entries recorded from systemd 252, the
// crash report, the status overview, and its answers (match, summaries, checks).
#include "TestSupport.h"
#include "common/PluginConfig.h"
#include "tools/systemd/LogRedactor.h"
#include "tools/systemd/ServiceEvents.h"
#include "tools/systemd/SystemdAnswers.h"
#include "tools/systemd/SystemdBus.h"
#include "tools/systemd/UnitState.h"
#include "util/Json.h"

#include <homelab_assistant/plugin.hpp>

#include <cppunit/extensions/HelperMacros.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <chrono>
#include <fstream>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace ha {

using namespace ha_plugins::systemd;
namespace answers = ha_plugins::answers;

namespace {

std::vector<JournalRecord> loadJournal(const std::string& name) {
    std::ifstream in(std::string(HA_TEST_FIXTURES) + "/systemd/" + name);
    std::vector<JournalRecord> out;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        auto o = json::parseObject(line);
        JournalRecord r;
        for (const auto& [key, value] : *o) {
            if (key == "__REALTIME_TIMESTAMP") {
                r.realtimeUsec = std::stoull(value.extract<std::string>());
            } else {
                r.fields[key] = value.extract<std::string>();
            }
        }
        out.push_back(std::move(r));
    }
    CPPUNIT_ASSERT_MESSAGE("fixture " + name, !out.empty());
    return out;
}

std::vector<ServiceEvent> classifyAll(const std::vector<JournalRecord>& records) {
    std::vector<ServiceEvent> events;
    for (const auto& r : records) {
        if (auto e = classify(r)) events.push_back(*e);
    }
    return events;
}

Poco::JSON::Object::Ptr unitIn(const Poco::JSON::Object::Ptr& report, const std::string& unit) {
    auto list = report->getArray("services");
    for (size_t i = 0; i < list->size(); ++i) {
        auto u = list->getObject(static_cast<unsigned>(i));
        if (u->getValue<std::string>("unit") == unit) return u;
    }
    return nullptr;
}

int32_t statusOf(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const homelab_assistant::Error& e) {
        return e.status();
    }
    return HA_OK;
}

answers::Question question(const std::string& text, const std::string& subject = "null") {
    return answers::Question::parse(test::answersInput(text, {"systemd.status", "systemd.unit", "systemd.crashes"}, subject));
}

// The first match of a question, as "capability arguments-json score".
Poco::JSON::Array::Ptr matchesOf(const std::string& text, const std::set<std::string>& known = {},
                                 const std::string& subject = "null") {
    const std::string out =
        answersMatch(question(text, subject), [&](const std::string& unit) { return known.count(unit) > 0; });
    return json::parseObject(out)->getArray("matches");
}

std::string summaryOf(const std::string& capability, const std::string& args, const std::string& status,
                      const std::string& result, const std::string& q, const std::string& error = "") {
    const std::string input = R"({"text":" x ","question":")" + q + R"(","capability":")" + capability +
                              R"(","arguments":)" + args + R"(,"status":")" + status + R"(","result":)" + result +
                              R"(,"error":")" + error + "\"}";
    return answersSummarize(answers::SummaryRequest::parse(input));
}

UnitRecord unit(const std::string& name, const std::string& active, const std::string& sub, uint64_t restarts = 0) {
    UnitRecord r;
    r.name = name;
    r.loadState = "loaded";
    r.activeState = active;
    r.subState = sub;
    r.isService = true;
    r.restarts = restarts;
    r.result = active == "failed" ? "exit-code" : "success";
    r.execMainCode = active == "failed" || sub == "auto-restart" ? 1 : 0;
    r.execMainStatus = active == "failed" || sub == "auto-restart" ? 1 : 0;
    r.stateChangeUsec = 1796159764000000ull;
    return r;
}

}  // namespace

class SystemdTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SystemdTest);
    CPPUNIT_TEST(testRedactsSecrets);
    CPPUNIT_TEST(testKeepsOrdinaryText);
    CPPUNIT_TEST(testCleansText);
    CPPUNIT_TEST(testUnitNames);
    CPPUNIT_TEST(testOnlyReadOnlyMethodsAreAllowed);
    CPPUNIT_TEST(testForbiddenCallsAreRefusedBeforeConnecting);
    CPPUNIT_TEST(testMissingAndSilentBus);
    CPPUNIT_TEST(testClassifiesRecordedJournal);
    CPPUNIT_TEST(testCrashReport);
    CPPUNIT_TEST(testCoredumpReports);
    CPPUNIT_TEST(testStatusOverview);
    CPPUNIT_TEST(testMatchesQuestions);
    CPPUNIT_TEST(testSummaries);
    CPPUNIT_TEST(testChecks);
    CPPUNIT_TEST_SUITE_END();

public:
    void testRedactsSecrets() {
        const std::vector<std::pair<std::string, std::string>> cases = {
            {"connecting with password=hunter2 token: abc", "connecting with password=[REDACTED] token: [REDACTED]"},
            {"DB_PASSWORD=hunter2 user=app", "DB_PASSWORD=[REDACTED] user=app"},
            {R"(config {"api_key": "k-123456", "port": 80})", R"(config {"api_key": "[REDACTED]", "port": 80})"},
            {"x-api-key:abcdef ok", "x-api-key:[REDACTED] ok"},
            {"mfa.otp=123456, user_pw='s3 cr3t' pwd=x", "mfa.otp=[REDACTED], user_pw='[REDACTED]' pwd=[REDACTED]"},
            {"privateKey=MIIEv secret=shh", "privateKey=[REDACTED] secret=[REDACTED]"},
            {"run --password hunter2 --user bob", "run --password [REDACTED] --user bob"},
            {"Authorization: Bearer eyJhbGciOi.abc.def", "Authorization: [REDACTED]"},
            {"proxy-authorization: Digest username=x, response=6629fae4", "proxy-authorization: [REDACTED]"},
            {"curl -H 'authorization: bearer abcdef0123456789'", "curl -H 'authorization: [REDACTED]'"},
            {"sent bearer abcdef0123456789 upstream", "sent bearer [REDACTED] upstream"},
            {"header Basic dXNlcjpwYXNzd29yZA==", "header Basic [REDACTED]"},
            {"db postgres://app:hunter2@db:5432/x", "db postgres://app:[REDACTED]@db:5432/x"},
            {"using sk-proj-abcdefghijklmnopqrstuvwx now", "using [REDACTED] now"},
            {"groq gsk_abcdefghijklmnopqrstuvwxyz012345", "groq [REDACTED]"},
            {"gh ghp_0123456789abcdefghijABCDEFGHIJ", "gh [REDACTED]"},
            {"aws AKIAIOSFODNN7EXAMPLE key", "aws [REDACTED] key"},
            {"jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig_nature-x end", "jwt [REDACTED] end"},
        };
        for (const auto& [in, expected] : cases) CPPUNIT_ASSERT_EQUAL_MESSAGE(in, expected, redactSecrets(in));
        CPPUNIT_ASSERT(looksLikeSecretKey("DB_PASSWORD"));
        CPPUNIT_ASSERT(looksLikeSecretKey("--api-key"));
        CPPUNIT_ASSERT(looksLikeSecretKey("OTP"));
        CPPUNIT_ASSERT(!looksLikeSecretKey("keyboard"));
        CPPUNIT_ASSERT(!looksLikeSecretKey("user"));
        CPPUNIT_ASSERT(!looksLikeSecretKey("pwm"));
        // Redaction happens before the line is cut, so a cut cannot expose part of a secret.
        const std::string line = safeLogLine(std::string(60, 'x') + " password=" + std::string(200, 's'), 80);
        CPPUNIT_ASSERT(line.find("sss") == std::string::npos);
    }

    void testKeepsOrdinaryText() {
        for (const char* text : {"Started nginx.service - A high performance web server.",
                                        "t-loop.service: Failed with result 'exit-code'.",
                                        "using basic configuration; bearer of bad news",
                                        "http://example.org:8080/path ok", "status=3/NOTIMPLEMENTED key bindings loaded",
                                        "sk-short is not a key"}) {
            CPPUNIT_ASSERT_EQUAL(std::string(text), redactSecrets(text));
        }
    }

    void testCleansText() {
        CPPUNIT_ASSERT_EQUAL(std::string("a b c"), cleanText("a\tb\x01" "c\n", 100));
        CPPUNIT_ASSERT_EQUAL(std::string("bad \xEF\xBF\xBD byte"), cleanText("bad \xff byte", 100));
        CPPUNIT_ASSERT_EQUAL(std::string("\xEF\xBF\xBD\xEF\xBF\xBD"), cleanText("\xc0\xaf", 100));  // overlong '/'
        CPPUNIT_ASSERT_EQUAL(std::string("\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"), cleanText("\xed\xa0\x80", 100));  // surrogate
        CPPUNIT_ASSERT_EQUAL(std::string("h\xC3\xA9llo"), cleanText("h\xC3\xA9llo", 100));
        const std::string cut = cleanText("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 7);  // 5 x 'é', 2 bytes each
        CPPUNIT_ASSERT_EQUAL(std::string("\xC3\xA9\xC3\xA9..."), cut);
        CPPUNIT_ASSERT(cleanText(std::string(5000, 'a'), 300).size() <= 300);
    }

    void testUnitNames() {
        CPPUNIT_ASSERT_EQUAL(std::string("nginx.service"), normalizeUnitName("nginx"));
        CPPUNIT_ASSERT_EQUAL(std::string("docker.socket"), normalizeUnitName("docker.socket"));
        CPPUNIT_ASSERT_EQUAL(std::string("getty@tty1.service"), normalizeUnitName("getty@tty1"));
        CPPUNIT_ASSERT_EQUAL(std::string("php8.2-fpm.service"), normalizeUnitName("php8.2-fpm"));
        CPPUNIT_ASSERT_EQUAL(std::string("dev-disk-by\\x2duuid.device"), normalizeUnitName("dev-disk-by\\x2duuid.device"));
        for (const std::string& bad : {std::string(""), std::string("nginx; rm -rf /"), std::string("../etc/passwd"),
                                       std::string("a b"), std::string("nginx\n"), std::string("*"), std::string("-x"),
                                       std::string(".hidden"), std::string("caf\xC3\xA9"), std::string(256, 'a'),
                                       std::string("ngin\"x")}) {
            CPPUNIT_ASSERT_EQUAL_MESSAGE(bad, HA_ERR_INVALID_ARGUMENT, statusOf([&] { normalizeUnitName(bad); }));
        }
        // 250 characters are a valid name, but not once ".service" is added.
        CPPUNIT_ASSERT_EQUAL(HA_ERR_INVALID_ARGUMENT, statusOf([] { normalizeUnitName(std::string(250, 'a')); }));
        try {
            normalizeUnitName(std::string("x\x01y"));
            CPPUNIT_FAIL("accepted a control character");
        } catch (const homelab_assistant::Error& e) {
            CPPUNIT_ASSERT_EQUAL(std::string("'x?y' is not a valid systemd unit name (letters, digits and :_.@\\- only, at most 255)"),
                                 std::string(e.what()));
        }
        CPPUNIT_ASSERT_EQUAL(std::string("SIGSEGV"), signalName(11));
        CPPUNIT_ASSERT_EQUAL(std::string("signal 99"), signalName(99));
        CPPUNIT_ASSERT_EQUAL(std::string("dumped"), exitCodeName(3));
        CPPUNIT_ASSERT_EQUAL(std::string("2026-12-01 21:16:04 UTC"), formatRealtime(1796159764508344ull));
    }

    void testOnlyReadOnlyMethodsAreAllowed() {
        const std::string manager = "org.freedesktop.systemd1.Manager", props = "org.freedesktop.DBus.Properties";
        for (const char* m : {"ListUnits", "ListUnitFiles", "GetUnit"}) CPPUNIT_ASSERT_MESSAGE(m, SystemdBus::permits(manager, m));
        CPPUNIT_ASSERT(SystemdBus::permits(props, "Get"));
        CPPUNIT_ASSERT(SystemdBus::permits(props, "GetAll"));
        for (const char* m : {"StartUnit", "StopUnit", "RestartUnit", "TryRestartUnit", "ReloadOrRestartUnit", "ReloadUnit",
                              "KillUnit", "CleanUnit", "FreezeUnit", "ResetFailed", "ResetFailedUnit", "SetUnitProperties",
                              "StartTransientUnit", "EnableUnitFiles", "DisableUnitFiles", "MaskUnitFiles", "LinkUnitFiles",
                              "SetDefaultTarget", "LoadUnit", "Subscribe", "Reload", "Reexecute", "Exit", "Reboot",
                              "PowerOff", "Halt", "KExec", "SwitchRoot", "SetEnvironment", "AttachProcessesToUnit"}) {
            CPPUNIT_ASSERT_MESSAGE(m, !SystemdBus::permits(manager, m));
        }
        CPPUNIT_ASSERT(!SystemdBus::permits(props, "Set"));
        CPPUNIT_ASSERT(!SystemdBus::permits("org.freedesktop.systemd1.Unit", "Start"));
        CPPUNIT_ASSERT(!SystemdBus::permits("org.freedesktop.systemd1.Unit", "GetAll"));
        CPPUNIT_ASSERT(!SystemdBus::permits("org.freedesktop.login1.Manager", "PowerOff"));
        CPPUNIT_ASSERT(!SystemdBus::permits("", "ListUnits"));
    }

    void testForbiddenCallsAreRefusedBeforeConnecting() {
        // The bus is unreachable: an allowed call fails as unavailable, a forbidden one is refused
        // as denied, which shows the gate runs before any connection is made.
        const uint64_t deadline = homelab_assistant::monotonicNowNs() + 2000000000ull;
        SystemdBus bus("unix:path=/nonexistent/ha-test/bus", deadline);
        const auto sendOne = [&](const std::string& interface, const std::string& member) {
            return statusOf([&] { bus.send({{"/org/freedesktop/systemd1", interface, member, {}}}); });
        };
        CPPUNIT_ASSERT_EQUAL(HA_ERR_DENIED, sendOne("org.freedesktop.systemd1.Manager", "StartUnit"));
        CPPUNIT_ASSERT_EQUAL(HA_ERR_DENIED, sendOne("org.freedesktop.systemd1.Manager", "RestartUnit"));
        CPPUNIT_ASSERT_EQUAL(HA_ERR_DENIED, sendOne("org.freedesktop.DBus.Properties", "Set"));
        CPPUNIT_ASSERT_EQUAL(HA_ERR_UNAVAILABLE, sendOne("org.freedesktop.systemd1.Manager", "ListUnits"));
        // One forbidden request spoils a batch before anything is sent.
        CPPUNIT_ASSERT_EQUAL(HA_ERR_DENIED, statusOf([&] {
                                 bus.send({{"/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager", "ListUnits", {}},
                                           {"/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager", "StopUnit",
                                            {"ssh.service", "replace"}}});
                             }));
    }

    void testMissingAndSilentBus() {
        const auto started = std::chrono::steady_clock::now();
        try {
            SystemdBus bus("unix:path=/nonexistent/ha-test/bus", homelab_assistant::monotonicNowNs() + 5000000000ull);
            bus.listUnits();
            CPPUNIT_FAIL("listUnits on a missing socket succeeded");
        } catch (const homelab_assistant::Error& e) {
            CPPUNIT_ASSERT_EQUAL(HA_ERR_UNAVAILABLE, e.status());
            CPPUNIT_ASSERT_EQUAL(std::string("the system bus is unavailable at unix:path=/nonexistent/ha-test/bus: "
                                             "No such file or directory"),
                                 std::string(e.what()));
        }
        CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < std::chrono::seconds(1));

        // A socket that accepts connections (the kernel's backlog) but never speaks D-Bus.
        test::TempDir dir;
        const std::string path = dir.file("silent.sock");
        const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
        CPPUNIT_ASSERT_EQUAL(0, ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr));
        CPPUNIT_ASSERT_EQUAL(0, ::listen(fd, 4));
        const auto before = std::chrono::steady_clock::now();
        const int32_t status = statusOf([&] {
            SystemdBus bus("unix:path=" + path, homelab_assistant::monotonicNowNs() + 300000000ull);
            bus.listUnits();
        });
        const auto took = std::chrono::steady_clock::now() - before;
        ::close(fd);
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(took).count();
        CPPUNIT_ASSERT_EQUAL(HA_ERR_TIMEOUT, status);
        CPPUNIT_ASSERT_MESSAGE(std::to_string(ms) + " ms", ms >= 250 && ms < 2000);
    }

    void testClassifiesRecordedJournal() {
        const auto events = classifyAll(loadJournal("journal-systemd252.jsonl"));
        int core = 0, fail = 0, loopExits = 0, loopRestarts = 0, startLimit = 0, forged = 0, dependency = 0;
        for (const auto& e : events) {
            if (e.unit == "forged.service") ++forged;
            if (e.unit == "t-core.service" && e.kind == EventKind::DumpedCore) {
                ++core;
                CPPUNIT_ASSERT_EQUAL(int64_t(11), e.status);
                CPPUNIT_ASSERT_EQUAL(std::string("ExecStart"), e.command);
            }
            if (e.unit == "t-fail.service" && e.kind == EventKind::ExitedWithError) {
                ++fail;
                CPPUNIT_ASSERT_EQUAL(int64_t(3), e.status);
            }
            if (e.unit == "t-loop.service" && e.kind == EventKind::ExitedWithError) ++loopExits;
            if (e.unit == "t-loop.service" && e.kind == EventKind::RestartScheduled) ++loopRestarts;
            if (e.unit == "t-limit.service" && e.kind == EventKind::StartLimitHit) ++startLimit;
            if (e.kind == EventKind::DependencyFailed) ++dependency;
        }
        CPPUNIT_ASSERT_EQUAL(0, forged);  // logged by `logger`, not PID 1 nor systemd-coredump
        CPPUNIT_ASSERT_EQUAL(1, core);
        CPPUNIT_ASSERT_EQUAL(1, fail);
        CPPUNIT_ASSERT_EQUAL(6, loopExits);
        CPPUNIT_ASSERT_EQUAL(6, loopRestarts);
        CPPUNIT_ASSERT_EQUAL(1, startLimit);
        CPPUNIT_ASSERT_EQUAL(0, dependency);  // "Failed to start" after a crash is no dependency failure

        // Clean exits (debug level), user units and unknown exit codes say nothing.
        JournalRecord clean;
        clean.fields = {{"MESSAGE_ID", kMessageUnitProcessExit}, {"_PID", "1"}, {"UNIT", "ok.service"},
                        {"EXIT_CODE", "exited"}, {"EXIT_STATUS", "0"}, {"PRIORITY", "5"}};
        CPPUNIT_ASSERT(!classify(clean));
        clean.fields["EXIT_STATUS"] = "1";
        clean.fields["PRIORITY"] = "7";
        CPPUNIT_ASSERT(!classify(clean));
        clean.fields["PRIORITY"] = "5";
        CPPUNIT_ASSERT(classify(clean));
        clean.fields.erase("UNIT");
        clean.fields["USER_UNIT"] = "ok.service";
        CPPUNIT_ASSERT(!classify(clean));
        clean.fields["UNIT"] = "bad unit name";
        CPPUNIT_ASSERT(!classify(clean));
    }

    void testCrashReport() {
        const auto events = classifyAll(loadJournal("journal-systemd252.jsonl"));
        CrashReportOptions o;
        o.sinceUsec = 1796159700000000ull;
        o.nowUsec = 1796159900000000ull;
        o.crashLoopRestarts = 5;
        o.maxEventsPerUnit = 4;
        std::map<std::string, std::vector<LogLine>> lines{{"t-fail.service", {{1796159764514000ull, "sh[35]", "starting"}}}};
        auto report = crashReportJson(events, lines, o);
        CPPUNIT_ASSERT_EQUAL(std::string("2026-12-01 21:15:00 UTC"), report->getValue<std::string>("since"));
        CPPUNIT_ASSERT_EQUAL(3, report->getValue<int>("window_minutes"));
        const std::vector<std::string> order = unitsWithProblems(events, o);
        CPPUNIT_ASSERT_EQUAL(size_t(4), order.size());
        CPPUNIT_ASSERT_EQUAL(std::string("t-limit.service"), order[0]);  // most recent first

        auto loop = unitIn(report, "t-loop.service");
        CPPUNIT_ASSERT(loop);
        CPPUNIT_ASSERT_EQUAL(6, loop->getValue<int>("exited_with_error"));
        CPPUNIT_ASSERT_EQUAL(6, loop->getValue<int>("restarts"));
        CPPUNIT_ASSERT(loop->getValue<bool>("crash_loop"));
        CPPUNIT_ASSERT_EQUAL(size_t(4), loop->getArray("events")->size());
        CPPUNIT_ASSERT_EQUAL(2, loop->getValue<int>("events_omitted"));

        auto limit = unitIn(report, "t-limit.service");
        CPPUNIT_ASSERT_EQUAL(1, limit->getValue<int>("start_limit_hit"));
        CPPUNIT_ASSERT(!limit->getValue<bool>("crash_loop"));
        auto core = unitIn(report, "t-core.service");
        CPPUNIT_ASSERT_EQUAL(1, core->getValue<int>("dumped_core"));
        CPPUNIT_ASSERT_EQUAL(std::string("SIGSEGV"), core->getArray("events")->getObject(0)->getValue<std::string>("signal"));
        auto fail = unitIn(report, "t-fail.service");
        CPPUNIT_ASSERT_EQUAL(std::string("starting"), fail->getArray("last_lines")->getObject(0)->getValue<std::string>("text"));
        CPPUNIT_ASSERT_EQUAL(3, fail->getArray("events")->getObject(0)->getValue<int>("exit_status"));
        CPPUNIT_ASSERT(!unitIn(report, "forged.service"));
        auto summary = report->getObject("summary");
        CPPUNIT_ASSERT_EQUAL(4, summary->getValue<int>("services"));
        CPPUNIT_ASSERT_EQUAL(1, summary->getValue<int>("crash_loops"));
        CPPUNIT_ASSERT_EQUAL(10, summary->getValue<int>("exited_with_error"));  // 6 + 1 + 3

        // With a higher threshold the loop is only restarts.
        o.crashLoopRestarts = 10;
        CPPUNIT_ASSERT(!unitIn(crashReportJson(events, {}, o), "t-loop.service")->getValue<bool>("crash_loop"));
        // Nothing in the window, nothing to report.
        CPPUNIT_ASSERT_EQUAL(size_t(0), crashReportJson({}, {}, o)->getArray("services")->size());
    }

    void testCoredumpReports() {
        const auto events = classifyAll(loadJournal("journal-coredump-shape.jsonl"));
        CPPUNIT_ASSERT_EQUAL(size_t(3), events.size());  // the one from a user's session is ignored
        CrashReportOptions o;
        o.sinceUsec = 1796159990000000ull;
        o.nowUsec = 1796160100000000ull;
        auto crashy = unitIn(crashReportJson(events, {}, o), "crashy.service");
        CPPUNIT_ASSERT(crashy);
        // PID 1's "code=dumped" and systemd-coredump's report 1.1 s later are one crash.
        CPPUNIT_ASSERT_EQUAL(2, crashy->getValue<int>("dumped_core"));
        auto list = crashy->getArray("events");
        CPPUNIT_ASSERT_EQUAL(size_t(2), list->size());
        CPPUNIT_ASSERT_EQUAL(std::string("/usr/local/bin/crashy"), list->getObject(0)->getValue<std::string>("executable"));
        CPPUNIT_ASSERT_EQUAL(std::string("SIGABRT"), list->getObject(0)->getValue<std::string>("signal"));
        CPPUNIT_ASSERT_EQUAL(std::string("Process 4242 (crashy) of user 0 dumped core."),
                             list->getObject(0)->getValue<std::string>("message"));  // no stack trace
        CPPUNIT_ASSERT_EQUAL(std::string("SIGSEGV"), list->getObject(1)->getValue<std::string>("signal"));
    }

    void testStatusOverview() {
        std::vector<UnitRecord> units = {unit("ok.service", "active", "running"), unit("t-fail.service", "failed", "failed"),
                                         unit("t-loop.service", "activating", "auto-restart", 9),
                                         unit("again.service", "active", "running", 2),
                                         unit("often.service", "active", "running", 7),
                                         unit("boot.service", "activating", "start"), unit("old.service", "inactive", "dead")};
        units.back().isService = false;
        auto s = statusJson(units, "degraded", 50);
        CPPUNIT_ASSERT_EQUAL(std::string("degraded"), s->getValue<std::string>("system_state"));
        auto counts = s->getObject("counts");
        CPPUNIT_ASSERT_EQUAL(7, counts->getValue<int>("units"));
        CPPUNIT_ASSERT_EQUAL(6, counts->getValue<int>("services"));
        CPPUNIT_ASSERT_EQUAL(1, counts->getValue<int>("failed"));
        CPPUNIT_ASSERT_EQUAL(1, counts->getValue<int>("auto_restarting"));
        CPPUNIT_ASSERT_EQUAL(1, counts->getValue<int>("starting_or_stopping"));
        auto failed = s->getArray("failed")->getObject(0);
        CPPUNIT_ASSERT_EQUAL(std::string("t-fail.service"), failed->getValue<std::string>("unit"));
        CPPUNIT_ASSERT_EQUAL(1, failed->getObject("last_exit")->getValue<int>("status"));
        CPPUNIT_ASSERT_EQUAL(std::string("2026-12-01 21:16:04 UTC"), failed->getValue<std::string>("since"));
        CPPUNIT_ASSERT_EQUAL(9, s->getArray("auto_restarting")->getObject(0)->getValue<int>("restarts"));
        auto restarted = s->getArray("restarted");
        CPPUNIT_ASSERT_EQUAL(size_t(2), restarted->size());
        CPPUNIT_ASSERT_EQUAL(std::string("often.service"), restarted->getObject(0)->getValue<std::string>("unit"));
        CPPUNIT_ASSERT_EQUAL(size_t(1), statusJson(units, "degraded", 1)->getArray("restarted")->size());
    }

    void testMatchesQuestions() {
        const std::set<std::string> known = {"nginx.service", "t-fail.service", "NetworkManager.service", "php8.2-fpm.service"};
        struct Case {
            std::string question, capability, unit;
            double minScore, maxScore;
        };
        const std::vector<Case> cases = {
            {"Did any service crash recently?", "systemd.crashes", "", 0.9, 1.0},
            {"did anything crash?", "systemd.crashes", "", 0.6, 0.8},
            {"Any failed systemd services?", "systemd.status", "", 0.9, 1.0},
            {"are there failed services", "systemd.status", "", 0.9, 1.0},
            {"Is nginx running?", "systemd.unit", "nginx", 0.9, 1.0},
            {"is plex running?", "systemd.unit", "plex", 0.5, 0.65},
            {"is the nginx service running", "systemd.unit", "nginx", 0.9, 1.0},
            {"Why did t-fail fail?", "systemd.unit", "t-fail", 0.9, 1.0},
            {"why did php8.2-fpm.service crash?", "systemd.unit", "php8.2-fpm.service", 0.9, 1.0},
            {"Is NetworkManager up?", "systemd.unit", "NetworkManager", 0.9, 1.0},
            {"show me the logs of nginx", "systemd.unit", "nginx", 0.9, 1.0},
            {"nginx status", "systemd.unit", "nginx", 0.9, 1.0},
            {"what happened to t-fail", "systemd.unit", "t-fail", 0.9, 1.0},
            {"any services restarting in a loop?", "systemd.crashes", "", 0.8, 0.9},
            {"did something dump core?", "systemd.crashes", "", 0.6, 0.8},
            {"any errors in the logs?", "systemd.crashes", "", 0.75, 0.85},
            {"what services are running?", "systemd.status", "", 0.7, 0.8},
            {"systemd status", "systemd.status", "", 0.9, 1.0},
        };
        for (const Case& c : cases) {
            auto m = matchesOf(c.question, known);
            CPPUNIT_ASSERT_MESSAGE(c.question, m->size() > 0);
            auto first = m->getObject(0);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(c.question, c.capability, first->getValue<std::string>("capability"));
            const double score = first->getValue<double>("score");
            CPPUNIT_ASSERT_MESSAGE(c.question + " scored " + std::to_string(score), score >= c.minScore && score <= c.maxScore);
            const auto args = first->getObject("arguments");
            CPPUNIT_ASSERT_EQUAL_MESSAGE(c.question, c.unit, args->has("unit") ? args->getValue<std::string>("unit") : "");
        }
        for (const char* other : {"what's the CPU temperature?", "how much disk space is left?", "is the network ok?",
                                         "is everything running correctly?", "which container uses the most memory?",
                                         "how many cores does the cpu have?"}) {
            CPPUNIT_ASSERT_EQUAL_MESSAGE(other, size_t(0), matchesOf(other, known)->size());
        }
        // Follow-ups name the previous answer's units.
        const std::string subject =
            R"({"plugin":"systemd","capability":"systemd.status","arguments":{},"data":{"units":["a.service","b.service"]}})";
        auto second = matchesOf("and the second one?", known, subject)->getObject(0);
        CPPUNIT_ASSERT_EQUAL(std::string("b.service"), second->getObject("arguments")->getValue<std::string>("unit"));
        auto why = matchesOf("why did it fail?", known, subject)->getObject(0);
        CPPUNIT_ASSERT_EQUAL(std::string("systemd.unit"), why->getValue<std::string>("capability"));
        CPPUNIT_ASSERT_EQUAL(std::string("a.service"), why->getObject("arguments")->getValue<std::string>("unit"));
        const std::string unitSubject =
            R"({"plugin":"systemd","capability":"systemd.unit","arguments":{"unit":"x"},"data":{"unit":"x.service"}})";
        CPPUNIT_ASSERT_EQUAL(std::string("x.service"),
                             matchesOf("show its logs", known, unitSubject)->getObject(0)->getObject("arguments")->getValue<std::string>("unit"));
        // Another plugin's subject is not ours to follow.
        CPPUNIT_ASSERT_EQUAL(size_t(0), matchesOf("and the second one?", known,
                                                  R"({"plugin":"docker","capability":"docker.containers","arguments":{},"data":{}})")
                                            ->size());
        // Only allowed capabilities are proposed.
        auto q = answers::Question::parse(R"({"text":" did any service crash ","question":"did any service crash","words":[],"subject":null,"allowed":["systemd.status"]})");
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"matches":[]})"), answersMatch(q, [](const std::string&) { return false; }));
        auto profile = json::parseObject(answersProfile());
        CPPUNIT_ASSERT_EQUAL(size_t(2), profile->getArray("checks")->size());
        CPPUNIT_ASSERT(profile->getArray("vocabulary")->size() > 30);
    }

    void testSummaries() {
        auto s = json::parseObject(summaryOf("systemd.unit", R"({"unit":"nginx"})", "not_found", "null", "is nginx running?",
                                             "there is no systemd unit named nginx.service"));
        CPPUNIT_ASSERT_EQUAL(std::string("There is no systemd unit named nginx."), s->getValue<std::string>("text"));
        CPPUNIT_ASSERT(!s->getValue<bool>("found"));

        const std::string failed = R"({"unit":"t-fail.service","load_state":"loaded","active_state":"failed","sub_state":"failed",
            "since":"2026-12-01 21:16:04 UTC","result":"exit-code","restarts":0,"last_exit":{"code":"exited","status":3},"found":true,
            "last_lines":[{"time":"2026-12-01 21:16:04 UTC","source":"sh[35]","text":"connecting with password=[REDACTED]"}]})";
        s = json::parseObject(summaryOf("systemd.unit", R"({"unit":"t-fail"})", "ok", failed, "is t-fail running?"));
        CPPUNIT_ASSERT_EQUAL(std::string("t-fail.service has failed: result exit-code, exit status 3, since 2026-12-01 21:16:04 UTC. "
                                         "Its last log lines:\n  21:16:04 sh[35]: connecting with password=[REDACTED]"),
                             s->getValue<std::string>("text"));
        CPPUNIT_ASSERT_EQUAL(std::string("t-fail.service"), s->getObject("subject")->getValue<std::string>("unit"));
        const std::string running = R"({"unit":"nginx.service","load_state":"loaded","active_state":"active","sub_state":"running",
            "since":"2026-12-01 08:00:00 UTC","result":"success","restarts":0,"found":true,"last_lines":[]})";
        s = json::parseObject(summaryOf("systemd.unit", R"({"unit":"nginx"})", "ok", running, "is nginx running?"));
        CPPUNIT_ASSERT_EQUAL(std::string("nginx.service is running (since 2026-12-01 08:00:00 UTC)."), s->getValue<std::string>("text"));

        s = json::parseObject(summaryOf("systemd.crashes", "{}", "ok",
                                        R"({"window_minutes":1440,"services":[],"summary":{}})", "did any service crash?"));
        CPPUNIT_ASSERT_EQUAL(std::string("No service crashed in the last 24 h: systemd logged no failed exits, deaths by signal, "
                                         "core dumps or start-limit hits."),
                             s->getValue<std::string>("text"));
        const auto events = classifyAll(loadJournal("journal-systemd252.jsonl"));
        CrashReportOptions o;
        o.sinceUsec = 1796159700000000ull;
        o.nowUsec = o.sinceUsec + 1440ull * 60000000ull;
        const std::string report = ha_plugins::toJson(crashReportJson(events, {}, o));
        const std::string text = json::parseObject(summaryOf("systemd.crashes", "{}", "ok", report, "did any service crash?"))
                                     ->getValue<std::string>("text");
        CPPUNIT_ASSERT(text.rfind("In the last 24 h, 4 services had problems:", 0) == 0);
        CPPUNIT_ASSERT(text.find("- t-loop.service exited with an error 6 times (last exit status 1) and is in a crash loop (6 restarts)") !=
                       std::string::npos);
        CPPUNIT_ASSERT(text.find("- t-core.service crashed and dumped core once (SIGSEGV)") != std::string::npos);
        CPPUNIT_ASSERT(text.find("t-limit.service exited with an error 3 times (last exit status 1), hit its start limit") != std::string::npos);

        std::vector<UnitRecord> units = {unit("t-fail.service", "failed", "failed"), unit("t-loop.service", "activating", "auto-restart", 9)};
        s = json::parseObject(summaryOf("systemd.status", "{}", "ok", ha_plugins::toJson(statusJson(units, "degraded", 50)),
                                        "any failed services?"));
        CPPUNIT_ASSERT_EQUAL(std::string("1 systemd unit has failed: t-fail.service (result exit-code, exit status 1, since "
                                         "2026-12-01 21:16:04 UTC). Also, t-loop.service keeps crashing and systemd is about to "
                                         "restart it (9 restarts so far; last exit status 1). System state: degraded."),
                             s->getValue<std::string>("text"));
        CPPUNIT_ASSERT_EQUAL(size_t(2), s->getObject("subject")->getArray("units")->size());
        s = json::parseObject(summaryOf("systemd.status", "{}", "unavailable", "null", "any failed services?",
                                        "the system bus is unavailable at unix:path=/x: No such file or directory"));
        CPPUNIT_ASSERT_EQUAL(std::string("I could not ask systemd: the system bus is unavailable at unix:path=/x: No such file or directory"),
                             s->getValue<std::string>("text"));
    }

    void testChecks() {
        std::vector<UnitRecord> units = {unit("ok.service", "active", "running"), unit("t-fail.service", "failed", "failed"),
                                         unit("t-loop.service", "activating", "auto-restart", 9)};
        const auto events = classifyAll(loadJournal("journal-systemd252.jsonl"));
        CrashReportOptions o;
        o.sinceUsec = 1796159700000000ull;
        o.nowUsec = 1796159900000000ull;
        const std::string status = ha_plugins::toJson(statusJson(units, "degraded", 50));
        const std::string crashes = ha_plugins::toJson(crashReportJson(events, {}, o));
        SystemdCheckSettings settings;
        const auto run = [&](const std::string& statusOutcome, const std::string& crashOutcome) {
            const std::string input = R"({"results":[)" + statusOutcome + "," + crashOutcome + "]}";
            return json::parseObject(answersChecks(answers::CheckResults::parse(input), settings))->getArray("findings");
        };
        const auto ok = [](const std::string& capability, const std::string& result) {
            return R"({"capability":")" + capability + R"(","arguments":{},"status":"ok","result":)" + result + "}";
        };
        auto f = run(ok("systemd.status", status), ok("systemd.crashes", crashes));
        std::map<std::string, std::string> bySubject;
        for (size_t i = 0; i < f->size(); ++i) {
            auto one = f->getObject(static_cast<unsigned>(i));
            bySubject[one->getValue<std::string>("subject")] = one->getValue<std::string>("severity") + " " + one->getValue<std::string>("check");
        }
        CPPUNIT_ASSERT_EQUAL(std::string("critical systemd.failed"), bySubject["t-fail.service"]);
        CPPUNIT_ASSERT_EQUAL(std::string("warning systemd.crash_loop"), bySubject["t-loop.service"]);
        CPPUNIT_ASSERT_EQUAL(size_t(2), bySubject.size());  // each unit once; no "ok" with problems

        // A loop seen only in the journal (the unit happened to be running when asked).
        std::vector<UnitRecord> calm = {unit("ok.service", "active", "running"), unit("t-loop.service", "active", "running", 6)};
        f = run(ok("systemd.status", ha_plugins::toJson(statusJson(calm, "running", 50))), ok("systemd.crashes", crashes));
        bySubject.clear();
        for (size_t i = 0; i < f->size(); ++i) {
            auto one = f->getObject(static_cast<unsigned>(i));
            bySubject[one->getValue<std::string>("subject")] = one->getValue<std::string>("severity") + " " + one->getValue<std::string>("check");
        }
        CPPUNIT_ASSERT_EQUAL(std::string("warning systemd.crash_loop"), bySubject["t-loop.service"]);
        CPPUNIT_ASSERT_EQUAL(size_t(1), bySubject.size());

        // All fine: one ok finding that still mentions the crashes that did not stick.
        std::vector<UnitRecord> fine = {unit("ok.service", "active", "running")};
        const std::string fineStatus = ok("systemd.status", ha_plugins::toJson(statusJson(fine, "running", 50)));
        o.crashLoopRestarts = settings.crashLoopRestarts = 100;
        f = run(fineStatus, ok("systemd.crashes", ha_plugins::toJson(crashReportJson(events, {}, o))));
        CPPUNIT_ASSERT_EQUAL(size_t(1), f->size());
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), f->getObject(0)->getValue<std::string>("severity"));
        CPPUNIT_ASSERT(f->getObject(0)->getValue<std::string>("message").rfind("systemd: no failed or restarting units (1 service);", 0) == 0);

        // Unreachable systemd and an unreadable journal are warnings, never silence.
        f = run(R"({"capability":"systemd.status","arguments":{},"status":"unavailable","error":"the system bus is unavailable"})",
                R"({"capability":"systemd.crashes","arguments":{},"status":"denied","error":"no readable journal files"})");
        CPPUNIT_ASSERT_EQUAL(size_t(2), f->size());
        CPPUNIT_ASSERT_EQUAL(std::string("warning"), f->getObject(0)->getValue<std::string>("severity"));
        CPPUNIT_ASSERT_EQUAL(std::string("systemd.reachable"), f->getObject(0)->getValue<std::string>("check"));
        CPPUNIT_ASSERT_EQUAL(std::string("systemd.journal"), f->getObject(1)->getValue<std::string>("check"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SystemdTest);

}  // namespace ha
