#include "TestSupport.h"
#include "plugin/PluginLoader.h"
#include "policy/PolicyLoader.h"
#include "tools/ToolExecutor.h"
#include "tools/ToolRegistry.h"

#include <cppunit/extensions/HelperMacros.h>

#include <unistd.h>

#include <sys/stat.h>

namespace ha::plugin {

namespace {
const std::string kFixtures = HA_FIXTURE_PLUGIN_DIR;

const PluginReport* reportFor(const LoadResult& r, const std::string& file) {
    for (const auto& rep : r.reports) {
        if (rep.file == file) return &rep;
    }
    return nullptr;
}

std::shared_ptr<Tool> toolNamed(const LoadResult& r, const std::string& capability) {
    for (const auto& t : r.tools) {
        if (t->info().capability == capability) return t;
    }
    return nullptr;
}
}  // namespace

class PluginLoaderTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(PluginLoaderTest);
    CPPUNIT_TEST(testLoadsAPlainCPlugin);
    CPPUNIT_TEST(testRefusesBadPluginsWithPreciseReasonsAndKeepsGoing);
    CPPUNIT_TEST(testRefusesWritableFilesAndDirectories);
    CPPUNIT_TEST(testRefusesDuplicateIds);
    CPPUNIT_TEST(testMissingDirectoryLoadsNothing);
    CPPUNIT_TEST(testCallsThroughTheAbi);
    CPPUNIT_TEST(testExceptionThroughTheAbiIsContained);
    CPPUNIT_TEST(testHangingPluginTimesOutAndIsFenced);
    CPPUNIT_TEST(testInstantCapabilityRunsOnTheCallersThreadUntilItOverruns);
    CPPUNIT_TEST(testFromMemoryCapabilityIsAskedOnTheCallersThreadFirst);
    CPPUNIT_TEST(testInstantAnswersRunOnTheCallersThreadUntilOneOverruns);
    CPPUNIT_TEST(testMutatingCapabilityIsNeverInvoked);
    CPPUNIT_TEST(testAbi10PluginLoadsAndWorks);
    CPPUNIT_TEST(testGroupBelongsToThePluginNamedLikeIt);
    CPPUNIT_TEST(testFunctionNameCollisionsAreRefused);
    CPPUNIT_TEST(testSettingsAreCheckedAgainstTheSchema);
    CPPUNIT_TEST(testSecretSettingsAreMasked);
    CPPUNIT_TEST(testAnswersInterfaceIsBound);
    CPPUNIT_TEST_SUITE_END();

