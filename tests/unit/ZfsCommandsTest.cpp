// How the zfs plugin picks and runs its commands, against stand-in zpool/zfs scripts that
// answer each exact argv with a recorded output (tests/fixtures/zfs/) and log what they were
// asked: OpenZFS 2.3 (JSON), OpenZFS 2.1 (text with -p) and zfs-fuse (old text), the cache,
// and zpool failing, hanging or missing.
#include "TestSupport.h"
#include "ZfsFixtures.h"

#include "tools/zfs/ZfsCommands.h"

#include <homelab_assistant/plugin.hpp>

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <sys/stat.h>
#include <thread>

namespace ha {

using namespace ha_plugins::zfs;

namespace {

uint64_t in(int ms) { return homelab_assistant::monotonicNowNs() + static_cast<uint64_t>(ms) * 1000000ull; }

// A directory with stand-ins for zpool and zfs; `cases` maps "args" to a shell snippet.
class FakeZfs {
public:
    explicit FakeZfs(const std::string& cases) {
        const std::string body = "#!/bin/sh\nD=" + dir_.path() + "\necho \"$(basename \"$0\") $*\" >> \"$D/calls\"\ncase \"$(basename \"$0\") $*\" in\n" +
                                 cases + "\n*) echo \"unexpected arguments: $*\" >&2; exit 99 ;;\nesac\n";
        for (const char* tool : {"zpool", "zfs"}) {
            test::writeFile(dir_.file(tool), body);
            ::chmod(dir_.file(tool).c_str(), 0755);
        }
    }
    void put(const std::string& name, const std::string& content) { test::writeFile(dir_.file(name), content); }
    ZfsCommandSettings settings(int timeoutMs = 5000) const {
        ZfsCommandSettings s;
        s.zpool = dir_.file("zpool");
        s.zfs = dir_.file("zfs");
        s.limits.timeout = std::chrono::milliseconds(timeoutMs);
        return s;
    }
    std::string calls() const { return test::readFile(dir_.file("calls")); }

private:
    test::TempDir dir_;
};

size_t countOf(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

}  // namespace

class ZfsCommandsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ZfsCommandsTest);
    CPPUNIT_TEST(testZfsFuse);
    CPPUNIT_TEST(testOpenZfsText);
    CPPUNIT_TEST(testOpenZfsJson);
    CPPUNIT_TEST(testBurstRunsEachCommandOnce);
    CPPUNIT_TEST(testFailingHangingMissing);
    CPPUNIT_TEST(testModuleNotLoaded);
    CPPUNIT_TEST_SUITE_END();

public:
    void testZfsFuse() {
        FakeZfs fake(
            "\"zpool version -j\"|\"zpool version\") cat \"$D/version.err\" >&2; exit 2 ;;\n"
            "\"zpool list -H -o name,size,allocated,free,capacity,health\") cat \"$D/list\" ;;\n"
            "\"zpool status\") cat \"$D/status\" ;;\n"
            "\"zfs get -H -p -o name,property,value type,used,available,referenced,quota,compressratio,mountpoint,creation\") cat \"$D/get\" ;;");
        fake.put("version.err", zfsFixture("zfs-fuse-0.7-zpool-version.stderr"));
        fake.put("list", zfsFixture("zfs-fuse-0.7-zpool-list.txt"));
        fake.put("status", zfsFixture("zfs-fuse-0.7-zpool-status.txt"));
        fake.put("get", zfsFixture("zfs-fuse-0.7-zfs-get.txt"));
        ZfsCommands commands(fake.settings());
        const auto v = commands.version(in(5000));
        CPPUNIT_ASSERT(v.has_value());
        CPPUNIT_ASSERT(v->flavour == Flavour::Legacy);
        CPPUNIT_ASSERT_EQUAL(size_t(3), commands.pools(*v, in(5000)).size());
        CPPUNIT_ASSERT_EQUAL(std::string("DEGRADED"), commands.status(*v, in(5000)).at(1).state);
        const auto listing = commands.datasets(*v, in(5000));
        CPPUNIT_ASSERT_EQUAL(size_t(4), listing.datasets.size());
        CPPUNIT_ASSERT_EQUAL(size_t(2), listing.snapshots.size());
        CPPUNIT_ASSERT_EQUAL(std::string("zpool version -j\nzpool version\n"
                                         "zpool list -H -o name,size,allocated,free,capacity,health\nzpool status\n"
                                         "zfs get -H -p -o name,property,value type,used,available,referenced,quota,compressratio,mountpoint,creation\n"),
                             fake.calls());
    }

