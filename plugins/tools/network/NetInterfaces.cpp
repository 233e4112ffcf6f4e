#include "tools/network/NetInterfaces.h"

#include "common/PluginConfig.h"
#include "common/TextFile.h"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <filesystem>
#include <fnmatch.h>

namespace ha_plugins::network {

namespace fs = std::filesystem;

namespace {

std::optional<std::string> attribute(const fs::path& path) {
    auto text = readTextFile(path.string(), 4096);
    if (!text) return std::nullopt;
    const size_t end = text->find_last_not_of(" \t\r\n");
    if (end == std::string::npos) return std::string();
    return text->substr(0, end + 1);
}

std::optional<int64_t> integer(const fs::path& path) {
    auto text = attribute(path);
    if (!text || text->empty()) return std::nullopt;
    char* end = nullptr;
    const long long v = std::strtoll(text->c_str(), &end, 10);
    if (end == text->c_str()) return std::nullopt;
    return v;
}

std::string typeName(int64_t arphrd) {
    switch (arphrd) {
        case 1: return "ethernet";
        case 772: return "loopback";
        case 65534: return "none";  // tun, wireguard
        case 768: return "ipip";
        case 776: return "sit";
        case 778: return "gre";
        case 32: return "infiniband";
        default: return "type " + std::to_string(arphrd);
    }
}

}  // namespace

std::vector<InterfaceInfo> readInterfaces(const std::string& sysRoot) {
    std::vector<InterfaceInfo> out;
    std::error_code ec;
    const fs::path dir = fs::path(sysRoot) / "class" / "net";
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const fs::path p = it->path();
        InterfaceInfo i;
        i.name = p.filename().string();
        if (!fs::exists(p / "operstate", ec)) continue;  // bonding_masters and other files
        i.operstate = attribute(p / "operstate").value_or("unknown");
        if (auto c = integer(p / "carrier")) i.carrier = *c == 1;
        if (auto s = integer(p / "speed"); s && *s > 0) i.speedMbps = *s;
        i.duplex = attribute(p / "duplex").value_or("");
        i.mtu = integer(p / "mtu").value_or(0);
        i.mac = attribute(p / "address").value_or("");
        if (i.mac == "00:00:00:00:00:00") i.mac.clear();
        i.wireless = fs::exists(p / "wireless", ec) || fs::exists(p / "phy80211", ec);
        i.type = i.wireless ? "wireless" : typeName(integer(p / "type").value_or(-1));
        i.hardware = fs::exists(p / "device", ec);
        out.push_back(std::move(i));
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return out;
}

bool matchesAny(const std::string& name, const std::vector<std::string>& patterns) {
    return std::any_of(patterns.begin(), patterns.end(),
                       [&](const std::string& p) { return ::fnmatch(p.c_str(), name.c_str(), 0) == 0; });
}

bool isUp(const InterfaceInfo& i) {
    return i.operstate == "up" || (i.operstate == "unknown" && i.carrier.value_or(false));
}

Rates ratesBetween(const Counters& a, const Counters& b, double seconds) {
    Rates r;
    if (seconds <= 0) return r;
    // Counters reset (driver reload) or wrap: no rate rather than a huge one.
    const auto per = [&](uint64_t before, uint64_t after) {
        return after >= before ? static_cast<double>(after - before) / seconds : 0.0;
    };
    r.rxBytes = per(a.rxBytes, b.rxBytes);
    r.txBytes = per(a.txBytes, b.txBytes);
    r.rxPackets = per(a.rxPackets, b.rxPackets);
    r.txPackets = per(a.txPackets, b.txPackets);
    r.errors = per(a.rxErrors, b.rxErrors) + per(a.txErrors, b.txErrors);
    r.drops = per(a.rxDropped, b.rxDropped) + per(a.txDropped, b.txDropped);
    return r;
}

namespace {
Poco::JSON::Object::Ptr ratesJson(const Rates& r) {
    auto o = newObject();
    o->set("rx_bytes_per_s", rounded(r.rxBytes, 1));
    o->set("tx_bytes_per_s", rounded(r.txBytes, 1));
    o->set("rx_packets_per_s", rounded(r.rxPackets, 1));
    o->set("tx_packets_per_s", rounded(r.txPackets, 1));
    o->set("errors_per_s", rounded(r.errors, 2));
    o->set("drops_per_s", rounded(r.drops, 2));
    return o;
}

Poco::JSON::Object::Ptr countersJson(const Counters& c) {
    auto o = newObject();
    o->set("rx_bytes", jsonInt(c.rxBytes));
    o->set("tx_bytes", jsonInt(c.txBytes));
    o->set("rx_packets", jsonInt(c.rxPackets));
    o->set("tx_packets", jsonInt(c.txPackets));
    o->set("rx_errors", jsonInt(c.rxErrors));
    o->set("tx_errors", jsonInt(c.txErrors));
    o->set("rx_dropped", jsonInt(c.rxDropped));
    o->set("tx_dropped", jsonInt(c.txDropped));
    return o;
}
}  // namespace

Poco::JSON::Object::Ptr interfaceJson(const InterfaceView& v, bool withAddresses) {
    const InterfaceInfo& i = v.info;
    auto o = newObject();
    o->set("name", i.name);
    o->set("up", isUp(i));
    o->set("operstate", i.operstate);
    if (i.carrier) o->set("carrier", *i.carrier);
    if (i.speedMbps) o->set("speed_mbps", *i.speedMbps);
    if (!i.duplex.empty() && i.duplex != "unknown") o->set("duplex", i.duplex);
    o->set("mtu", i.mtu);
    if (!i.mac.empty()) o->set("mac", i.mac);
    o->set("type", i.type);
    o->set("hardware", i.hardware);
    if (v.watched) o->set("watched", true);
    if (withAddresses) {
        Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
        for (const Address& a : v.addresses) {
            auto addr = newObject();
            addr->set("family", a.family);
            addr->set("address", a.address);
            addr->set("prefix", a.prefix);
            addr->set("scope", a.scope);
            list->add(addr);
        }
        o->set("addresses", list);
    }
    if (v.counters) o->set("counters", countersJson(*v.counters));
    if (v.rates) o->set("rates", ratesJson(*v.rates));
    return o;
}

Poco::JSON::Object::Ptr trafficJson(const InterfaceView& v) {
    auto o = newObject();
    o->set("name", v.info.name);
    o->set("up", isUp(v.info));
    if (v.info.speedMbps) o->set("speed_mbps", *v.info.speedMbps);
    if (v.rates) o->set("rates", ratesJson(*v.rates));
    if (v.counters) o->set("counters", countersJson(*v.counters));
    return o;
}

Poco::JSON::Object::Ptr interfacesJson(const InterfacesReport& report) {
    const auto strings = [](const std::vector<std::string>& items) {
        Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
        for (const auto& s : items) a->add(s);
        return a;
    };
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const InterfaceView& v : report.interfaces) list->add(interfaceJson(v, true));
    auto out = newObject();
    out->set("interfaces", list);
    if (report.sampleWindowMs) out->set("sample_window_ms", static_cast<Poco::Int64>(*report.sampleWindowMs));
    if (report.defaultRoute) {
        auto r = newObject();
        r->set("interface", report.defaultRoute->interface);
        if (!report.defaultRoute->gateway.empty()) r->set("gateway", report.defaultRoute->gateway);
        out->set("default_route", r);
    }
    out->set("watched_missing", strings(report.watchedMissing));
    out->set("skipped", strings(report.skipped));
    out->set("address_source", report.addressSource);
    return out;
}

Poco::JSON::Object::Ptr trafficReportJson(const std::vector<InterfaceView>& interfaces, std::optional<int64_t> sampleWindowMs) {
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const InterfaceView& v : interfaces) list->add(trafficJson(v));
    auto out = newObject();
    out->set("interfaces", list);
    if (sampleWindowMs) out->set("sample_window_ms", static_cast<Poco::Int64>(*sampleWindowMs));
    return out;
}

}  // namespace ha_plugins::network