    LoadResult load(const test::TempDir& dir, const std::string& settings = "{}", Redactor* redactor = nullptr) {
        LoaderOptions o;
        o.directory = dir.path();
        o.createTimeout = std::chrono::milliseconds(5000);
        o.settingsFor = [settings](const PluginIdentity&) { return settings; };
        o.redactor = redactor;
        return PluginLoader(o).loadAll();
    }
    void install(const test::TempDir& dir, const std::string& fixture, const std::string& as = "") {
        test::copyFile(kFixtures + "/" + fixture + ".so", dir.file((as.empty() ? fixture : as) + ".so"));
    }

public:
    void testLoadsAPlainCPlugin() {
        test::TempDir dir;
        install(dir, "good_tools");
        const LoadResult r = load(dir);
        CPPUNIT_ASSERT_EQUAL(size_t(1), r.plugins.size());
        const PluginReport* rep = reportFor(r, "good_tools.so");
        CPPUNIT_ASSERT(rep && rep->loaded);
        CPPUNIT_ASSERT_EQUAL(std::string("fixture-good"), rep->id);
        CPPUNIT_ASSERT_MESSAGE(rep->message, rep->message.find("fixture.mutate[mutating]") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(size_t(4), r.tools.size());
        auto echo = toolNamed(r, "fixture.echo");
        CPPUNIT_ASSERT(echo);
        CPPUNIT_ASSERT(echo->info().effect == Effect::ReadOnly);
        CPPUNIT_ASSERT_EQUAL(std::string("fixture_echo"), echo->info().function);
        CPPUNIT_ASSERT(toolNamed(r, "fixture.mutate")->info().effect == Effect::Mutating);
    }

    void testRefusesBadPluginsWithPreciseReasonsAndKeepsGoing() {
        test::TempDir dir;
        for (const char* f : {"good_tools", "wrong_major", "short_struct", "bad_schema", "no_entry", "failing_create"}) {
            install(dir, f);
        }
        test::writeFile(dir.file("garbage.so"), "this is not an ELF file");
        ::chmod(dir.file("garbage.so").c_str(), 0644);
        test::writeFile(dir.file("README.txt"), "ignored: not a .so");
        const LoadResult r = load(dir);
        CPPUNIT_ASSERT_EQUAL(size_t(1), r.plugins.size());
        CPPUNIT_ASSERT_EQUAL(size_t(7), r.reports.size());
        const auto expect = [&](const std::string& file, const std::string& fragment) {
            const PluginReport* rep = reportFor(r, file);
            CPPUNIT_ASSERT_MESSAGE(file, rep != nullptr);
            CPPUNIT_ASSERT_MESSAGE(file, !rep->loaded);
            CPPUNIT_ASSERT_MESSAGE(file + ": '" + rep->message + "' lacks '" + fragment + "'",
                                   rep->message.find(fragment) != std::string::npos);
        };
        expect("wrong_major.so", "built for ABI 2.0, host provides ABI 1.3");
        expect("short_struct.so", "entry struct is 16 bytes, ABI 1.3 needs at least 48");
        expect("bad_schema.so", "capability 'fixture_bad_schema.broken': input_schema is not a JSON object");
        expect("no_entry.so", "does not export homelab_assistant_plugin_entry");
        expect("failing_create.so", "create() failed: sensor /dev/fixture not found");
        expect("garbage.so", "cannot be loaded");
        CPPUNIT_ASSERT(reportFor(r, "good_tools.so")->loaded);
    }

    void testRefusesWritableFilesAndDirectories() {
        test::TempDir dir;
        install(dir, "good_tools");
        ::chmod(dir.file("good_tools.so").c_str(), 0775);
        LoadResult r = load(dir);
        CPPUNIT_ASSERT(r.plugins.empty());
        CPPUNIT_ASSERT(reportFor(r, "good_tools.so")->message.find("group- or world-writable (mode 0775)") != std::string::npos);

        ::chmod(dir.file("good_tools.so").c_str(), 0755);
        ::chmod(dir.path().c_str(), 0777);
        r = load(dir);
        CPPUNIT_ASSERT(r.plugins.empty());
        ::chmod(dir.path().c_str(), 0755);
        CPPUNIT_ASSERT_EQUAL(size_t(1), load(dir).plugins.size());
    }

    void testRefusesDuplicateIds() {
        test::TempDir dir;
        install(dir, "good_tools", "a_first");
        install(dir, "good_tools", "b_second");
        const LoadResult r = load(dir);
        CPPUNIT_ASSERT_EQUAL(size_t(1), r.plugins.size());
        CPPUNIT_ASSERT(reportFor(r, "a_first.so")->loaded);
        CPPUNIT_ASSERT(reportFor(r, "b_second.so")->message.find("plugin id 'fixture-good' is already provided") !=
                       std::string::npos);
    }

    void testMissingDirectoryLoadsNothing() {
        LoaderOptions o;
        o.directory = "/nonexistent/plugins";
        const LoadResult r = PluginLoader(o).loadAll();
        CPPUNIT_ASSERT(r.plugins.empty());
        CPPUNIT_ASSERT(r.reports.empty());
    }

    void testCallsThroughTheAbi() {
        test::TempDir dir;
        install(dir, "good_tools");
        const LoadResult r = load(dir);
        const auto deadline = Deadline::after(std::chrono::seconds(2));
        ToolOutput echo = toolNamed(r, "fixture.echo")->invoke(R"({"text":"hi","count":2})", deadline, {});
        CPPUNIT_ASSERT(echo.status == CallStatus::Ok);
        // The result is passed on as the plugin wrote it (condensed, members in its order).
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"text":"hi","count":2})"), json::stringify(echo.result));
        CPPUNIT_ASSERT_EQUAL(std::string("hi"), *json::getString(json::asObject(echo.result), "text"));

        ToolOutput fail = toolNamed(r, "fixture.fail")->invoke("{}", deadline, {});
        CPPUNIT_ASSERT(fail.status == CallStatus::Unavailable);
        CPPUNIT_ASSERT_EQUAL(std::string("fixture failure"), fail.error);

