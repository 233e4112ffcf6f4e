/* LD_PRELOAD shim for tests: fdatasync() fails with EIO while the file named by
 * HA_TEST_FAIL_SYNC_WHILE exists, as on a disk that reports a write-back error, so a test can
 * fail the real binary's audit group commit at a moment of its choosing. Otherwise it is the C
 * library's fdatasync. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

typedef int (*sync_fn)(int);

int fdatasync(int fd) {
    static sync_fn real = NULL;
    const char* marker = getenv("HA_TEST_FAIL_SYNC_WHILE");
    if (marker != NULL && access(marker, F_OK) == 0) {
        errno = EIO;
        return -1;
    }
    sync_fn next = __atomic_load_n(&real, __ATOMIC_ACQUIRE);
    if (next == NULL) {
        next = (sync_fn)dlsym(RTLD_NEXT, "fdatasync");
        if (next == NULL) {
            errno = ENOSYS;
            return -1;
        }
        __atomic_store_n(&real, next, __ATOMIC_RELEASE);
    }
    return next(fd);
}
