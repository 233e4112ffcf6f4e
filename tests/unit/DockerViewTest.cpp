// The docker plugin's pure parts: API version negotiation, time parsing, the secret filter, and
// crash classification from event sequences shaped like Docker 20.10's.
#include "tools/docker/ContainerView.h"
#include "tools/docker/CrashReport.h"
#include "tools/docker/DockerEngine.h"
#include "util/Json.h"

#include <homelab_assistant/plugin.hpp>

#include <cppunit/extensions/HelperMacros.h>

namespace ha {

using namespace ha_plugins::docker;

namespace {
Poco::JSON::Object::Ptr obj(const std::string& text) { return json::parseObject(text); }

Poco::JSON::Object::Ptr event(const std::string& action, const std::string& id, const std::string& name, int64_t time,
                              const std::string& exitCode = "") {
    std::string attrs = R"("name":")" + name + R"(","image":"img","DB_PASSWORD":"leaked-label")";
    if (!exitCode.empty()) attrs += R"(,"exitCode":")" + exitCode + "\"";
    return obj(R"({"Type":"container","Action":")" + action + R"(","Actor":{"ID":")" + id + R"(","Attributes":{)" +
               attrs + R"(}},"time":)" + std::to_string(time) + "}");
}

ContainerState container(const std::string& id, const std::string& name, const std::string& state,
                         const std::string& stateJson, int restarts = 0) {
    return {obj(R"({"Id":")" + id + R"(","Names":["/)" + name + R"("],"Image":"img","State":")" + state + R"("})"),
            obj(R"({"Id":")" + id + R"(","RestartCount":)" + std::to_string(restarts) + R"(,"State":)" + stateJson + "}")};
}
}  // namespace

class DockerViewTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(DockerViewTest);
    CPPUNIT_TEST(testNegotiatesApiVersion);
    CPPUNIT_TEST(testParsesDockerTimes);
    CPPUNIT_TEST(testSecretLabels);
    CPPUNIT_TEST(testDetailsNeverCarryEnvironmentOrCommand);
    CPPUNIT_TEST(testClassifiesCrashes);
    CPPUNIT_TEST(testFallsBackToStateWhenEventsRotated);
    CPPUNIT_TEST(testEngineNumbersAreClamped);
    CPPUNIT_TEST(testSecretLabelKeys);
    CPPUNIT_TEST(testCredentialsMaskedInLabelsAndProbes);
    CPPUNIT_TEST(testUsageOfOddStats);
    CPPUNIT_TEST_SUITE_END();