        ToolOutput bad = toolNamed(r, "fixture.bad_output")->invoke("{}", deadline, {});
        CPPUNIT_ASSERT(bad.status == CallStatus::Internal);
        CPPUNIT_ASSERT(bad.error.find("returned invalid output") != std::string::npos);
    }

    void testExceptionThroughTheAbiIsContained() {
        test::TempDir dir;
        install(dir, "throws");
        const LoadResult r = load(dir);
        CPPUNIT_ASSERT_EQUAL(size_t(1), r.tools.size());
        for (int i = 0; i < 3; ++i) {  // and again: the plugin stays usable
            ToolOutput out = r.tools[0]->invoke("{}", Deadline::after(std::chrono::seconds(2)), {});
            CPPUNIT_ASSERT(out.status == CallStatus::Internal);
            CPPUNIT_ASSERT_MESSAGE(out.error, out.error.find("exception") != std::string::npos);
        }
    }

    void testInstantCapabilityRunsOnTheCallersThreadUntilItOverruns() {
        test::TempDir dir;
        install(dir, "instant");
        install(dir, "good_tools");
        const LoadResult r = load(dir);
        auto instant = toolNamed(r, "fixture_instant.thread");
        CPPUNIT_ASSERT(instant && instant->info().instant);
        CPPUNIT_ASSERT(!toolNamed(r, "fixture.echo")->info().instant);  // no flags: a call thread
        const auto threadOf = [](const ToolOutput& out) { return *json::getInt(json::asObject(out.result), "tid"); };
        const int64_t self = static_cast<int64_t>(::gettid());
        ToolOutput out = instant->invoke("{}", Deadline::after(std::chrono::milliseconds(200)), {});
        CPPUNIT_ASSERT(out.status == CallStatus::Ok);
        CPPUNIT_ASSERT_EQUAL(self, threadOf(out));
        // The promise broken: 400 ms past a 200 ms deadline fails as timed out, after the fact...
        out = instant->invoke(R"({"sleep_ms":400})", Deadline::after(std::chrono::milliseconds(200)), {});
        CPPUNIT_ASSERT(out.status == CallStatus::Timeout);
        CPPUNIT_ASSERT_MESSAGE(out.error, out.error.find("did not answer in time") != std::string::npos);
        // ...and the capability's calls go to a call thread from then on, with their deadline kept.
        out = instant->invoke("{}", Deadline::after(std::chrono::milliseconds(200)), {});
        CPPUNIT_ASSERT(out.status == CallStatus::Ok);
        CPPUNIT_ASSERT(threadOf(out) != self);
        const uint64_t start = Deadline::nowNs();
        out = instant->invoke(R"({"sleep_ms":2000})", Deadline::after(std::chrono::milliseconds(200)), {});
        CPPUNIT_ASSERT(out.status == CallStatus::Timeout);
        CPPUNIT_ASSERT_MESSAGE(std::to_string(elapsedMs(start)), elapsedMs(start) < 1500);
    }

    void testFromMemoryCapabilityIsAskedOnTheCallersThreadFirst() {
        test::TempDir dir;
        install(dir, "from_memory");
        const LoadResult r = load(dir);
        auto tool = toolNamed(r, "fixture_memory.thread");
        CPPUNIT_ASSERT(tool && tool->info().fromMemory && !tool->info().instant);
        const auto field = [](const ToolOutput& out, const char* key) { return json::asObject(out.result)->get(key); };
        const int64_t self = static_cast<int64_t>(::gettid());
        const auto deadline = [] { return Deadline::after(std::chrono::milliseconds(200)); };
        // Nothing in memory yet: the plugin says it would block, the call goes to a call thread.
        ToolOutput out = tool->invoke("{}", deadline(), {});
        CPPUNIT_ASSERT_MESSAGE(out.error, out.status == CallStatus::Ok);
        CPPUNIT_ASSERT(!field(out, "memory").convert<bool>());
        CPPUNIT_ASSERT(field(out, "tid").convert<int64_t>() != self);
        // Now it is: answered on this thread, no hand-off.
        out = tool->invoke("{}", deadline(), {});
        CPPUNIT_ASSERT(out.status == CallStatus::Ok);
        CPPUNIT_ASSERT(field(out, "memory").convert<bool>());
        CPPUNIT_ASSERT_EQUAL(self, field(out, "tid").convert<int64_t>());
        // "Would block" is an answer only a memory-only call may get.
        out = tool->invoke(R"({"always_blocks":true})", deadline(), {});
        CPPUNIT_ASSERT(out.status == CallStatus::Internal);
        CPPUNIT_ASSERT_MESSAGE(out.error, out.error.find("would block") != std::string::npos);
        // A memory-only call that blocks after all fails as timed out and costs the hint...
        out = tool->invoke(R"({"sleep_ms":400})", deadline(), {});
        CPPUNIT_ASSERT(out.status == CallStatus::Timeout);
        // ...so later calls start on a call thread, with their deadline kept.
        out = tool->invoke("{}", deadline(), {});
        CPPUNIT_ASSERT(out.status == CallStatus::Ok);
        CPPUNIT_ASSERT(!field(out, "memory").convert<bool>());
        CPPUNIT_ASSERT(field(out, "tid").convert<int64_t>() != self);
        const uint64_t start = Deadline::nowNs();
        out = tool->invoke(R"({"sleep_ms":2000})", deadline(), {});
        CPPUNIT_ASSERT(out.status == CallStatus::Timeout);
        CPPUNIT_ASSERT_MESSAGE(std::to_string(elapsedMs(start)), elapsedMs(start) < 1500);
    }

    void testInstantAnswersRunOnTheCallersThreadUntilOneOverruns() {
        test::TempDir dir;
        install(dir, "instant");
        LoaderOptions o;
        o.directory = dir.path();
        o.createTimeout = std::chrono::milliseconds(5000);
        o.answersTimeout = std::chrono::milliseconds(200);
        const LoadResult r = PluginLoader(o).loadAll();
        CPPUNIT_ASSERT_EQUAL(size_t(1), r.answerers.size());
        const auto checkedOn = [&](const std::string& arguments) -> std::optional<std::string> {
            ToolExecution ex;
            ex.record.capability = "fixture_instant.thread";
            ex.record.arguments = json::parse(arguments);
            ex.record.status = CallStatus::Ok;
            std::string error;
            const auto findings = r.answerers[0]->checks({&ex}, {}, error);
            if (!findings || findings->empty()) return std::nullopt;
            return findings->front().message;
        };
        const std::string self = std::to_string(::gettid());
        CPPUNIT_ASSERT_EQUAL(self, checkedOn("{}").value_or("none"));
        CPPUNIT_ASSERT(!checkedOn(R"({"sleep_ms":400})"));  // overran: no findings, the hint is gone
        const auto later = checkedOn("{}");
        CPPUNIT_ASSERT(later && *later != self);
        const uint64_t start = Deadline::nowNs();
        CPPUNIT_ASSERT(!checkedOn(R"({"sleep_ms":2000})"));  // on a call thread: the deadline holds
        CPPUNIT_ASSERT_MESSAGE(std::to_string(elapsedMs(start)), elapsedMs(start) < 1500);
    }

    void testHangingPluginTimesOutAndIsFenced() {
        test::TempDir dir;
        install(dir, "hangs");
        const LoadResult r = load(dir);
        auto hang = toolNamed(r, "fixture_hangs.hang");
        CPPUNIT_ASSERT(hang);
        CPPUNIT_ASSERT_EQUAL(int64_t(300), static_cast<int64_t>(hang->info().timeout.count()));
        for (int i = 0; i < 4; ++i) {
            const uint64_t start = Deadline::nowNs();
            ToolOutput out = hang->invoke("{}", Deadline::after(std::chrono::milliseconds(300)), {});
            const double ms = elapsedMs(start);
            CPPUNIT_ASSERT(out.status == CallStatus::Timeout);
            CPPUNIT_ASSERT_MESSAGE(std::to_string(ms), ms >= 300 && ms < 1500);
            CPPUNIT_ASSERT(out.error.find("did not answer in time") != std::string::npos);
        }
        // Four calls are stuck inside the plugin: the next is refused at once.
        const uint64_t start = Deadline::nowNs();
        ToolOutput out = hang->invoke("{}", Deadline::after(std::chrono::milliseconds(300)), {});
        CPPUNIT_ASSERT(out.status == CallStatus::Unavailable);
        CPPUNIT_ASSERT(out.error.find("unresponsive") != std::string::npos);
        CPPUNIT_ASSERT(elapsedMs(start) < 100);
    }

    void testMutatingCapabilityIsNeverInvoked() {
        test::TempDir dir;
        install(dir, "good_tools");
        const LoadResult r = load(dir);
        const ToolRegistry registry(r.tools);
        const Policy policy = PolicyLoader::loadText("allow: [\"*\"]\n", "policy.yaml");
        const ToolExecutor executor(registry, policy, std::chrono::milliseconds(1000));
        const ToolExecution ex = executor.execute("fixture.mutate", "{}", Deadline::after(std::chrono::seconds(1)));
        CPPUNIT_ASSERT(ex.record.status == CallStatus::Denied);
        CPPUNIT_ASSERT(ex.result.isEmpty());
        for (const auto& f : executor.offeredFunctions()) CPPUNIT_ASSERT(f.capability != "fixture.mutate");
        CPPUNIT_ASSERT_EQUAL(size_t(3), executor.offeredFunctions().size());
    }

    void testAbi10PluginLoadsAndWorks() {
        test::TempDir dir;
        install(dir, "abi10_tools");
        const LoadResult r = load(dir);
        const PluginReport* rep = reportFor(r, "abi10_tools.so");
        CPPUNIT_ASSERT_MESSAGE(rep->message, rep->loaded);
        CPPUNIT_ASSERT(rep->message.find("(ABI 1.0)") != std::string::npos);
        ToolOutput out = toolNamed(r, "fixture_abi10.echo")->invoke(R"({"text":"old"})", Deadline::after(std::chrono::seconds(2)), {});
        CPPUNIT_ASSERT(out.status == CallStatus::Ok);
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"text":"old"})"), json::stringify(out.result));
    }

    void testGroupBelongsToThePluginNamedLikeIt() {
        test::TempDir dir;
        install(dir, "intruder");  // loads first, but "fixture_hangs" is fixture-hangs' group
        install(dir, "hangs");
        const LoadResult r = load(dir);
        CPPUNIT_ASSERT(reportFor(r, "hangs.so")->loaded);
        const PluginReport* rep = reportFor(r, "intruder.so");
        CPPUNIT_ASSERT(!rep->loaded);
        CPPUNIT_ASSERT_EQUAL(std::string("capability 'fixture_hangs.sneak' is in group 'fixture_hangs', which belongs "
                                         "to plugin 'fixture-hangs' (hangs.so)"),
                             rep->message);
        CPPUNIT_ASSERT(!toolNamed(r, "fixture_hangs.sneak"));
        CPPUNIT_ASSERT_EQUAL(size_t(1), r.plugins.size());
    }

    void testFunctionNameCollisionsAreRefused() {
        test::TempDir dir;
        install(dir, "collide_a");
        install(dir, "collide_b");
        const LoadResult r = load(dir);
        CPPUNIT_ASSERT(reportFor(r, "collide_a.so")->loaded);
        CPPUNIT_ASSERT_EQUAL(std::string("capability 'coll_a_x.y' would reach a model as function 'coll_a_x_y', which "
                                         "capability 'coll_a.x_y' already uses"),
                             reportFor(r, "collide_b.so")->message);
    }

    void testSettingsAreCheckedAgainstTheSchema() {
        test::TempDir dir;
        install(dir, "example_ups");
        LoadResult r = load(dir, R"({"status_file":5})");
        const PluginReport* rep = reportFor(r, "example_ups.so");
        CPPUNIT_ASSERT(!rep->loaded && rep->settingsRejected && r.anySettingsRejected());
        CPPUNIT_ASSERT_EQUAL(std::string("settings (plugins.settings.example-ups): $.status_file: expected string, got integer"),
                             rep->message);
        r = load(dir, R"({"status_fil":"/run/ups"})");
        CPPUNIT_ASSERT(reportFor(r, "example_ups.so")->message.find("unexpected property 'status_fil'") != std::string::npos);
        r = load(dir, R"({"status_file":"/run/ups/status"})");
        CPPUNIT_ASSERT(reportFor(r, "example_ups.so")->loaded && !r.anySettingsRejected());
    }

    void testSecretSettingsAreMasked() {
        test::TempDir dir;
        test::copyFile(std::string(HA_BUILD_PLUGIN_DIR) + "/provider-groq.so", dir.file("provider-groq.so"));
        install(dir, "good_tools");
        Redactor redactor;
        // Not shaped like any known key: only the schema's writeOnly mark (and the key's name) says it is secret.
        const LoadResult r = load(dir, R"({"api_key":"plain-looking-value-42"})", &redactor);
        CPPUNIT_ASSERT(reportFor(r, "provider-groq.so")->loaded);
        CPPUNIT_ASSERT_EQUAL(std::string("key [REDACTED] here"), redactor.redact("key plain-looking-value-42 here"));
    }

    void testAnswersInterfaceIsBound() {
        test::TempDir dir;
        install(dir, "example_ups");
        install(dir, "good_tools");
        const LoadResult r = load(dir);
        CPPUNIT_ASSERT_EQUAL(size_t(1), r.answerers.size());
        CPPUNIT_ASSERT_EQUAL(std::string("example-ups"), r.answerers[0]->plugin());
        CPPUNIT_ASSERT(reportFor(r, "example_ups.so")->message.find(", answers") != std::string::npos);
        const AnswerProfile& p = r.answerers[0]->profile();
        CPPUNIT_ASSERT(std::find(p.vocabulary.begin(), p.vocabulary.end(), "battery") != p.vocabulary.end());
        CPPUNIT_ASSERT_EQUAL(size_t(1), p.checks.size());
        CPPUNIT_ASSERT_EQUAL(std::string("ups.status"), p.checks[0].capability);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PluginLoaderTest);

}  // namespace ha::plugin
