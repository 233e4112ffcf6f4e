// The process's own CPU time, resident memory, threads and open descriptors, from
// /proc/self/stat and /proc/self/fd (the standard process_* metrics).
#pragma once

#include <cstdint>
#include <string>

namespace ha::metrics {

struct ProcessStats {
    bool valid = false;
    double cpuSeconds = 0;
    uint64_t residentBytes = 0;
    uint64_t threads = 0;
    uint64_t openFds = 0;

    static ProcessStats read();
    // Parses one /proc/<pid>/stat line (the command in parentheses may hold spaces and ')').
    static ProcessStats parseStat(const std::string& line, long ticksPerSecond, long pageSize);
};

}  // namespace ha::metrics
