// The disk plugin's host view from a container (root_prefix): path translation, the host's and
// the container's recorded mount tables (tests/fixtures/disk), opening paths with the host's
// symlinks, and the real tool-disk.so on a fake procfs and root tree.
#include "TestSupport.h"
#include "plugin/PluginLoader.h"
#include "tools/disk/DiskAnswers.h"
#include "tools/disk/FsStat.h"
#include "tools/disk/HostRoot.h"
#include "tools/disk/MountTable.h"

#include "common/PluginConfig.h"

#include <cppunit/extensions/HelperMacros.h>

#include <Poco/File.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

namespace ha {

using namespace ha_plugins::disk;

namespace {

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(HA_TEST_FIXTURES) + "/disk/" + name);
    CPPUNIT_ASSERT_MESSAGE("missing fixture " + name, in.good());
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// The plugin's default excludes (DiskPlugin.cpp): what a person never wants listed.
const std::vector<std::string> kExcludes = {"/proc", "/sys", "/dev", "/run", "/var/lib/docker", "/var/lib/containers",
                                            "/var/lib/kubelet", "/var/snap", "/snap", "/mnt/.ix-apps", "/var/db/system"};

std::vector<std::string> mountPoints(const std::vector<Mount>& mounts) {
    std::vector<std::string> out;
    for (const Mount& m : mounts) out.push_back(m.mountPoint);
    return out;
}

std::string deviceOf(const std::string& path) {
    struct stat st{};
    CPPUNIT_ASSERT(::stat(path.c_str(), &st) == 0);
    return std::to_string(major(st.st_dev)) + ":" + std::to_string(minor(st.st_dev));
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
    return out;
}

}  // namespace

class DiskHostRootTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(DiskHostRootTest);
    CPPUNIT_TEST(testNormalizesPaths);
    CPPUNIT_TEST(testTranslatesBetweenHostAndContainer);
    CPPUNIT_TEST(testTrueNasHostSeenFromContainer);
    CPPUNIT_TEST(testDebianHostSeenFromContainer);
    CPPUNIT_TEST(testMountOfFollowsTheDevice);
    CPPUNIT_TEST(testOpensWithTheHostsSymlinks);
    CPPUNIT_TEST(testPluginReportsTheHost);
    CPPUNIT_TEST(testPluginRefusesBadSettings);
    CPPUNIT_TEST_SUITE_END();

    static plugin::LoadResult loadDisk(const std::string& settings) {
        plugin::LoaderOptions o;
        o.directory = HA_BUILD_PLUGIN_DIR;
        o.settingsFor = [settings](const plugin::PluginIdentity& id) { return id.id == "disk" ? settings : "{}"; };
        return plugin::PluginLoader(o).loadAll();
    }
    static std::shared_ptr<Tool> diskTool(const plugin::LoadResult& r) {
        for (const auto& t : r.tools) {
            if (t->info().capability == "disk.usage") return t;
        }
        return nullptr;
    }