    void testOpenZfsText() {
        FakeZfs fake(
            "\"zpool version -j\") echo \"invalid option 'j'\" >&2; exit 2 ;;\n"
            "\"zpool version\") printf 'zfs-2.1.11-1\\nzfs-kmod-2.1.11-1\\n' ;;\n"
            "\"zpool list -H -p -o name,size,allocated,free,capacity,fragmentation,health\") cat \"$D/list\" ;;\n"
            "\"zpool status -p\") cat \"$D/status\" ;;\n"
            "\"zfs list -H -p -t filesystem,volume -o name,type,used,available,referenced,quota,compressratio,mountpoint\") "
            "printf 'store\\tfilesystem\\t3046188658688\\t6935315337216\\t98304\\t0\\t1.02\\t/mnt/store\\n' ;;\n"
            "\"zfs list -H -p -t snapshot -o name,creation\") printf 'store@daily\\t1796158968\\n' ;;");
        fake.put("list", zfsFixture("openzfs-2.x-zpool-list-Hp.txt"));
        fake.put("status", zfsFixture("openzfs-2.3-zpool-status-resilvering.txt"));
        ZfsCommands commands(fake.settings());
        const auto v = commands.version(in(5000));
        CPPUNIT_ASSERT(v->flavour == Flavour::Text);
        CPPUNIT_ASSERT_EQUAL(std::string("zfs-2.1.11-1"), v->userland);
        CPPUNIT_ASSERT_EQUAL(uint64_t(9981503995904), *commands.pools(*v, in(5000)).at(0).size);
        CPPUNIT_ASSERT_EQUAL(std::string("resilver"), commands.status(*v, in(5000)).at(0).scans.at(0).function);
        const auto listing = commands.datasets(*v, in(5000));
        CPPUNIT_ASSERT_EQUAL(1.02, *listing.datasets.at(0).compressRatio);
        CPPUNIT_ASSERT_EQUAL(int64_t(1796158968), *listing.snapshots.at(0).creation);
    }

    void testOpenZfsJson() {
        FakeZfs fake(
            "\"zpool version -j\") echo '{\"output_version\":{\"command\":\"zpool version\",\"vers_major\":0,\"vers_minor\":1},"
            "\"zfs_version\":{\"userland\":\"zfs-2.3.0-1\",\"kernel\":\"zfs-kmod-2.3.0-1\"}}' ;;\n"
            "\"zpool list -j -p --json-int -o name,size,allocated,free,capacity,fragmentation,health\") cat \"$D/list\" ;;\n"
            "\"zpool status -j -p --json-int\") cat \"$D/status\" ;;\n"
            "\"zfs list -j -p --json-int -t filesystem,volume -o name,type,used,available,referenced,quota,compressratio,mountpoint\") cat \"$D/datasets\" ;;\n"
            "\"zfs list -H -p -t snapshot -o name,creation\") printf 'pool/home/bob@v1\\t1796158968\\n' ;;");
        fake.put("list", zfsFixture("openzfs-2.3-zpool-list-man.json"));
        fake.put("status", zfsFixture("openzfs-2.4-zpool-status-json-int-excerpt.json"));
        fake.put("datasets", zfsFixture("openzfs-2.3-zfs-list-man.json"));
        ZfsCommands commands(fake.settings());
        const auto v = commands.version(in(5000));
        CPPUNIT_ASSERT(v->flavour == Flavour::Json);
        CPPUNIT_ASSERT_EQUAL(std::string("zfs-kmod-2.3.0-1"), v->kernel);
        CPPUNIT_ASSERT_EQUAL(std::string("tank"), commands.pools(*v, in(5000)).at(0).name);
        CPPUNIT_ASSERT_EQUAL(int64_t(1767829343), *commands.status(*v, in(5000)).at(0).scans.at(0).endTime);
        const auto listing = commands.datasets(*v, in(5000));
        CPPUNIT_ASSERT_EQUAL(size_t(3), listing.datasets.size());
        CPPUNIT_ASSERT_EQUAL(size_t(1), listing.snapshots.size());  // from the -H listing, not the JSON one
        CPPUNIT_ASSERT_EQUAL(int64_t(1796158968), *listing.snapshots[0].creation);
        CPPUNIT_ASSERT_EQUAL(size_t(1), countOf(fake.calls(), "zpool version"));  // JSON answered at once
    }

