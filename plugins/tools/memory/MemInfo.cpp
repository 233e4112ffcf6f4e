#include "tools/memory/MemInfo.h"

#include <map>
#include <sstream>

namespace ha_plugins::memory {

std::optional<MemInfo> parseMemInfo(const std::string& text) {
    std::map<std::string, uint64_t> kb;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::istringstream value(line.substr(colon + 1));
        uint64_t v = 0;
        if (value >> v) kb[line.substr(0, colon)] = v;
    }
    if (!kb.count("MemTotal")) return std::nullopt;
    const auto get = [&](const char* key) { return kb.count(key) ? kb[key] * 1024 : 0; };
    MemInfo m;
    m.total = get("MemTotal");
    m.free = get("MemFree");
    m.buffers = get("Buffers");
    m.cached = get("Cached") + get("SReclaimable");
    m.available = kb.count("MemAvailable") ? get("MemAvailable") : m.free + m.buffers + m.cached;
    if (m.available > m.total) m.available = m.total;
    m.swapTotal = get("SwapTotal");
    m.swapFree = get("SwapFree");
    if (m.swapFree > m.swapTotal) m.swapFree = m.swapTotal;
    return m;
}

std::optional<uint64_t> parseArcSize(const std::string& text) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream row(line);
        std::string name;
        unsigned type = 0;
        uint64_t value = 0;
        if (row >> name >> type >> value && name == "size") return value;
    }
    return std::nullopt;
}

}  // namespace ha_plugins::memory