public:
    void testNegotiatesApiVersion() {
        CPPUNIT_ASSERT_EQUAL(std::string("1.41"), DockerEngine::negotiate("1.41", "1.12"));  // Docker 20.10
        CPPUNIT_ASSERT_EQUAL(std::string("1.43"), DockerEngine::negotiate("1.43", "1.12"));  // Docker 24
        CPPUNIT_ASSERT_EQUAL(std::string("1.47"), DockerEngine::negotiate("1.52", "1.44"));  // Docker 29
        CPPUNIT_ASSERT_THROW(DockerEngine::negotiate("1.40", "1.12"), homelab_assistant::Error);
        CPPUNIT_ASSERT_THROW(DockerEngine::negotiate("1.60", "1.50"), homelab_assistant::Error);
        CPPUNIT_ASSERT_THROW(DockerEngine::negotiate("garbage", ""), homelab_assistant::Error);
    }

    void testParsesDockerTimes() {
        CPPUNIT_ASSERT_EQUAL(int64_t(1795515830), parseDockerTime("2026-11-24T10:23:50.123456789Z"));
        CPPUNIT_ASSERT_EQUAL(int64_t(1795515830), parseDockerTime("2026-11-24T11:23:50.5+01:00"));
        CPPUNIT_ASSERT_EQUAL(int64_t(0), parseDockerTime("0001-01-01T00:00:00Z"));
        CPPUNIT_ASSERT_EQUAL(int64_t(0), parseDockerTime(""));
        CPPUNIT_ASSERT_EQUAL(std::string("2026-11-24 10:23:50 UTC"), formatUtc(1795515830));
    }

    void testSecretLabels() {
        CPPUNIT_ASSERT(looksSecret("db.password", "x"));
        CPPUNIT_ASSERT(looksSecret("traefik.http.middlewares.auth.basicauth.users", "admin:$apr1$x"));
        CPPUNIT_ASSERT(looksSecret("API_TOKEN", "abc"));
        CPPUNIT_ASSERT(looksSecret("backup.target", "s3://user:pass@host/bucket"));
        CPPUNIT_ASSERT(looksSecret("x", "ghp_0123456789abcdef"));
        CPPUNIT_ASSERT(looksSecret("x", "b3f1c9a8e7d6c5b4a39281706f5e4d3c2b1a0f9e"));
        CPPUNIT_ASSERT(!looksSecret("com.docker.compose.project", "media"));
        CPPUNIT_ASSERT(!looksSecret("org.opencontainers.image.version", "1.27.0"));
        CPPUNIT_ASSERT(!looksSecret("traefik.http.routers.web.rule", "Host(`example.org`)"));
    }

    void testDetailsNeverCarryEnvironmentOrCommand() {
        auto inspect = obj(R"({"Id":"0123456789abcdef","Name":"/db","Created":"2026-11-24T10:00:00Z",
            "Path":"/entry.sh","Args":["--password=hunter2-args"],
            "Config":{"Image":"postgres:16","Env":["POSTGRES_PASSWORD=hunter2-env"],"Cmd":["postgres","--pw=hunter2-cmd"],
                      "Entrypoint":["/entry.sh"],"Labels":{"com.docker.compose.service":"db","db.password":"hunter2-label"}},
            "State":{"Status":"running","Running":true,"ExitCode":0,"OOMKilled":false,"StartedAt":"2026-11-24T10:00:05Z",
                     "FinishedAt":"0001-01-01T00:00:00Z","Health":{"Status":"healthy","FailingStreak":0,"Log":[]}},
            "RestartCount":1,"HostConfig":{"RestartPolicy":{"Name":"unless-stopped","MaximumRetryCount":0}}})");
        const std::string text = json::stringify(containerDetails(inspect, 1795510000 + 3600));
        CPPUNIT_ASSERT_MESSAGE(text, text.find("hunter2") == std::string::npos);
        CPPUNIT_ASSERT(text.find("\"Env\"") == std::string::npos);
        CPPUNIT_ASSERT(text.find("com.docker.compose.service") != std::string::npos);
        CPPUNIT_ASSERT(text.find("unless-stopped") != std::string::npos);
        CPPUNIT_ASSERT(text.find(R"("name":"db")") != std::string::npos);
    }

    void testClassifiesCrashes() {
        const int64_t t = 1795510000;
        std::vector<Poco::JSON::Object::Ptr> events = {
            event("die", "a", "crashy", t + 1, "1"),           // crash
            event("kill", "b", "killed", t + 2),               // asked for ...
            event("die", "b", "killed", t + 3, "137"),         // ... so not a crash
            event("oom", "c", "hog", t + 4),                   // OOM kill and its die: one incident
            event("die", "c", "hog", t + 4, "137"),
            event("die", "d", "clean", t + 5, "0"),            // a clean exit is no crash
            event("die", "e", "looper", t + 6, "3"),
            event("die", "e", "looper", t + 7, "3"),
            event("health_status: unhealthy", "f", "sick", t + 8),
            event("health_status: unhealthy", "g", "recovered", t + 9),
            event("health_status: healthy", "g", "recovered", t + 10),
        };
        std::vector<ContainerState> states = {
            container("e", "looper", "restarting", R"({"Running":false,"Restarting":true,"ExitCode":3})", 2),
            container("f", "sick", "running", R"({"Running":true,"Health":{"Status":"unhealthy","FailingStreak":4}})"),
        };
        auto report = buildCrashReport(events, states, t, t + 60);
        const std::string text = json::stringify(report);
        CPPUNIT_ASSERT_MESSAGE(text, text.find("leaked-label") == std::string::npos);
        auto crashes = json::getArray(report, "crashes");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(text, size_t(3), crashes->size());
        auto newest = json::asObject(crashes->get(0));
        CPPUNIT_ASSERT_EQUAL(std::string("looper"), *json::getString(newest, "name"));
        CPPUNIT_ASSERT_EQUAL(int64_t(2), *json::getInt(newest, "times_in_window"));
        auto hog = json::asObject(crashes->get(1));
        CPPUNIT_ASSERT_EQUAL(std::string("hog"), *json::getString(hog, "name"));
        CPPUNIT_ASSERT(*json::getBool(hog, "oom_killed"));
        CPPUNIT_ASSERT_EQUAL(int64_t(1), *json::getInt(hog, "times_in_window"));
        CPPUNIT_ASSERT_EQUAL(std::string("crashy"), *json::getString(json::asObject(crashes->get(2)), "name"));
        auto asked = json::getArray(report, "stopped_on_request");
        CPPUNIT_ASSERT_EQUAL(size_t(1), asked->size());
        CPPUNIT_ASSERT_EQUAL(std::string("killed"), *json::getString(json::asObject(asked->get(0)), "name"));
        auto unhealthy = json::getArray(report, "unhealthy");
        CPPUNIT_ASSERT_EQUAL(size_t(1), unhealthy->size());  // "recovered" turned healthy again
        CPPUNIT_ASSERT_EQUAL(std::string("sick"), *json::getString(json::asObject(unhealthy->get(0)), "name"));
        auto restarting = json::getArray(report, "restarting");
        CPPUNIT_ASSERT_EQUAL(size_t(1), restarting->size());
        CPPUNIT_ASSERT_EQUAL(int64_t(2), *json::getInt(json::asObject(restarting->get(0)), "restart_count"));
        CPPUNIT_ASSERT_EQUAL(int64_t(1), *json::getInt(report, "window_minutes"));
    }

    void testFallsBackToStateWhenEventsRotated() {
        const int64_t t = 1795510000;
        std::vector<ContainerState> states = {
            container("x", "gone-events", "exited", R"({"Running":false,"ExitCode":2,"FinishedAt":"2026-11-24T08:47:00Z"})"),
            container("y", "old", "exited", R"({"Running":false,"ExitCode":1,"FinishedAt":"2026-11-01T00:00:00Z"})"),
        };
        auto report = buildCrashReport({}, states, t, t + 3600);
        auto crashes = json::getArray(report, "crashes");
        CPPUNIT_ASSERT_EQUAL(size_t(1), crashes->size());
        CPPUNIT_ASSERT_EQUAL(std::string("gone-events"), *json::getString(json::asObject(crashes->get(0)), "name"));
    }

    // Times, exit codes and counts from the engine never overflow the report's arithmetic
    // (UBSan reported a signed overflow in the crash report with times like these, when they
    // were used as they came: t - lastOom with t near INT64_MAX and lastOom negative).
    void testEngineNumbersAreClamped() {
        const auto rawEvent = [](const std::string& action, const std::string& time, const std::string& exitCode) {
            return obj(R"({"Type":"container","Action":")" + action +
                       R"(","Actor":{"ID":"z","Attributes":{"name":"odd","exitCode":")" + exitCode + R"("}},"time":)" + time + "}");
        };
        std::vector<Poco::JSON::Object::Ptr> events = {
            rawEvent("oom", "-9223372036854775808", ""),
            rawEvent("die", "9223372036854775807", "99999999999999999999"),
            rawEvent("kill", "-1e308", ""),
            rawEvent("die", "1e308", "-2147483649"),
            rawEvent("oom", "9.223372036854775808e18", ""),
            rawEvent("die", "9.223372036854775808e18", "1"),
            rawEvent("health_status: unhealthy", "18446744073709551615", ""),
        };
        std::vector<ContainerState> states = {
            container("z", "odd", "exited",
                      R"({"Running":false,"ExitCode":9.223372036854775808e18,"FinishedAt":"9999-12-31T23:59:59+99:99",
                          "Health":{"Status":"unhealthy","FailingStreak":1e300}})", 0),
            {obj(R"({"Id":"w","Names":["/w"],"State":"restarting"})"),
             obj(R"({"Id":"w","RestartCount":-9.3e18,"State":{"Running":false,"ExitCode":-9223372036854775808}})")},
        };
        const int64_t t = 1795510000;
        auto report = buildCrashReport(events, states, t, t + 60);
        auto crashes = json::getArray(report, "crashes");
        CPPUNIT_ASSERT(crashes->size() >= 1);
        for (size_t i = 0; i < crashes->size(); ++i) {
            const int64_t code = *json::getInt(json::asObject(crashes->get(i)), "exit_code");
            CPPUNIT_ASSERT(code >= 0 && code <= 255);
        }
        // The container views clamp the same numbers.
        auto inspect = obj(R"({"Id":"z","Name":"/odd","RestartCount":9.223372036854775808e18,
            "State":{"Status":"exited","Running":false,"ExitCode":9.223372036854775808e18,"StartedAt":"9999-12-31T23:59:59Z",
                     "Health":{"Status":"unhealthy","FailingStreak":-9.3e18,"Log":[{"End":"x","ExitCode":1e308,"Output":"o"}]}},
            "HostConfig":{"RestartPolicy":{"Name":"always","MaximumRetryCount":1e19}}})");
        auto details = containerDetails(inspect, t);
        CPPUNIT_ASSERT_EQUAL(int64_t(0), *json::getInt(details, "exit_code"));
        CPPUNIT_ASSERT_EQUAL(int64_t(0), *json::getInt(details, "restart_count"));
        auto summary = containerSummary(obj(R"({"Id":"z","Names":["/odd"],"Ports":[{"PrivatePort":1e300,"PublicPort":-1e300}]})"),
                                        inspect, t);
        CPPUNIT_ASSERT_EQUAL(std::string("odd"), *json::getString(summary, "name"));
    }

    // Label keys the issue found reaching the model: *.pwd, *_pw, otp_seed, and the usual words.
    void testSecretLabelKeys() {
        for (const char* key : {"db.pwd", "admin_pw", "otp_seed", "com.example.token", "app.secret", "service.apikey",
                                "ADMIN_PASSWORD", "mfa.totp", "wallet.seed", "user_pw_hash", "smtp-pass"}) {
            CPPUNIT_ASSERT_MESSAGE(key, looksSecret(key, "value"));
        }
        for (const char* key : {"com.docker.compose.project", "org.opencontainers.image.title", "traefik.enable",
                                "maintainer", "com.example.pwm-fan"}) {
            CPPUNIT_ASSERT_MESSAGE(key, !looksSecret(key, "plain"));
        }
    }

    // Labels and health-probe output reach the model only with credentials masked: a secret
    // label keeps its name and loses its value; key=value credentials inside text are masked.
    void testCredentialsMaskedInLabelsAndProbes() {
        auto inspect = obj(R"({"Id":"0123456789abcdef","Name":"/db",
            "Config":{"Image":"postgres:16","Labels":{"db.pwd":"marker-pwd-1","admin_pw":"marker-pw-2",
                      "otp_seed":"marker-otp-3","com.example.dsn-note":"host=db password=marker-pass-4 user=app",
                      "com.docker.compose.service":"db"}},
            "State":{"Status":"running","Running":true,"ExitCode":0,"Error":"connect: token=marker-err-5 refused",
                     "Health":{"Status":"unhealthy","FailingStreak":2,"Log":[
                       {"End":"2026-11-24T10:00:00Z","ExitCode":1,"Output":"pg_isready: password=marker-probe-6 rejected"},
                       {"End":"2026-11-24T10:00:10Z","ExitCode":1,"Output":"curl -H 'Authorization: Bearer marker7abcdefgh1234' failed"},
                       {"End":"2026-11-24T10:00:20Z","ExitCode":1,"Output":")" + std::string(186, '.') + R"( apikey=marker-cut-8-long"}]}}})");
        const std::string text = json::stringify(containerDetails(inspect, 1795510000));
        CPPUNIT_ASSERT_MESSAGE(text, text.find("marker") == std::string::npos);
        auto labels = json::getObject(containerDetails(inspect, 1795510000), "labels");
        CPPUNIT_ASSERT_EQUAL(std::string("[REDACTED]"), *json::getString(labels, "db.pwd"));
        CPPUNIT_ASSERT_EQUAL(std::string("db"), *json::getString(labels, "com.docker.compose.service"));
        CPPUNIT_ASSERT(text.find("pg_isready: password=[REDACTED] rejected") != std::string::npos);
    }

    void testUsageOfOddStats() {
        auto usage = containerUsage("x", obj(R"({"cpu_stats":{"cpu_usage":{"total_usage":1e308},"system_cpu_usage":1e-300,
            "online_cpus":1e300},"precpu_stats":{"cpu_usage":{"total_usage":-1e308}},
            "memory_stats":{"usage":1e300,"limit":9.223372036854775808e18,"stats":{"inactive_file":-1e300}}})"));
        CPPUNIT_ASSERT(*json::getInt(usage, "memory_used_bytes") >= 0);
        CPPUNIT_ASSERT(*json::getInt(usage, "memory_limit_bytes") >= 0);
        auto normal = containerUsage("web", obj(R"({"cpu_stats":{"cpu_usage":{"total_usage":2000},"system_cpu_usage":20000,
            "online_cpus":2},"precpu_stats":{"cpu_usage":{"total_usage":1000},"system_cpu_usage":10000},
            "memory_stats":{"usage":300,"limit":1000,"stats":{"inactive_file":100}}})"));
        CPPUNIT_ASSERT_DOUBLES_EQUAL(20.0, *json::getNumber(normal, "cpu_percent"), 1e-9);
        CPPUNIT_ASSERT_EQUAL(int64_t(200), *json::getInt(normal, "memory_used_bytes"));
        CPPUNIT_ASSERT_DOUBLES_EQUAL(20.0, *json::getNumber(normal, "memory_percent"), 1e-9);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DockerViewTest);

}  // namespace ha
