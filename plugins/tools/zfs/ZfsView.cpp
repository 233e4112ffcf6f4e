#include "tools/zfs/ZfsView.h"

#include "common/PluginConfig.h"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <ctime>
#include <functional>
#include <map>
#include <set>

namespace ha_plugins::zfs {

using Poco::JSON::Array;
using Poco::JSON::Object;

const char* flavourName(Flavour f) {
    switch (f) {
        case Flavour::Json: return "openzfs-json";
        case Flavour::Text: return "openzfs-text";
        case Flavour::Legacy: return "legacy-text";
    }
    return "unknown";
}

std::string isoUtc(int64_t unixSeconds) {
    const time_t t = static_cast<time_t>(unixSeconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

namespace {

void setOptional(Object::Ptr o, const std::string& key, const std::optional<uint64_t>& v) {
    if (v) o->set(key, jsonInt(*v));
    else o->set(key, Poco::Dynamic::Var());
}

void setOptional(Object::Ptr o, const std::string& key, const std::optional<double>& v, int decimals) {
    if (v) o->set(key, rounded(*v, decimals));
    else o->set(key, Poco::Dynamic::Var());
}

void setTime(Object::Ptr o, const std::string& prefix, const std::optional<int64_t>& t, int64_t now) {
    if (!t) {
        o->set(prefix, Poco::Dynamic::Var());
        return;
    }
    o->set(prefix, isoUtc(*t));
    o->set(prefix + "_unix", static_cast<Poco::Int64>(*t));
    if (prefix == "end_time") o->set("age_seconds", static_cast<Poco::Int64>(std::max<int64_t>(0, now - *t)));
}

bool healthyState(const std::string& state) {
    return state == "ONLINE" || state == "HEALTHY" || state == "AVAIL" || state == "INUSE";
}

Object::Ptr scanObject(const Scan& s, int64_t now) {
    auto o = newObject();
    o->set("function", s.function);
    o->set("state", s.state);
    if (!s.vdev.empty()) o->set("vdev", s.vdev);
    setTime(o, "start_time", s.startTime, now);
    setTime(o, "end_time", s.endTime, now);
    setOptional(o, "processed_bytes", s.processedBytes);
    setOptional(o, "errors", s.errors);
    if (s.percentDone) o->set("percent_done", rounded(*s.percentDone, 2));
    if (s.totalBytes) o->set("total_bytes", jsonInt(*s.totalBytes));
    if (s.issuedBytes) o->set("issued_bytes", jsonInt(*s.issuedBytes));
    if (!s.timeToGo.empty()) o->set("time_to_go", s.timeToGo);
    o->set("bytes_exact", s.bytesExact);
    return o;
}

Object::Ptr vdevBrief(const Vdev& v, const std::string& section) {
    auto o = newObject();
    o->set("name", v.name);
    if (!section.empty()) o->set("section", section);
    o->set("state", v.state);
    setOptional(o, "read_errors", v.readErrors);
    setOptional(o, "write_errors", v.writeErrors);
    setOptional(o, "checksum_errors", v.checksumErrors);
    if (!v.note.empty()) o->set("note", v.note);
    return o;
}

Object::Ptr vdevTree(const Vdev& v) {
    auto o = newObject();
    o->set("name", v.name);
    if (v.isSection) {
        o->set("section", true);
    } else {
        if (!v.type.empty()) o->set("type", v.type);
        o->set("state", v.state);
        if (v.readErrors || v.writeErrors || v.checksumErrors) {
            setOptional(o, "read_errors", v.readErrors);
            setOptional(o, "write_errors", v.writeErrors);
            setOptional(o, "checksum_errors", v.checksumErrors);
            if (!v.countsExact) o->set("counts_exact", false);
        }
        if (!v.note.empty()) o->set("note", v.note);
    }
    if (!v.children.empty()) {
        Array::Ptr kids = new Array;
        for (const Vdev& c : v.children) kids->add(vdevTree(c));
        o->set("children", kids);
    }
    return o;
}

// isRoot: the vdev named like the pool, whose state is the pool's (reported apart).
void collect(const Vdev& v, const std::string& section, bool isRoot, Array::Ptr withErrors, Array::Ptr notOnline) {
    if (!v.isSection) {
        if (v.errorTotal() > 0) withErrors->add(vdevBrief(v, section));
        if (!isRoot && !v.state.empty() && !healthyState(v.state)) notOnline->add(vdevBrief(v, section));
    }
    const std::string inner = v.isSection ? v.name : section;
    for (const Vdev& c : v.children) collect(c, inner, false, withErrors, notOnline);
}

const Scan* lastScrub(const PoolStatus& status) {
    for (const Scan& s : status.scans) {
        if (s.function == "scrub") return &s;
    }
    return nullptr;
}

}  // namespace

Object::Ptr sourceInfo(const ZfsVersion& version) {
    auto o = newObject();
    o->set("format", std::string(flavourName(version.flavour)));
    o->set("version", version.userland.empty() ? std::string(version.flavour == Flavour::Legacy ? "zfs-fuse (pre-OpenZFS)" : "unknown")
                                               : version.userland);
    if (!version.kernel.empty()) o->set("kernel_module", version.kernel);
    return o;
}

Object::Ptr poolSummary(const PoolSpace* space, const PoolStatus* status, int64_t now) {
    auto o = newObject();
    o->set("name", space ? space->name : status->name);
    o->set("state", status && !status->state.empty() ? status->state : (space ? space->health : std::string()));
    if (space) {
        setOptional(o, "size_bytes", space->size);
        setOptional(o, "allocated_bytes", space->allocated);
        setOptional(o, "free_bytes", space->free);
        setOptional(o, "capacity_percent", space->capacityPercent, 1);
        setOptional(o, "fragmentation_percent", space->fragmentationPercent, 1);
        o->set("sizes_exact", space->exact);
    }
    if (!status) return o;

    Array::Ptr withErrors = new Array, notOnline = new Array;
    uint64_t read = 0, write = 0, checksum = 0;
    std::function<void(const Vdev&)> sum = [&](const Vdev& v) {
        read += v.readErrors.value_or(0);
        write += v.writeErrors.value_or(0);
        checksum += v.checksumErrors.value_or(0);
        for (const Vdev& c : v.children) sum(c);
    };
    for (const Vdev& v : status->vdevs) {
        collect(v, "", !v.isSection && v.name == status->name, withErrors, notOnline);
        sum(v);
    }
    auto totals = newObject();
    totals->set("read", jsonInt(read));
    totals->set("write", jsonInt(write));
    totals->set("checksum", jsonInt(checksum));
    o->set("error_counts", totals);
    o->set("vdevs_with_errors", withErrors);
    o->set("vdevs_not_online", notOnline);
    setOptional(o, "data_errors", status->dataErrors);

    if (!status->scans.empty()) o->set("scan", scanObject(status->scans.front(), now));
    else o->set("scan", Poco::Dynamic::Var());
    auto scrub = newObject();
    const Scan* s = lastScrub(*status);
    if (s == nullptr) {
        const bool never = !status->scans.empty() && status->scans.front().function == "none";
        scrub->set("state", std::string(never ? "never" : "unknown"));
        if (!never && !status->scans.empty()) {
            scrub->set("note", "the last scan was a " + status->scans.front().function + "; zpool keeps no scrub time past it");
        }
    } else {
        scrub->set("state", s->state);
        setTime(scrub, "start_time", s->startTime, now);
        if (s->state == "finished") {
            setTime(scrub, "end_time", s->endTime, now);
            setOptional(scrub, "repaired_bytes", s->processedBytes);
            setOptional(scrub, "errors", s->errors);
        } else if (s->state == "canceled") {
            setTime(scrub, "end_time", s->endTime, now);
        } else if (s->percentDone) {
            scrub->set("percent_done", rounded(*s->percentDone, 2));
        }
    }
    o->set("last_scrub", scrub);
    if (!status->status.empty()) o->set("status", status->status);
    if (!status->action.empty()) o->set("action", status->action);
    return o;
}

Object::Ptr poolDetail(const PoolSpace* space, const PoolStatus& status, int64_t now) {
    auto o = poolSummary(space, &status, now);
    Array::Ptr tree = new Array;
    for (const Vdev& v : status.vdevs) tree->add(vdevTree(v));
    o->set("vdevs", tree);
    Array::Ptr scans = new Array;
    for (const Scan& s : status.scans) scans->add(scanObject(s, now));
    o->set("scans", scans);
    if (!status.see.empty()) o->set("see", status.see);
    if (!status.errorsText.empty()) o->set("errors_text", status.errorsText);
    return o;
}

Object::Ptr poolsView(const std::vector<PoolSpace>& spaces, const std::vector<PoolStatus>& statuses,
                      const ZfsVersion& version, int64_t now) {
    std::map<std::string, const PoolStatus*> byName;
    for (const auto& s : statuses) byName[s.name] = &s;
    Array::Ptr pools = new Array;
    std::set<std::string> listed;
    for (const auto& space : spaces) {
        auto it = byName.find(space.name);
        pools->add(poolSummary(&space, it == byName.end() ? nullptr : it->second, now));
        listed.insert(space.name);
    }
    for (const auto& s : statuses) {
        if (!listed.count(s.name)) pools->add(poolSummary(nullptr, &s, now));
    }
    auto out = newObject();
    out->set("installed", true);
    out->set("zfs", sourceInfo(version));
    out->set("pools", pools);
    out->set("count", static_cast<Poco::Int64>(pools->size()));
    return out;
}

Object::Ptr datasetsView(const DatasetListing& listing, const std::string& pool, const std::string& dataset,
                         size_t maxDatasets, int64_t now) {
    struct Stats {
        uint64_t count = 0;
        const Snapshot* newest = nullptr;
    };
    std::map<std::string, Stats> stats;
    for (const Snapshot& s : listing.snapshots) {
        Stats& st = stats[s.dataset];
        ++st.count;
        if (s.creation && (st.newest == nullptr || !st.newest->creation || *s.creation >= *st.newest->creation)) st.newest = &s;
    }
    const auto inPool = [&](const std::string& name) {
        return pool.empty() || name == pool || name.rfind(pool + "/", 0) == 0;
    };
    bool poolSeen = pool.empty(), datasetSeen = dataset.empty();
    Array::Ptr list = new Array;
    size_t omitted = 0, total = 0;
    uint64_t snapshotTotal = 0;
    for (const Dataset& d : listing.datasets) {
        if (!pool.empty() && (d.name == pool || d.name.rfind(pool + "/", 0) == 0)) poolSeen = true;
        if (!inPool(d.name) || (!dataset.empty() && d.name != dataset)) continue;
        datasetSeen = datasetSeen || d.name == dataset;
        ++total;
        const Stats& st = stats[d.name];
        snapshotTotal += st.count;
        if (list->size() >= maxDatasets) {
            ++omitted;
            continue;
        }
        auto o = newObject();
        o->set("name", d.name);
        o->set("type", d.type);
        o->set("pool", d.name.substr(0, d.name.find('/')));
        setOptional(o, "used_bytes", d.used);
        setOptional(o, "available_bytes", d.available);
        setOptional(o, "referenced_bytes", d.referenced);
        setOptional(o, "quota_bytes", d.quota);
        setOptional(o, "compress_ratio", d.compressRatio, 2);
        o->set("mountpoint", d.mountpoint);
        if (!d.exact) o->set("sizes_exact", false);
        o->set("snapshot_count", jsonInt(st.count));
        if (st.newest) {
            auto n = newObject();
            n->set("name", st.newest->name);
            setTime(n, "created", st.newest->creation, now);
            if (st.newest->creation) n->set("age_seconds", static_cast<Poco::Int64>(std::max<int64_t>(0, now - *st.newest->creation)));
            o->set("newest_snapshot", n);
        } else {
            o->set("newest_snapshot", Poco::Dynamic::Var());
        }
        list->add(o);
    }
    if (!poolSeen || !datasetSeen) return nullptr;
    auto out = newObject();
    out->set("datasets", list);
    out->set("total", static_cast<Poco::Int64>(total));
    out->set("omitted", static_cast<Poco::Int64>(omitted));
    out->set("snapshot_count", jsonInt(snapshotTotal));
    return out;
}

}  // namespace ha_plugins::zfs