public:
    void testNormalizesPaths() {
        CPPUNIT_ASSERT_EQUAL(std::string("/"), normalizePath("/"));
        CPPUNIT_ASSERT_EQUAL(std::string("/"), normalizePath("//"));
        CPPUNIT_ASSERT_EQUAL(std::string("/mnt/tank"), normalizePath("/mnt//tank/"));
        CPPUNIT_ASSERT_EQUAL(std::string("/a/c"), normalizePath("/a/./b/../c"));
        // Hostile: climbing out of the host's root stays at its top.
        CPPUNIT_ASSERT_EQUAL(std::string("/etc/shadow"), normalizePath("/../../etc/shadow"));
        CPPUNIT_ASSERT_EQUAL(std::string("/"), normalizePath("/mnt/../../.."));
        CPPUNIT_ASSERT_EQUAL(std::string("/..."), normalizePath("/..."));
    }

    void testTranslatesBetweenHostAndContainer() {
        const HostRoot root("/host/root/");
        CPPUNIT_ASSERT(root.prefixed());
        CPPUNIT_ASSERT_EQUAL(std::string("/host/root"), root.prefix());
        CPPUNIT_ASSERT_EQUAL(std::string("/host/root"), root.local("/"));
        CPPUNIT_ASSERT_EQUAL(std::string("/host/root/mnt/tank"), root.local("/mnt/tank"));
        CPPUNIT_ASSERT_EQUAL(std::string("/host/root/etc"), root.local("/../etc"));  // never above the prefix
        CPPUNIT_ASSERT_EQUAL(std::string("/"), *root.hostName("/host/root"));
        CPPUNIT_ASSERT_EQUAL(std::string("/mnt/tank"), *root.hostName("/host/root/mnt/tank"));
        CPPUNIT_ASSERT(!root.hostName("/host/rootfs/mnt"));  // a sibling, not under the prefix
        CPPUNIT_ASSERT(!root.hostName("/data"));
        // No prefix: the host is this process's own root.
        for (const char* none : {"", "/", "//"}) {
            const HostRoot own(none);
            CPPUNIT_ASSERT(!own.prefixed());
            CPPUNIT_ASSERT_EQUAL(std::string("/mnt/tank"), own.local("/mnt/tank"));
            CPPUNIT_ASSERT_EQUAL(std::string("/data"), *own.hostName("/data"));
        }
        CPPUNIT_ASSERT_THROW(HostRoot("host/root"), std::invalid_argument);
    }

    void testTrueNasHostSeenFromContainer() {
        const auto host = parseMountInfo(fixture("truenas-24.10/host-mountinfo"));
        const auto own = parseMountInfo(fixture("truenas-24.10/container-mountinfo"));
        const HostRoot root("/host/root");
        // What is reported: the host's names; the boot environment's datasets, the pool and its
        // datasets (the bind mount of tank once), no apps dataset, no system dataset, no overlays.
        const auto real = realFilesystems(host, kExcludes);
        CPPUNIT_ASSERT_EQUAL(std::string("/,/audit,/boot/efi,/conf,/data,/etc,/home,/mnt,/mnt/tank,/mnt/tank/backups,"
                                         "/mnt/tank/media,/mnt/tank/media/old photos,/opt,/root,/usr,/var,"
                                         "/var/ca-certificates,/var/log"),
                             joined(mountPoints(real)));
        CPPUNIT_ASSERT_EQUAL(std::string("boot-pool/ROOT/24.10.2.4"), real[0].device);
        CPPUNIT_ASSERT(real[0].readOnly);
        // Reachable from the container: everything but the pool's dataset mounted after it started.
        const auto reachable = root.reachable(own);
        for (const Mount& m : real) {
            CPPUNIT_ASSERT_EQUAL_MESSAGE(m.mountPoint, m.mountPoint != "/mnt/tank/backups", reachable.count(m.mountPoint) > 0);
        }
        // The container's own mounts outside the prefix are not host names.
        CPPUNIT_ASSERT_EQUAL(size_t(0), reachable.count("/etc/resolv.conf"));
        CPPUNIT_ASSERT_EQUAL(size_t(0), reachable.count("/var/run/docker.sock"));
        CPPUNIT_ASSERT_EQUAL(size_t(1), reachable.count("/proc"));  // the host's /proc under /host/root/proc
        // Without the prefix the container's own table names its own mounts: what the fix avoids.
        const auto ownReal = realFilesystems(own, kExcludes);
        CPPUNIT_ASSERT(std::find(mountPoints(ownReal).begin(), mountPoints(ownReal).end(), "/host/root") !=
                       mountPoints(ownReal).end());
    }

    void testDebianHostSeenFromContainer() {
        // Recorded on the test VM: its PID 1's table and a container of the image with compose's mounts.
        const auto host = parseMountInfo(fixture("debian12-docker/host-mountinfo"));
        const auto own = parseMountInfo(fixture("debian12-docker/container-mountinfo"));
        const HostRoot root("/host/root");
        const auto real = realFilesystems(host, kExcludes);
        CPPUNIT_ASSERT(!real.empty());
        CPPUNIT_ASSERT_EQUAL(std::string("/"), real[0].mountPoint);
        CPPUNIT_ASSERT_EQUAL(std::string("ext4"), real[0].type);
        const auto reachable = root.reachable(own);
        CPPUNIT_ASSERT_EQUAL(size_t(1), reachable.count("/"));
        // Every real host filesystem is reachable: the recursive bind mount repeats them all (and
        // more: the container's own mounts show up inside the engine's data root, which is
        // harmless, as only host mount points are looked up).
        for (const Mount& m : real) CPPUNIT_ASSERT_MESSAGE(m.mountPoint, reachable.count(m.mountPoint) > 0);
        // The container's own volume is not a host name.
        CPPUNIT_ASSERT_EQUAL(size_t(0), reachable.count("/data"));
    }

    void testMountOfFollowsTheDevice() {
        const auto host = parseMountInfo(fixture("truenas-24.10/host-mountinfo"));
        // "/srv/media" (a symlink to /mnt/tank/media on the host) was opened on tank/media's device.
        const Mount* m = mountOf(host, "/srv/media", "0:49");
        CPPUNIT_ASSERT(m);
        CPPUNIT_ASSERT_EQUAL(std::string("/mnt/tank/media"), m->mountPoint);
        // A path inside the mount that holds it by name and device.
        CPPUNIT_ASSERT_EQUAL(std::string("/mnt/tank/media/old photos"), mountOf(host, "/mnt/tank/media/old photos/2001", "0:50")->mountPoint);
        // tank's device has two mounts (/mnt/tank and its bind at /mnt/tank/apps-bind): the one holding the path.
        CPPUNIT_ASSERT_EQUAL(std::string("/mnt/tank/apps-bind"), mountOf(host, "/mnt/tank/apps-bind/x", "0:48")->mountPoint);
        CPPUNIT_ASSERT_EQUAL(std::string("/mnt/tank"), mountOf(host, "/elsewhere", "0:48")->mountPoint);
        // An unknown device falls back to the name.
        CPPUNIT_ASSERT_EQUAL(std::string("/var/log"), mountOf(host, "/var/log/x", "9:9")->mountPoint);
    }

    void testOpensWithTheHostsSymlinks() {
        test::TempDir dir;
        const std::string root = dir.file("root");
        Poco::File(root + "/mnt/tank").createDirectories();
        Poco::File(root + "/srv").createDirectories();
        Poco::File(root + "/outside").createDirectories();
        Poco::File(dir.file("outside")).createDirectories();
        CPPUNIT_ASSERT(::symlink("/mnt/tank", (root + "/srv/tank").c_str()) == 0);        // absolute, as on the host
        CPPUNIT_ASSERT(::symlink("../../../outside", (root + "/srv/up").c_str()) == 0);   // tries to leave the root
        struct stat tank{}, top{}, inside{};
        CPPUNIT_ASSERT(::stat((root + "/mnt/tank").c_str(), &tank) == 0 && ::stat(root.c_str(), &top) == 0 &&
                       ::stat((root + "/outside").c_str(), &inside) == 0);

        FsStat st;
        CPPUNIT_ASSERT(statUnderRoot(root, "/srv/tank", st));
        CPPUNIT_ASSERT_EQUAL(static_cast<ino_t>(tank.st_ino), st.inode);  // the host's /mnt/tank, inside the root
        CPPUNIT_ASSERT(statUnderRoot(root, "/srv/up", st));
        CPPUNIT_ASSERT_EQUAL(static_cast<ino_t>(inside.st_ino), st.inode);  // ".." stops at the root: <root>/outside
        CPPUNIT_ASSERT(statUnderRoot(root, "/", st));
        CPPUNIT_ASSERT_EQUAL(static_cast<ino_t>(top.st_ino), st.inode);
        CPPUNIT_ASSERT_EQUAL(deviceOf(root), st.majorMinor);
        CPPUNIT_ASSERT(st.vfs.f_blocks > 0);
        CPPUNIT_ASSERT(!statUnderRoot(root, "/missing", st));
        CPPUNIT_ASSERT_EQUAL(ENOENT, errno);
        // No root: this process's own paths.
        CPPUNIT_ASSERT(statUnderRoot("", root + "/mnt/tank", st));
        CPPUNIT_ASSERT_EQUAL(static_cast<ino_t>(tank.st_ino), st.inode);
    }

    void testPluginReportsTheHost() {
        // A fake host procfs: PID 1's table lists /, /mnt/tank (reachable) and /mnt/late (mounted
        // after the container started); "self" is the container, with the host's / at <root>.
        // /mnt/tank has the temporary directory's real device (so a path resolved into it is
        // found by device), / a device of its own (so the two are not one filesystem).
        test::TempDir dir;
        const std::string root = dir.file("host-root");
        Poco::File(root + "/mnt/tank/sub").createDirectories();
        Poco::File(root + "/mnt/late").createDirectories();
        Poco::File(root + "/srv").createDirectories();
        CPPUNIT_ASSERT(::symlink("/mnt/tank", (root + "/srv/link").c_str()) == 0);
        const std::string dev = deviceOf(root);
        Poco::File(dir.file("proc/1")).createDirectories();
        Poco::File(dir.file("proc/self")).createDirectories();
        test::writeFile(dir.file("proc/1/mountinfo"),
                        "26 1 0:98 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"
                        "40 26 " + dev + " / /mnt/tank rw,noatime shared:2 - zfs tank rw\n"
                        "41 26 0:99 / /mnt/late rw,noatime shared:3 - zfs late rw\n"
                        "42 26 0:25 / /run rw - tmpfs tmpfs rw\n");
        test::writeFile(dir.file("proc/self/mountinfo"),
                        "500 480 0:60 / / ro,relatime - overlay overlay ro\n"
                        "510 500 0:98 / " + root + " ro,relatime - ext4 /dev/vda rw\n"
                        "511 510 " + dev + " / " + root + "/mnt/tank rw,noatime - zfs tank rw\n"
                        "512 500 0:61 / /data rw - ext4 /dev/vdb rw\n");
        const auto r = loadDisk(R"({"proc_root":")" + dir.file("proc") + R"(","root_prefix":")" + root + R"("})");
        auto tool = diskTool(r);
        CPPUNIT_ASSERT(tool);
        ToolOutput out = tool->invoke("{}", Deadline::after(std::chrono::seconds(5)), {});
        CPPUNIT_ASSERT_MESSAGE(out.error, out.status == CallStatus::Ok);
        const auto result = json::asObject(out.result);
        const auto list = json::getArray(result, "filesystems");
        CPPUNIT_ASSERT_EQUAL(size_t(2), list->size());
        CPPUNIT_ASSERT_EQUAL(std::string("/"), *json::getString(json::asObject(list->get(0)), "mount_point"));
        CPPUNIT_ASSERT_EQUAL(std::string("/mnt/tank"), *json::getString(json::asObject(list->get(1)), "mount_point"));
        CPPUNIT_ASSERT_EQUAL(std::string("tank"), *json::getString(json::asObject(list->get(1)), "device"));
        CPPUNIT_ASSERT(json::getInt(json::asObject(list->get(1)), "total_bytes").value_or(0) > 0);
        CPPUNIT_ASSERT_EQUAL(std::string("[\"/mnt/late\"]"), json::stringify(json::getArray(result, "not_reachable")));
        CPPUNIT_ASSERT(json::stringify(out.result).find(root) == std::string::npos);  // never the container's path

        // One path: through the host's symlink, named by the mount that really holds it.
        out = tool->invoke(R"({"path":"/srv/link/sub/"})", Deadline::after(std::chrono::seconds(5)), {});
        CPPUNIT_ASSERT_MESSAGE(out.error, out.status == CallStatus::Ok);
        auto fs = json::asObject(json::getArray(json::asObject(out.result), "filesystems")->get(0));
        CPPUNIT_ASSERT_EQUAL(std::string("/mnt/tank"), *json::getString(fs, "mount_point"));
        CPPUNIT_ASSERT_EQUAL(std::string("/srv/link/sub"), *json::getString(fs, "path"));
        // Hostile paths stay in the host's tree; a missing one is not found; an unreachable mount says so.
        out = tool->invoke(R"({"path":"/../../../mnt/tank"})", Deadline::after(std::chrono::seconds(5)), {});
        CPPUNIT_ASSERT(out.status == CallStatus::Ok);
        CPPUNIT_ASSERT(json::stringify(out.result).find("\"mount_point\":\"/mnt/tank\"") != std::string::npos);
        out = tool->invoke(R"({"path":"/nonexistent"})", Deadline::after(std::chrono::seconds(5)), {});
        CPPUNIT_ASSERT(out.status == CallStatus::NotFound);
        out = tool->invoke(R"({"path":"/mnt/late"})", Deadline::after(std::chrono::seconds(5)), {});
        CPPUNIT_ASSERT(out.status == CallStatus::Unavailable);
        CPPUNIT_ASSERT_MESSAGE(out.error, out.error.find("not mounted in this container") != std::string::npos);

        // The answers say what could not be seen, and the health check warns about it.
        const std::string summaryInput = R"({"text":" how much disk space is left ","question":"How much disk space is left?",)"
                                         R"("capability":"disk.usage","arguments":{},"status":"ok","result":)" +
                                         json::stringify(result) + "}";
        const auto summary = json::parseObject(diskSummary(summaryInput, DiskThresholds{}));
        const std::string text = *json::getString(summary, "text");
        CPPUNIT_ASSERT_MESSAGE(text, text.find("/mnt/tank (zfs)") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(text, text.find("1 host filesystem is not visible from this container: /mnt/late") != std::string::npos);
        const auto checks = diskChecks(R"({"results":[{"capability":"disk.usage","arguments":{},"status":"ok","result":)" +
                                           json::stringify(result) + "}]}",
                                       DiskThresholds{});
        CPPUNIT_ASSERT_MESSAGE(checks, checks.find("\"check\":\"disk.not_reachable\"") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(checks, checks.find("\"severity\":\"warning\"") != std::string::npos);
    }

    void testPluginRefusesBadSettings() {
        for (const char* bad : {R"({"root_prefix":"host/root"})", R"({"proc_root":"proc"})", R"({"paths":["tmp"]})"}) {
            const auto r = loadDisk(bad);
            CPPUNIT_ASSERT_MESSAGE(bad, !diskTool(r));
        }
        // A prefix whose host procfs is missing: a clear error naming the table, not a crash.
        test::TempDir dir;
        const auto r = loadDisk(R"({"proc_root":")" + dir.file("noproc") + R"(","root_prefix":")" + dir.path() + R"("})");
        ToolOutput out = diskTool(r)->invoke("{}", Deadline::after(std::chrono::seconds(5)), {});
        CPPUNIT_ASSERT(out.status == CallStatus::Unavailable);
        CPPUNIT_ASSERT_MESSAGE(out.error, out.error.find(dir.file("noproc") + "/1/mountinfo") != std::string::npos);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DiskHostRootTest);

}  // namespace ha