    void testBurstRunsEachCommandOnce() {
        FakeZfs fake(
            "\"zpool version -j\"|\"zpool version\") cat \"$D/version.err\" >&2; exit 2 ;;\n"
            "\"zpool status\") sleep 0.3; cat \"$D/status\" ;;");
        fake.put("version.err", zfsFixture("zfs-fuse-0.7-zpool-version.stderr"));
        fake.put("status", zfsFixture("zfs-fuse-0.7-zpool-status.txt"));
        ZfsCommands commands(fake.settings());
        const auto v = *commands.version(in(5000));
        std::vector<std::thread> burst;
        std::atomic<int> answers{0};
        for (int i = 0; i < 6; ++i) {
            burst.emplace_back([&] {
                if (commands.status(v, in(5000)).size() == 3) ++answers;
            });
        }
        for (auto& t : burst) t.join();
        CPPUNIT_ASSERT_EQUAL(6, answers.load());
        CPPUNIT_ASSERT_EQUAL(size_t(1), countOf(fake.calls(), "zpool status"));
        commands.version(in(5000));  // remembered, not asked again
        CPPUNIT_ASSERT_EQUAL(size_t(2), countOf(fake.calls(), "zpool version"));

        ZfsCommandSettings uncached = fake.settings();
        uncached.cacheTtl = std::chrono::milliseconds(0);
        ZfsCommands every(uncached);
        every.status(v, in(5000));
        every.status(v, in(5000));
        CPPUNIT_ASSERT_EQUAL(size_t(3), countOf(fake.calls(), "zpool status"));
    }

    void testFailingHangingMissing() {
        FakeZfs fake(
            "\"zpool version -j\"|\"zpool version\") cat \"$D/version.err\" >&2; exit 2 ;;\n"
            "\"zpool status\") echo \"internal error: failed to initialize ZFS library\" >&2; exit 1 ;;\n"
            "\"zpool list -H -o name,size,allocated,free,capacity,health\") sleep 30 ;;\n"
            "\"zfs get -H -p -o name,property,value type,used,available,referenced,quota,compressratio,mountpoint,creation\") echo 'garbage' ;;");
        fake.put("version.err", zfsFixture("zfs-fuse-0.7-zpool-version.stderr"));
        ZfsCommands commands(fake.settings(300));
        const auto v = *commands.version(in(5000));
        try {
            commands.status(v, in(5000));
            CPPUNIT_FAIL("a failing zpool status must throw");
        } catch (const homelab_assistant::Error& e) {
            CPPUNIT_ASSERT_EQUAL(HA_ERR_UNAVAILABLE, e.status());
            CPPUNIT_ASSERT_EQUAL(std::string("zpool status exited with status 1: internal error: failed to initialize ZFS library"),
                                 std::string(e.what()));
        }
        const auto t0 = std::chrono::steady_clock::now();
        try {
            commands.pools(v, in(5000));
            CPPUNIT_FAIL("a hanging zpool list must time out");
        } catch (const homelab_assistant::Error& e) {
            CPPUNIT_ASSERT_EQUAL(HA_ERR_TIMEOUT, e.status());
            CPPUNIT_ASSERT(std::string(e.what()).find("300 ms (command_timeout_ms)") != std::string::npos);
        }
        CPPUNIT_ASSERT(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
        try {
            commands.datasets(v, in(5000));
            CPPUNIT_FAIL("unreadable output must throw");
        } catch (const homelab_assistant::Error& e) {
            CPPUNIT_ASSERT_EQUAL(HA_ERR_INTERNAL, e.status());
            CPPUNIT_ASSERT(std::string(e.what()).rfind("could not read the output of zfs get -H", 0) == 0);
        }

        ZfsCommandSettings missing = fake.settings();
        missing.zpool = "/nonexistent/sbin/zpool";
        ZfsCommands none(missing);
        CPPUNIT_ASSERT(!none.version(in(5000)).has_value());
    }

    void testModuleNotLoaded() {
        // OpenZFS tools without the kernel module: `zpool version` names the tools, exits 1.
        FakeZfs fake(
            "\"zpool version -j\") echo \"The ZFS modules are not loaded.\" >&2; exit 1 ;;\n"
            "\"zpool version\") printf 'zfs-2.1.11-1\\n'; echo 'zfs_version_kernel() failed: No such file or directory' >&2; exit 1 ;;\n"
            "\"zpool status -p\") printf 'The ZFS modules are not loaded.\\nTry running /sbin/modprobe zfs as root to load them.\\n' >&2; exit 1 ;;");
        ZfsCommands commands(fake.settings());
        const auto v = commands.version(in(5000));
        CPPUNIT_ASSERT(v->flavour == Flavour::Text);
        try {
            commands.status(*v, in(5000));
            CPPUNIT_FAIL("no module: status must fail");
        } catch (const homelab_assistant::Error& e) {
            CPPUNIT_ASSERT(std::string(e.what()).find("The ZFS modules are not loaded.") != std::string::npos);
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ZfsCommandsTest);

}  // namespace ha
