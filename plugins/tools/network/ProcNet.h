// Parsers for the kernel's network files in procfs: /proc/net/dev (counters per interface),
// /proc/net/if_inet6 (IPv6 addresses), /proc/net/fib_trie and /proc/net/route (IPv4 addresses,
// matched to interfaces through their routes, and the default route). Pure: text in, values out.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ha_plugins::network {

struct Counters {
    uint64_t rxBytes = 0, rxPackets = 0, rxErrors = 0, rxDropped = 0;
    uint64_t txBytes = 0, txPackets = 0, txErrors = 0, txDropped = 0;
};

// /proc/net/dev: interface name -> counters. Malformed lines are skipped.
std::map<std::string, Counters> parseNetDev(const std::string& text);

struct Address {
    std::string interface;
    std::string family;  // "ipv4", "ipv6"
    std::string address; // "192.168.1.20", "fe80::1"
    int prefix = 0;
    std::string scope;   // "global", "link", "host", "site"
};

// /proc/net/if_inet6: "<32 hex> <ifindex> <prefix> <scope> <flags> <name>" per line.
std::vector<Address> parseIfInet6(const std::string& text);

struct Route {
    std::string interface;
    uint32_t destination = 0;  // network byte order, as in the file (little-endian hex on x86 and arm)
    uint32_t gateway = 0;
    uint32_t mask = 0;
    uint32_t flags = 0;
    uint32_t metric = 0;
};

// /proc/net/route (IPv4 routing table).
std::vector<Route> parseRoutes(const std::string& text);

// The local IPv4 addresses in /proc/net/fib_trie ("/32 host LOCAL" leaves), in order, unique.
std::vector<std::string> parseFibTrieLocal(const std::string& text);

// Local IPv4 addresses assigned to interfaces: each address goes to the interface of the
// longest-prefix route that contains it (its prefix length is that route's), 127/8 to "lo", and
// an address no route contains (a /32 with noprefixroute) to the default route's interface.
std::vector<Address> ipv4Addresses(const std::vector<std::string>& local, const std::vector<Route>& routes);

struct DefaultRoute {
    std::string interface;
    std::string gateway;
};
// The default route with the lowest metric, if any.
std::optional<DefaultRoute> defaultRoute(const std::vector<Route>& routes);

std::string ipv4Text(uint32_t networkOrder);

}  // namespace ha_plugins::network
