#include "tools/zfs/ZfsJson.h"

#include "tools/zfs/ZfsNumbers.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <stdexcept>

namespace ha_plugins::zfs {

namespace {

using Poco::JSON::Object;

Object::Ptr parseDocument(std::string_view json) {
    try {
        Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));  // keep vdev order
        Poco::Dynamic::Var v = parser.parse(std::string(json));
        if (v.type() == typeid(Object::Ptr)) return v.extract<Object::Ptr>();
    } catch (const Poco::Exception& e) {
        throw std::invalid_argument("not valid JSON: " + e.message());
    }
    throw std::invalid_argument("not a JSON object");
}

Object::Ptr child(const Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || o->get(key).type() != typeid(Object::Ptr)) return nullptr;
    return o->getObject(key);
}

std::string text(const Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key)) return "";
    const auto v = o->get(key);
    if (v.isString()) return v.extract<std::string>();
    if (v.isNumeric()) return v.convert<std::string>();
    return "";
}

// A number in any of the three forms; exact=false for abbreviated strings.
std::optional<uint64_t> number(const Object::Ptr& o, const std::string& key, bool* exact = nullptr) {
    if (!o || !o->has(key)) return std::nullopt;
    const auto v = o->get(key);
    try {
        if (v.isInteger() && !v.isBoolean()) {
            if (exact) *exact = true;
            return v.convert<uint64_t>();
        }
    } catch (const Poco::Exception&) {
        return std::nullopt;
    }
    if (v.isString()) return parseZfsNumber(v.extract<std::string>(), exact);
    return std::nullopt;
}

