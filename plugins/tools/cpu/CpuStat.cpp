#include "tools/cpu/CpuStat.h"

#include <algorithm>
#include <sstream>

namespace ha_plugins::cpu {

namespace {
std::optional<CpuTimes> parseCpuLine(const std::string& line) {
    std::istringstream in(line);
    std::string label;
    in >> label;
    uint64_t v[8] = {0, 0, 0, 0, 0, 0, 0, 0};  // user nice system idle iowait irq softirq steal
    int read = 0;
    while (read < 8 && in >> v[read]) ++read;
    if (read < 4) return std::nullopt;
    CpuTimes t;
    for (int i = 0; i < read; ++i) t.total += v[i];
    t.iowait = v[4];
    t.idle = v[3] + v[4];
    return t;
}
}  // namespace

std::optional<StatSample> parseStat(const std::string& text) {
    std::istringstream in(text);
    std::string line;
    StatSample s;
    bool haveAll = false;
    while (std::getline(in, line)) {
        if (line.rfind("cpu ", 0) == 0) {
            auto t = parseCpuLine(line);
            if (!t) return std::nullopt;
            s.all = *t;
            haveAll = true;
        } else if (line.rfind("cpu", 0) == 0 && line.size() > 3 && line[3] >= '0' && line[3] <= '9') {
            if (auto t = parseCpuLine(line)) s.cores.push_back(*t);
        }
    }
    if (!haveAll) return std::nullopt;
    return s;
}

Usage usageBetween(const CpuTimes& before, const CpuTimes& after) {
    Usage u;
    if (after.total <= before.total) return u;
    const double total = static_cast<double>(after.total - before.total);
    const double idle = after.idle >= before.idle ? static_cast<double>(after.idle - before.idle) : 0.0;
    const double iowait = after.iowait >= before.iowait ? static_cast<double>(after.iowait - before.iowait) : 0.0;
    u.busyPercent = std::max(0.0, std::min(100.0, (total - idle) / total * 100.0));
    u.iowaitPercent = std::max(0.0, std::min(100.0, iowait / total * 100.0));
    return u;
}

std::optional<LoadAverage> parseLoadAverage(const std::string& text) {
    std::istringstream in(text);
    LoadAverage l;
    if (!(in >> l.one >> l.five >> l.fifteen)) return std::nullopt;
    return l;
}

std::optional<double> parseUptime(const std::string& text) {
    std::istringstream in(text);
    double up = 0;
    if (!(in >> up)) return std::nullopt;
    return up;
}

std::string parseModelName(const std::string& cpuinfo) {
    std::istringstream in(cpuinfo);
    std::string line;
    for (const char* key : {"model name", "Model", "Hardware"}) {
        in.clear();
        in.seekg(0);
        while (std::getline(in, line)) {
            if (line.rfind(key, 0) != 0) continue;
            const auto colon = line.find(':');
            if (colon == std::string::npos) continue;
            const auto start = line.find_first_not_of(" \t", colon + 1);
            return start == std::string::npos ? "" : line.substr(start);
        }
    }
    return "";
}

}  // namespace ha_plugins::cpu
