#include "TestSupport.h"
#include "plugin/PluginLoader.h"
#include "policy/PolicyLoader.h"
#include "tools/ToolExecutor.h"
#include "tools/ToolRegistry.h"

#include <cppunit/extensions/HelperMacros.h>

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
    CPPUNIT_TEST(testMutatingCapabilityIsNeverInvoked);
    CPPUNIT_TEST_SUITE_END();

    LoadResult load(const test::TempDir& dir) {
        LoaderOptions o;
        o.directory = dir.path();
        o.createTimeout = std::chrono::milliseconds(5000);
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
        expect("wrong_major.so", "built for ABI 2.0, host provides ABI 1.1");
        expect("short_struct.so", "entry struct is 16 bytes, ABI 1.1 needs at least 48");
        expect("bad_schema.so", "capability 'fixture.broken': input_schema is not a JSON object");
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
        ToolOutput echo = toolNamed(r, "fixture.echo")->invoke(R"({"text":"hi","count":2})", deadline);
        CPPUNIT_ASSERT(echo.status == CallStatus::Ok);
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"count":2,"text":"hi"})"), json::stringify(echo.result));

        ToolOutput fail = toolNamed(r, "fixture.fail")->invoke("{}", deadline);
        CPPUNIT_ASSERT(fail.status == CallStatus::Unavailable);
        CPPUNIT_ASSERT_EQUAL(std::string("fixture failure"), fail.error);

        ToolOutput bad = toolNamed(r, "fixture.bad_output")->invoke("{}", deadline);
        CPPUNIT_ASSERT(bad.status == CallStatus::Internal);
        CPPUNIT_ASSERT(bad.error.find("returned invalid output") != std::string::npos);
    }

    void testExceptionThroughTheAbiIsContained() {
        test::TempDir dir;
        install(dir, "throws");
        const LoadResult r = load(dir);
        CPPUNIT_ASSERT_EQUAL(size_t(1), r.tools.size());
        for (int i = 0; i < 3; ++i) {  // and again: the plugin stays usable
            ToolOutput out = r.tools[0]->invoke("{}", Deadline::after(std::chrono::seconds(2)));
            CPPUNIT_ASSERT(out.status == CallStatus::Internal);
            CPPUNIT_ASSERT_MESSAGE(out.error, out.error.find("exception") != std::string::npos);
        }
    }

    void testHangingPluginTimesOutAndIsFenced() {
        test::TempDir dir;
        install(dir, "hangs");
        const LoadResult r = load(dir);
        auto hang = toolNamed(r, "fixture.hang");
        CPPUNIT_ASSERT(hang);
        CPPUNIT_ASSERT_EQUAL(int64_t(300), static_cast<int64_t>(hang->info().timeout.count()));
        for (int i = 0; i < 4; ++i) {
            const uint64_t start = Deadline::nowNs();
            ToolOutput out = hang->invoke("{}", Deadline::after(std::chrono::milliseconds(300)));
            const double ms = elapsedMs(start);
            CPPUNIT_ASSERT(out.status == CallStatus::Timeout);
            CPPUNIT_ASSERT_MESSAGE(std::to_string(ms), ms >= 300 && ms < 1500);
            CPPUNIT_ASSERT(out.error.find("did not answer in time") != std::string::npos);
        }
        // Four calls are stuck inside the plugin: the next is refused at once.
        const uint64_t start = Deadline::nowNs();
        ToolOutput out = hang->invoke("{}", Deadline::after(std::chrono::milliseconds(300)));
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
};

CPPUNIT_TEST_SUITE_REGISTRATION(PluginLoaderTest);

}  // namespace ha::plugin
