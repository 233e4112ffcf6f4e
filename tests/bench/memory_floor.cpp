// Benchmark reference (prints "ready", measures nothing itself): a process that holds only what
// the server cannot do without, so tests/bench/memory.sh can print its resident memory next to
// the idle server's. It maps the same shared libraries (it links ha_core, as the server does),
// initialises OpenSSL and builds a server TLS context from the same certificate, and maps and
// relocates every plugin in PLUGIN_DIR (dlopen, no entry called). No thread, no socket, no
// request: what the server adds over this is its own heap, threads and code.
// usage: bench_memory_floor CERT KEY PLUGIN_DIR   (runs until a signal ends it)
#include <Poco/Net/Context.h>
#include <Poco/Net/SSLManager.h>

#include <dirent.h>
#include <dlfcn.h>
#include <unistd.h>

#include <cstdio>
#include <string>

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: bench_memory_floor CERT KEY PLUGIN_DIR\n");
        return 2;
    }
    Poco::Net::initializeSSL();
    Poco::Net::Context::Params params;
    params.certificateFile = argv[1];
    params.privateKeyFile = argv[2];
    params.verificationMode = Poco::Net::Context::VERIFY_NONE;
    params.loadDefaultCAs = false;
    Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);

    const std::string dir = argv[3];
    DIR* d = opendir(dir.c_str());
    if (d == nullptr) {
        std::perror(dir.c_str());
        return 1;
    }
    int mapped = 0;
    for (dirent* e = readdir(d); e != nullptr; e = readdir(d)) {
        const std::string name = e->d_name;
        if (name.size() < 4 || name.compare(name.size() - 3, 3, ".so") != 0) continue;
        if (dlopen((dir + "/" + name).c_str(), RTLD_NOW | RTLD_LOCAL) == nullptr) {
            std::fprintf(stderr, "%s\n", dlerror());
            return 1;
        }
        ++mapped;
    }
    closedir(d);
    std::printf("ready: %d plugins mapped\n", mapped);
    std::fflush(stdout);
    for (;;) pause();
}