std::optional<int64_t> timestamp(const Object::Ptr& o, const std::string& key) {
    bool exact = false;
    auto n = number(o, key, &exact);
    if (!n || !exact || *n == 0) return std::nullopt;  // 0: not yet; formatted dates: unknown zone
    return static_cast<int64_t>(*n);
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// Words for the vdev_aux_t names zpool prints beside a vdev.
std::string auxNote(const std::string& aux) {
    static const std::map<std::string, std::string> words = {
        {"OPEN_FAILED", "cannot open"},          {"CORRUPT_DATA", "corrupted data"},
        {"NO_REPLICAS", "insufficient replicas"}, {"BAD_GUID_SUM", "missing device"},
        {"TOO_SMALL", "device too small"},        {"BAD_LABEL", "invalid label"},
        {"ERR_EXCEEDED", "too many errors"},      {"IO_FAILURE", "experienced I/O failures"},
        {"BAD_LOG", "bad intent log"},            {"EXTERNAL", "external device fault"},
        {"SPLIT_POOL", "split into new pool"},    {"EXTERNAL_PERSIST", "external device fault"},
        {"CHILDREN_OFFLINE", "all children offline"}, {"SPARED", "currently in use"}};
    auto it = words.find(aux);
    return it != words.end() ? it->second : lower(aux);
}

Vdev vdevOf(const Object::Ptr& o, const std::string& section) {
    Vdev v;
    v.name = text(o, "name");
    v.type = text(o, "vdev_type");
    v.state = text(o, "state");
    v.section = section;
    bool e1 = true, e2 = true, e3 = true;
    v.readErrors = number(o, "read_errors", &e1);
    v.writeErrors = number(o, "write_errors", &e2);
    v.checksumErrors = number(o, "checksum_errors", &e3);
    v.countsExact = e1 && e2 && e3;
    if (!text(o, "was").empty()) {
        v.note = "was " + text(o, "was");
    } else if (!text(o, "aux").empty()) {
        v.note = auxNote(text(o, "aux"));
    } else if (auto repaired = number(o, "scan_processed"); repaired && *repaired > 0 && !child(o, "vdevs")) {
        v.note = std::to_string(*repaired) + " bytes repaired";
    }
    if (auto kids = child(o, "vdevs")) {
        for (const auto& name : kids->getNames()) {
            if (auto c = child(kids, name)) v.children.push_back(vdevOf(c, section));
        }
    }
    return v;
}

// --json-flat-vdevs lists every vdev at one level, each naming its "parent" (when it has one).
std::vector<Vdev> vdevsOf(const Object::Ptr& map, const std::string& section) {
    std::vector<Vdev> out;
    if (!map) return out;
    std::vector<std::pair<std::string, Vdev>> withParent;
    for (const auto& name : map->getNames()) {
        auto o = child(map, name);
        if (!o) continue;
        Vdev v = vdevOf(o, section);
        const std::string parent = text(o, "parent");
        if (parent.empty()) out.push_back(std::move(v));
        else withParent.emplace_back(parent, std::move(v));
    }
    // Attach children under their parents, deepest last (parents precede children in zpool's order).
    std::function<bool(std::vector<Vdev>&, const std::string&, Vdev&)> attach = [&](std::vector<Vdev>& level,
                                                                                    const std::string& parent, Vdev& v) {
        for (Vdev& n : level) {
            if (n.name == parent) {
                n.children.push_back(v);
                return true;
            }
            if (attach(n.children, parent, v)) return true;
        }
        return false;
    };
    for (auto& [parent, v] : withParent) {
        if (!attach(out, parent, v)) out.push_back(v);
    }
    return out;
}

Scan scanOf(const Object::Ptr& s) {
    Scan scan;
    const std::string function = text(s, "function");
    scan.function = function == "SCRUB" ? "scrub" : function == "RESILVER" ? "resilver"
                  : function == "ERRORSCRUB" ? "error_scrub" : "none";
    const std::string state = text(s, "state");
    scan.state = state == "FINISHED" ? "finished" : state == "CANCELED" ? "canceled"
               : (state == "SCANNING" || state == "ERRORSCRUBBING") ? "scanning" : "none";
    if (scan.state == "scanning" && number(s, "scrub_pause").value_or(0) != 0) scan.state = "paused";
    scan.startTime = timestamp(s, "start_time");
    scan.endTime = timestamp(s, "end_time");
    if (scan.state == "scanning" || scan.state == "paused") scan.endTime.reset();
    scan.processedBytes = number(s, "processed", &scan.bytesExact);
    scan.errors = number(s, "errors");
    scan.examinedBytes = number(s, "examined");
    scan.issuedBytes = number(s, "issued");
    scan.totalBytes = number(s, "to_examine");
    if ((scan.state == "scanning" || scan.state == "paused") && scan.totalBytes && *scan.totalBytes > 0 && scan.issuedBytes) {
        // As zpool computes "% done": issued over what is left to examine once skipped blocks are out.
        uint64_t total = *scan.totalBytes;
        const uint64_t skipped = number(s, "skipped").value_or(0);
        if (skipped < total) total -= skipped;
        scan.percentDone = std::min(100.0, static_cast<double>(*scan.issuedBytes) * 100.0 / static_cast<double>(total));
    }
    return scan;
}

Scan rebuildOf(const std::string& vdev, const Object::Ptr& r) {
    Scan scan;
    scan.function = "resilver";
    scan.vdev = vdev;
    const std::string state = text(r, "state");
    scan.state = state == "ACTIVE" ? "scanning" : state == "COMPLETE" ? "finished" : state == "CANCELED" ? "canceled" : "none";
    scan.startTime = timestamp(r, "start_time");
    scan.endTime = timestamp(r, "end_time");
    scan.processedBytes = number(r, "rebuilt", &scan.bytesExact);
    scan.errors = number(r, "errors");
    scan.examinedBytes = number(r, "scanned");
    scan.issuedBytes = number(r, "issued");
    scan.totalBytes = number(r, "to_scan");
    if (scan.state == "scanning" && scan.totalBytes && *scan.totalBytes > 0 && scan.examinedBytes) {
        scan.percentDone = std::min(100.0, static_cast<double>(*scan.examinedBytes) * 100.0 / static_cast<double>(*scan.totalBytes));
    }
    return scan;
}

Object::Ptr requireMember(const Object::Ptr& doc, const std::string& key, const char* what) {
    auto o = child(doc, key);
    if (!o) throw std::invalid_argument(std::string("not ") + what + " JSON: no \"" + key + "\" object");
    return o;
}

std::string propertyValue(const Object::Ptr& props, const std::string& name) { return text(child(props, name), "value"); }

std::optional<uint64_t> propertyNumber(const Object::Ptr& props, const std::string& name, bool& exact) {
    bool e = true;
    auto n = number(child(props, name), "value", &e);
    if (n && !e) exact = false;
    return n;
}

}  // namespace

