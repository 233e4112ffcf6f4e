#include "tools/truenas/StorageView.h"

#include "common/PluginConfig.h"

#include <homelab_assistant/plugin.hpp>

#include <algorithm>
#include <cmath>

namespace ha_plugins::truenas {

using homelab_assistant::Error;

namespace {

void putBytes(ObjectPtr out, const std::string& key, const std::optional<int64_t>& v) {
    if (v) out->set(key, *v);
}

int64_t statOf(const ObjectPtr& vdev, const std::string& key) {
    return integer(childObject(vdev, "stats"), key).value_or(0);
}

// A leaf device of the topology: the disk name when the middleware resolved it, else the
// device or the path's last part.
std::string deviceName(const ObjectPtr& vdev) {
    for (const char* key : {"disk", "device"}) {
        if (auto v = optionalText(vdev, key); v && !v->empty()) return *v;
    }
    std::string name = text(vdev, "name", text(vdev, "path", "?"));
    const size_t slash = name.rfind('/');
    return slash == std::string::npos ? name : name.substr(slash + 1);
}

void collectProblems(const ObjectPtr& vdev, const std::string& top, Poco::JSON::Array::Ptr problems, int64_t& errors,
                     int64_t& devices, int depth) {
    if (!vdev || depth > 8) return;
    const auto children = childArray(vdev, "children");
    const int64_t r = statOf(vdev, "read_errors"), w = statOf(vdev, "write_errors"), c = statOf(vdev, "checksum_errors");
    if (!children || children->size() == 0) {
        ++devices;
        errors += r + w + c;
        const std::string status = text(vdev, "status", "UNKNOWN");
        if (status != "ONLINE" || r + w + c > 0) {
            auto p = newObject();
            p->set("device", deviceName(vdev));
            p->set("status", status);
            p->set("read_errors", r);
            p->set("write_errors", w);
            p->set("checksum_errors", c);
            p->set("vdev", top);
            if (auto missing = childObject(vdev, "unavail_disk")) {
                if (auto name = optionalText(missing, "name")) p->set("device", *name);
                if (auto model = optionalText(missing, "model")) p->set("model", *model);
                if (auto serial = optionalText(missing, "serial")) p->set("serial", *serial);
            }
            problems->add(p);
        }
        return;
    }
    for (size_t i = 0; i < children->size(); ++i) {
        collectProblems(objectOf(children->get(static_cast<unsigned>(i))), top, problems, errors, devices, depth + 1);
    }
}

ObjectPtr reduceScan(const ObjectPtr& scan, const ViewContext& context) {
    if (!scan || !optionalText(scan, "function")) return nullptr;
    auto out = newObject();
    out->set("function", text(scan, "function"));
    out->set("state", text(scan, "state"));
    if (auto start = dateMsOf(scan, "start_time")) out->set("started", isoUtc(*start));
    if (auto end = dateMsOf(scan, "end_time")) {
        out->set("ended", isoUtc(*end));
        out->set("ended_age_seconds", std::max<int64_t>(0, (context.nowMs - *end) / 1000));
    }
    if (auto pct = number(scan, "percentage")) out->set("percent", rounded(*pct, 1));
    if (auto errors = integer(scan, "errors")) out->set("errors", *errors);
    if (auto left = integer(scan, "total_secs_left")) out->set("seconds_left", *left);
    return out;
}

}  // namespace

ObjectPtr reducePool(const ObjectPtr& pool, const ViewContext& context) {
    auto out = newObject();
    out->set("name", text(pool, "name", "?"));
    out->set("status", text(pool, "status", "UNKNOWN"));
    out->set("healthy", flag(pool, "healthy"));
    out->set("warning", flag(pool, "warning"));
    if (auto detail = optionalText(pool, "status_detail")) out->set("status_detail", plainText(*detail, 300));
    const auto size = integer(pool, "size"), allocated = integer(pool, "allocated"), free = integer(pool, "free");
    putBytes(out, "size_bytes", size);
    putBytes(out, "allocated_bytes", allocated);
    putBytes(out, "free_bytes", free);
    if (size && allocated && *size > 0) out->set("used_percent", rounded(100.0 * static_cast<double>(*allocated) / static_cast<double>(*size), 1));
    // fragmentation is a string ("12") in PoolEntry; accept a number too.
    if (auto frag = optionalText(pool, "fragmentation"); frag && !frag->empty()) {
        try {
            out->set("fragmentation_percent", std::stod(*frag));
        } catch (const std::exception&) {
        }
    } else if (auto fragNumber = number(pool, "fragmentation")) {
        out->set("fragmentation_percent", *fragNumber);
    }
    if (auto scan = reduceScan(childObject(pool, "scan"), context)) out->set("last_scan", scan);
    Poco::JSON::Array::Ptr vdevs = new Poco::JSON::Array;
    Poco::JSON::Array::Ptr problems = new Poco::JSON::Array;
    int64_t errors = 0, devices = 0;
    if (auto topology = childObject(pool, "topology")) {
        for (const char* role : {"data", "log", "cache", "spare", "special", "dedup"}) {
            const auto list = childArray(topology, role);
            for (size_t i = 0; list && i < list->size(); ++i) {
                const auto vdev = objectOf(list->get(static_cast<unsigned>(i)));
                if (!vdev) continue;
                const auto children = childArray(vdev, "children");
                const std::string name = children && children->size() > 0 ? text(vdev, "name", "?") : deviceName(vdev);
                auto v = newObject();
                v->set("role", std::string(role));
                v->set("name", name);
                v->set("type", text(vdev, "type", "?"));
                v->set("status", text(vdev, "status", "UNKNOWN"));
                v->set("devices", static_cast<int64_t>(children && children->size() > 0 ? children->size() : 1));
                if (vdevs->size() < context.maxItems) vdevs->add(v);
                collectProblems(vdev, name, problems, errors, devices, 0);
            }
        }
    }
    out->set("vdevs", vdevs);
    out->set("devices", devices);
    out->set("device_errors", errors);
    out->set("problem_devices", problems);
    return out;
}

ObjectPtr reducePools(const Var& poolList, const std::string& only, const ViewContext& context) {
    const auto list = arrayOf(poolList);
    if (!list) throw Error(HA_ERR_UNAVAILABLE, "pool.query did not return a list");
    Poco::JSON::Array::Ptr pools = new Poco::JSON::Array;
    int64_t unhealthy = 0, matched = 0;
    for (size_t i = 0; i < list->size(); ++i) {
        const auto p = objectOf(list->get(static_cast<unsigned>(i)));
        if (!p || (!only.empty() && text(p, "name") != only)) continue;
        ++matched;
        if (!flag(p, "healthy")) ++unhealthy;
        if (pools->size() < context.maxItems) pools->add(reducePool(p, context));
    }
    if (!only.empty() && matched == 0) throw Error(HA_ERR_NOT_FOUND, "TrueNAS has no pool named '" + only + "'");
    auto out = newObject();
    out->set("pools", pools);
    out->set("unhealthy", unhealthy);
    out->set("truncated", matched > static_cast<int64_t>(pools->size()));
    return out;
}

ObjectPtr reduceDisks(const Var& diskList, const Var& temperatures, const std::string& only, const ViewContext& context) {
    const auto list = arrayOf(diskList);
    if (!list) throw Error(HA_ERR_UNAVAILABLE, "disk.query did not return a list");
    const auto temps = objectOf(temperatures);
    Poco::JSON::Array::Ptr disks = new Poco::JSON::Array;
    std::string hottest;
    double hottestC = -1000;
    int64_t matched = 0;
    for (size_t i = 0; i < list->size(); ++i) {
        const auto d = objectOf(list->get(static_cast<unsigned>(i)));
        if (!d) continue;
        const std::string name = text(d, "name", text(d, "devname", "?"));
        if (!only.empty() && name != only && text(d, "serial") != only) continue;
        ++matched;
        auto out = newObject();
        out->set("name", name);
        if (auto v = optionalText(d, "model")) out->set("model", *v);
        if (auto v = optionalText(d, "serial")) out->set("serial", *v);
        putBytes(out, "size_bytes", integer(d, "size"));
        if (auto v = optionalText(d, "type")) out->set("type", *v);
        if (auto v = integer(d, "rotationrate")) out->set("rotation_rpm", *v);
        if (auto v = optionalText(d, "bus")) out->set("bus", *v);
        if (auto v = optionalText(d, "pool")) out->set("pool", *v);
        // {name: celsius}, {name: null}, or with thresholds {name: [celsius, critical]}.
        if (temps && temps->has(name)) {
            const Var t = temps->get(name);
            std::optional<double> celsius, critical;
            if (auto pair = arrayOf(t)) {
                if (pair->size() > 0 && !pair->get(0).isEmpty() && pair->get(0).isNumeric()) celsius = pair->get(0).convert<double>();
                if (pair->size() > 1 && !pair->get(1).isEmpty() && pair->get(1).isNumeric()) critical = pair->get(1).convert<double>();
            } else if (!t.isEmpty() && !t.isBoolean() && t.isNumeric()) {
                celsius = t.convert<double>();
            }
            if (celsius && std::isfinite(*celsius)) {
                out->set("temperature_c", rounded(*celsius, 1));
                if (*celsius > hottestC) {
                    hottestC = *celsius;
                    hottest = name;
                }
            }
            if (critical && std::isfinite(*critical)) out->set("critical_temperature_c", rounded(*critical, 1));
        }
        if (disks->size() < context.maxItems) disks->add(out);
    }
    if (!only.empty() && matched == 0) throw Error(HA_ERR_NOT_FOUND, "TrueNAS has no disk named '" + only + "'");
    auto out = newObject();
    out->set("disks", disks);
    if (!hottest.empty()) {
        auto h = newObject();
        h->set("name", hottest);
        h->set("temperature_c", rounded(hottestC, 1));
        out->set("hottest", h);
    }
    out->set("temperatures_available", temps != nullptr);
    out->set("truncated", matched > static_cast<int64_t>(disks->size()));
    return out;
}

}  // namespace ha_plugins::truenas
