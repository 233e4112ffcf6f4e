// Network interfaces as sysfs shows them (/sys/class/net/<name>: operstate, carrier, speed,
// duplex, mtu, address, type; a "device" entry for hardware), which of them to report, and the
// JSON the network plugin returns. Pure apart from reading the given sysfs root.
#pragma once

#include "tools/network/ProcNet.h"

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <vector>

namespace ha_plugins::network {

struct InterfaceInfo {
    std::string name;
    std::string operstate;            // "up", "down", "unknown", "dormant", "lowerlayerdown" ...
    std::optional<bool> carrier;      // unreadable while the interface is administratively down
    std::optional<int64_t> speedMbps; // absent when unknown (-1) or down
    std::string duplex;
    int64_t mtu = 0;
    std::string mac;
    std::string type;   // "ethernet", "loopback", "wireless", "none" ...
    bool hardware = false;  // backed by a device (not veth, bridge, bond, tun ...)
    bool wireless = false;
};

// The interfaces under sysRoot/class/net, sorted by name.
std::vector<InterfaceInfo> readInterfaces(const std::string& sysRoot);

// Whether name matches one of the shell patterns ("veth*", "br-*").
bool matchesAny(const std::string& name, const std::vector<std::string>& patterns);

// Up in the sense that matters: operstate "up", or "unknown" with a carrier (loopback, some
// virtual drivers never report "up").
bool isUp(const InterfaceInfo& i);

// Byte, packet, error and drop rates over a sample window.
struct Rates {
    double rxBytes = 0, txBytes = 0, rxPackets = 0, txPackets = 0;
    double errors = 0, drops = 0;  // rx + tx, per second
};
Rates ratesBetween(const Counters& before, const Counters& after, double seconds);

struct InterfaceView {
    InterfaceInfo info;
    std::vector<Address> addresses;
    std::optional<Counters> counters;
    std::optional<Rates> rates;
    bool watched = false;
};

Poco::JSON::Object::Ptr interfaceJson(const InterfaceView& v, bool withAddresses);
Poco::JSON::Object::Ptr trafficJson(const InterfaceView& v);

// The network.interfaces result.
struct InterfacesReport {
    std::vector<InterfaceView> interfaces;
    std::optional<DefaultRoute> defaultRoute;
    std::vector<std::string> watchedMissing;
    std::vector<std::string> skipped;
    std::string addressSource;  // "getifaddrs" or "procfs"
    std::optional<int64_t> sampleWindowMs;
};
Poco::JSON::Object::Ptr interfacesJson(const InterfacesReport& report);
// The network.traffic result.
Poco::JSON::Object::Ptr trafficReportJson(const std::vector<InterfaceView>& interfaces, std::optional<int64_t> sampleWindowMs);

}  // namespace ha_plugins::network
