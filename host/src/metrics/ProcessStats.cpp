#include "metrics/ProcessStats.h"

#include <dirent.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <vector>

namespace ha::metrics {

namespace {

uint64_t countOpenFds() {
    DIR* dir = ::opendir("/proc/self/fd");
    if (!dir) return 0;
    uint64_t n = 0;
    while (const dirent* entry = ::readdir(dir)) {
        if (entry->d_name[0] != '.') ++n;
    }
    ::closedir(dir);
    return n > 0 ? n - 1 : 0;  // not the descriptor opendir itself holds
}

}  // namespace

ProcessStats ProcessStats::parseStat(const std::string& line, long ticksPerSecond, long pageSize) {
    ProcessStats stats;
    const size_t close = line.rfind(')');
    if (close == std::string::npos || ticksPerSecond <= 0 || pageSize <= 0) return stats;
    // Fields after the command start at field 3 (state); utime is 14, stime 15, threads 20, rss 24.
    std::istringstream rest(line.substr(close + 1));
    std::vector<std::string> fields;
    std::string field;
    while (fields.size() < 22 && rest >> field) fields.push_back(field);
    if (fields.size() < 22) return stats;
    try {
        const auto at = [&](int number) { return std::stoull(fields[static_cast<size_t>(number - 3)]); };
        stats.cpuSeconds = static_cast<double>(at(14) + at(15)) / static_cast<double>(ticksPerSecond);
        stats.threads = at(20);
        stats.residentBytes = at(24) * static_cast<uint64_t>(pageSize);
        stats.valid = true;
    } catch (const std::exception&) {
        stats.valid = false;
    }
    return stats;
}

ProcessStats ProcessStats::read() {
    std::ifstream in("/proc/self/stat");
    std::string line;
    if (!std::getline(in, line)) return {};
    ProcessStats stats = parseStat(line, ::sysconf(_SC_CLK_TCK), ::sysconf(_SC_PAGESIZE));
    stats.openFds = countOpenFds();
    return stats;
}

}  // namespace ha::metrics
