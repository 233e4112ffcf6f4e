#include "tools/disk/FsStat.h"

#include "tools/disk/HostRoot.h"

#include <cerrno>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

namespace ha_plugins::disk {

namespace {

class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

int openInRoot(const std::string& root, const std::string& path) {
    if (root.empty() || root == "/") return ::open(path.c_str(), O_PATH | O_CLOEXEC);
    const Fd rootFd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (rootFd.get() < 0) return -1;
    const std::string relative = path == "/" ? "." : path.substr(1);
#ifdef SYS_openat2
    struct open_how how{};
    how.flags = O_PATH | O_CLOEXEC;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    const long fd = ::syscall(SYS_openat2, rootFd.get(), relative.c_str(), &how, sizeof how);
    if (fd >= 0 || (errno != ENOSYS && errno != EPERM)) return static_cast<int>(fd);
#endif
    // Lexical fallback: ".." is already resolved; an absolute symlink would leave root.
    return ::openat(rootFd.get(), relative.c_str(), O_PATH | O_CLOEXEC);
}

}  // namespace

bool statUnderRoot(const std::string& root, const std::string& hostPath, FsStat& out) {
    const Fd fd(openInRoot(root, normalizePath(hostPath)));
    if (fd.get() < 0) return false;
    struct stat st{};
    if (::fstatvfs(fd.get(), &out.vfs) != 0 || ::fstat(fd.get(), &st) != 0) return false;
    out.majorMinor = std::to_string(major(st.st_dev)) + ":" + std::to_string(minor(st.st_dev));
    out.inode = st.st_ino;
    return true;
}

}  // namespace ha_plugins::disk
