#include "tools/network/ProcNet.h"

#include <arpa/inet.h>

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <set>
#include <sstream>

namespace ha_plugins::network {

namespace {

bool parseHex32(const std::string& s, uint32_t& out) {
    if (s.empty() || s.size() > 8) return false;
    char* end = nullptr;
    const unsigned long v = std::strtoul(s.c_str(), &end, 16);
    if (end == nullptr || *end != '\0') return false;
    out = static_cast<uint32_t>(v);
    return true;
}

std::string scopeName(unsigned scope) {
    switch (scope) {
        case 0x00: return "global";
        case 0x10: return "host";
        case 0x20: return "link";
        case 0x40: return "site";
        default: return "other";
    }
}

}  // namespace

std::string ipv4Text(uint32_t networkOrder) {
    in_addr a{};
    a.s_addr = networkOrder;
    char buf[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, &a, buf, sizeof buf);
    return buf;
}

std::map<std::string, Counters> parseNetDev(const std::string& text) {
    std::map<std::string, Counters> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        const size_t colon = line.find(':');
        if (colon == std::string::npos || line.find('|') != std::string::npos) continue;  // the two header lines
        std::string name = line.substr(0, colon);
        name.erase(0, name.find_first_not_of(' '));
        if (name.empty()) continue;
        std::istringstream fields(line.substr(colon + 1));
        uint64_t v[16] = {};
        int n = 0;
        while (n < 16 && fields >> v[n]) ++n;
        if (n < 16) continue;
        Counters c;
        c.rxBytes = v[0];
        c.rxPackets = v[1];
        c.rxErrors = v[2];
        c.rxDropped = v[3];
        c.txBytes = v[8];
        c.txPackets = v[9];
        c.txErrors = v[10];
        c.txDropped = v[11];
        out[name] = c;
    }
    return out;
}

std::vector<Address> parseIfInet6(const std::string& text) {
    std::vector<Address> out;
    std::istringstream in(text);
    std::string hex, index, prefix, scope, flags, name;
    while (in >> hex >> index >> prefix >> scope >> flags >> name) {
        if (hex.size() != 32) continue;
        in6_addr a{};
        bool ok = true;
        for (int i = 0; i < 16 && ok; ++i) {
            char* end = nullptr;
            const std::string byte = hex.substr(static_cast<size_t>(i) * 2, 2);
            a.s6_addr[i] = static_cast<uint8_t>(std::strtoul(byte.c_str(), &end, 16));
            ok = end != nullptr && *end == '\0';
        }
        uint32_t p = 0, s = 0;
        if (!ok || !parseHex32(prefix, p) || !parseHex32(scope, s)) continue;
        char buf[INET6_ADDRSTRLEN] = {};
        inet_ntop(AF_INET6, &a, buf, sizeof buf);
        out.push_back({name, "ipv6", buf, static_cast<int>(p), scopeName(s)});
    }
    return out;
}

std::vector<Route> parseRoutes(const std::string& text) {
    std::vector<Route> out;
    std::istringstream in(text);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
        std::istringstream f(line);
        std::string iface, dest, gw, flags, refcnt, use, metric, mask;
        if (!(f >> iface >> dest >> gw >> flags >> refcnt >> use >> metric >> mask)) continue;
        Route r;
        r.interface = iface;
        if (!parseHex32(dest, r.destination) || !parseHex32(gw, r.gateway) || !parseHex32(flags, r.flags) ||
            !parseHex32(mask, r.mask)) {
            continue;
        }
        r.metric = static_cast<uint32_t>(std::strtoul(metric.c_str(), nullptr, 10));
        out.push_back(r);
    }
    return out;
}

std::vector<std::string> parseFibTrieLocal(const std::string& text) {
    std::vector<std::string> out;
    std::set<std::string> seen;
    std::istringstream in(text);
    std::string line, lastAddress;
    while (std::getline(in, line)) {
        const size_t leaf = line.find("|-- ");
        if (leaf != std::string::npos) {
            lastAddress = line.substr(leaf + 4);
            lastAddress.erase(lastAddress.find_last_not_of(" \t\r") + 1);
            continue;
        }
        const size_t slash = line.find_first_not_of(" \t");
        if (slash == std::string::npos || line[slash] != '/') continue;
        std::istringstream f(line.substr(slash));
        std::string len, scope, type;
        if (f >> len >> scope >> type && len == "/32" && scope == "host" && type == "LOCAL" && !lastAddress.empty()) {
            in_addr a{};
            if (inet_pton(AF_INET, lastAddress.c_str(), &a) == 1 && seen.insert(lastAddress).second) out.push_back(lastAddress);
        }
    }
    return out;
}

std::vector<Address> ipv4Addresses(const std::vector<std::string>& local, const std::vector<Route>& routes) {
    std::vector<Address> out;
    const auto def = std::find_if(routes.begin(), routes.end(), [](const Route& r) { return r.mask == 0 && r.destination == 0; });
    for (const std::string& text : local) {
        in_addr a{};
        if (inet_pton(AF_INET, text.c_str(), &a) != 1) continue;
        const uint32_t ip = a.s_addr;
        Address addr;
        addr.family = "ipv4";
        addr.address = text;
        if ((ntohl(ip) >> 24) == 127) {
            addr.interface = "lo";
            addr.prefix = 8;
            addr.scope = "host";
            out.push_back(addr);
            continue;
        }
        const Route* best = nullptr;
        for (const Route& r : routes) {
            if (r.mask == 0 || (ip & r.mask) != r.destination) continue;
            if (best == nullptr || std::popcount(r.mask) > std::popcount(best->mask)) best = &r;
        }
        if (best != nullptr) {
            addr.interface = best->interface;
            addr.prefix = std::popcount(best->mask);
        } else if (def != routes.end()) {
            addr.interface = def->interface;
            addr.prefix = 32;
        } else {
            continue;  // no way to tell which interface holds it
        }
        addr.scope = "global";
        out.push_back(addr);
    }
    return out;
}

std::optional<DefaultRoute> defaultRoute(const std::vector<Route>& routes) {
    const Route* best = nullptr;
    for (const Route& r : routes) {
        if (r.destination != 0 || r.mask != 0) continue;
        if (best == nullptr || r.metric < best->metric) best = &r;
    }
    if (best == nullptr) return std::nullopt;
    return DefaultRoute{best->interface, best->gateway != 0 ? ipv4Text(best->gateway) : ""};
}

}  // namespace ha_plugins::network