std::vector<PoolStatus> parseZpoolStatusJson(std::string_view json) {
    auto pools = requireMember(parseDocument(json), "pools", "zpool status");
    std::vector<PoolStatus> out;
    for (const auto& key : pools->getNames()) {
        auto p = child(pools, key);
        if (!p) continue;
        PoolStatus pool;
        pool.name = text(p, "name").empty() ? key : text(p, "name");
        pool.state = text(p, "state");
        pool.status = text(p, "status");
        pool.action = text(p, "action");
        pool.see = text(p, "moreinfo");
        pool.status = squeezed(pool.status);
        pool.action = squeezed(pool.action);
        if (auto scan = child(p, "scan_stats")) {
            if (!text(scan, "function").empty()) pool.scans.push_back(scanOf(scan));
            if (auto rebuilds = child(scan, "rebuild_stats")) {
                for (const auto& vdev : rebuilds->getNames()) {
                    if (auto r = child(rebuilds, vdev)) pool.scans.push_back(rebuildOf(vdev, r));
                }
            }
        }
        pool.vdevs = vdevsOf(child(p, "vdevs"), "");
        for (const char* section : {"logs", "dedup", "special", "l2cache", "spares"}) {
            auto members = vdevsOf(child(p, section), section == std::string("l2cache") ? "cache" : section);
            if (members.empty()) continue;
            Vdev s;
            s.name = section == std::string("l2cache") ? "cache" : section;
            s.isSection = true;
            s.children = std::move(members);
            pool.vdevs.push_back(std::move(s));
        }
        pool.dataErrors = number(p, "error_count");
        out.push_back(std::move(pool));
    }
    return out;
}

std::vector<PoolSpace> parseZpoolListJson(std::string_view json) {
    auto pools = requireMember(parseDocument(json), "pools", "zpool list");
    std::vector<PoolSpace> out;
    for (const auto& key : pools->getNames()) {
        auto p = child(pools, key);
        if (!p) continue;
        auto props = child(p, "properties");
        PoolSpace space;
        space.name = text(p, "name").empty() ? key : text(p, "name");
        space.size = propertyNumber(props, "size", space.exact);
        space.allocated = propertyNumber(props, "allocated", space.exact);
        space.free = propertyNumber(props, "free", space.exact);
        space.capacityPercent = parsePercent(propertyValue(props, "capacity"));
        space.fragmentationPercent = parsePercent(propertyValue(props, "fragmentation"));
        space.health = propertyValue(props, "health");
        if (space.health.empty()) space.health = text(p, "state");
        out.push_back(std::move(space));
    }
    return out;
}

DatasetListing parseZfsListJson(std::string_view json) {
    auto datasets = requireMember(parseDocument(json), "datasets", "zfs list");
    DatasetListing out;
    for (const auto& key : datasets->getNames()) {
        auto d = child(datasets, key);
        if (!d) continue;
        auto props = child(d, "properties");
        const std::string name = text(d, "name").empty() ? key : text(d, "name");
        const std::string type = lower(text(d, "type"));
        if (type == "snapshot") {
            Snapshot s;
            const auto at = name.find('@');
            s.dataset = text(d, "dataset").empty() ? name.substr(0, at) : text(d, "dataset");
            s.name = text(d, "snapshot_name").empty() && at != std::string::npos ? name.substr(at + 1) : text(d, "snapshot_name");
            bool exact = true;
            auto creation = propertyNumber(props, "creation", exact);
            if (creation && exact) s.creation = static_cast<int64_t>(*creation);
            out.snapshots.push_back(std::move(s));
            continue;
        }
        if (type != "filesystem" && type != "volume") continue;
        Dataset ds;
        ds.name = name;
        ds.type = type;
        ds.used = propertyNumber(props, "used", ds.exact);
        ds.available = propertyNumber(props, "available", ds.exact);
        ds.referenced = propertyNumber(props, "referenced", ds.exact);
        auto quota = propertyNumber(props, "quota", ds.exact);
        if (quota && *quota > 0) ds.quota = quota;
        ds.compressRatio = parseRatio(propertyValue(props, "compressratio"));
        ds.mountpoint = propertyValue(props, "mountpoint");
        out.datasets.push_back(std::move(ds));
    }
    return out;
}

ZfsVersion parseVersionJson(std::string_view json) {
    auto v = requireMember(parseDocument(json), "zfs_version", "zpool version");
    ZfsVersion out;
    out.flavour = Flavour::Json;
    out.userland = text(v, "userland");
    out.kernel = text(v, "kernel");
    return out;
}

}  // namespace ha_plugins::zfs
