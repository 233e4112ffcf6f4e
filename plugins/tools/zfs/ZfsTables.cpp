#include "tools/zfs/ZfsTables.h"

#include "tools/zfs/ZfsNumbers.h"

#include <map>
#include <stdexcept>

namespace ha_plugins::zfs {

namespace {

std::vector<std::vector<std::string>> rows(std::string_view text, size_t columns) {
    std::vector<std::vector<std::string>> out;
    size_t start = 0;
    size_t lineNo = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        start = end + 1;
        ++lineNo;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (trimmed(line).empty()) continue;
        std::vector<std::string> fields;
        size_t f = 0;
        for (;;) {
            const size_t tab = line.find('\t', f);
            fields.emplace_back(line.substr(f, tab == std::string_view::npos ? std::string_view::npos : tab - f));
            if (tab == std::string_view::npos) break;
            f = tab + 1;
        }
        if (fields.size() != columns) {
            throw std::invalid_argument("line " + std::to_string(lineNo) + " has " + std::to_string(fields.size()) +
                                        " fields, expected " + std::to_string(columns));
        }
        out.push_back(std::move(fields));
    }
    return out;
}

std::optional<uint64_t> size(const std::string& v, bool& exact) {
    bool e = true;
    auto n = parseZfsNumber(v, &e);
    if (n && !e) exact = false;
    return n;
}

void setDatasetField(Dataset& d, Snapshot* snap, const std::string& column, const std::string& value) {
    if (column == "type") d.type = value;
    else if (column == "used") d.used = size(value, d.exact);
    else if (column == "available" || column == "avail") d.available = size(value, d.exact);
    else if (column == "referenced" || column == "refer") d.referenced = size(value, d.exact);
    else if (column == "quota") {
        auto q = size(value, d.exact);
        d.quota = q && *q > 0 ? q : std::nullopt;  // 0 and "none" both mean no quota
    } else if (column == "compressratio") d.compressRatio = parseRatio(value);
    else if (column == "mountpoint") d.mountpoint = value;
    else if (column == "creation" && snap != nullptr) {
        bool exact = true;
        auto n = parseZfsNumber(value, &exact);
        snap->creation = n && exact ? std::optional<int64_t>(static_cast<int64_t>(*n)) : parseZfsCreationText(value);
    }
}

void addEntry(DatasetListing& out, const std::string& name, Dataset& d, Snapshot& s) {
    const auto at = name.find('@');
    if (d.type == "snapshot" || at != std::string::npos) {
        s.dataset = name.substr(0, at);
        s.name = at == std::string::npos ? "" : name.substr(at + 1);
        out.snapshots.push_back(std::move(s));
    } else if (d.type == "filesystem" || d.type == "volume" || d.type.empty()) {
        d.name = name;
        if (d.type.empty()) d.type = "filesystem";
        out.datasets.push_back(std::move(d));
    }
    // bookmarks and anything else: not datasets
}

}  // namespace

std::vector<PoolSpace> parseZpoolListTable(std::string_view text, const std::vector<std::string>& columns) {
    std::vector<PoolSpace> out;
    for (const auto& row : rows(text, columns.size())) {
        PoolSpace p;
        for (size_t i = 0; i < columns.size(); ++i) {
            const std::string& c = columns[i];
            const std::string& v = row[i];
            if (c == "name") p.name = v;
            else if (c == "size") p.size = size(v, p.exact);
            else if (c == "allocated" || c == "alloc") p.allocated = size(v, p.exact);
            else if (c == "free") p.free = size(v, p.exact);
            else if (c == "capacity" || c == "cap") p.capacityPercent = parsePercent(v);
            else if (c == "fragmentation" || c == "frag") p.fragmentationPercent = parsePercent(v);
            else if (c == "health") p.health = v;
        }
        if (p.name.empty()) throw std::invalid_argument("a pool row without a name");
        out.push_back(std::move(p));
    }
    return out;
}

DatasetListing parseZfsListTable(std::string_view text, const std::vector<std::string>& columns) {
    DatasetListing out;
    for (const auto& row : rows(text, columns.size())) {
        Dataset d;
        Snapshot s;
        std::string name;
        for (size_t i = 0; i < columns.size(); ++i) {
            if (columns[i] == "name") name = row[i];
            else setDatasetField(d, &s, columns[i], row[i]);
        }
        if (name.empty()) throw std::invalid_argument("a dataset row without a name");
        addEntry(out, name, d, s);
    }
    return out;
}

DatasetListing parseZfsGetTable(std::string_view text) {
    // Keep zfs's order: datasets appear in the order of their first line.
    std::vector<std::string> order;
    std::map<std::string, std::pair<Dataset, Snapshot>> byName;
    for (const auto& row : rows(text, 3)) {
        auto [it, fresh] = byName.try_emplace(row[0]);
        if (fresh) order.push_back(row[0]);
        setDatasetField(it->second.first, &it->second.second, row[1], row[2]);
    }
    DatasetListing out;
    for (const auto& name : order) addEntry(out, name, byName[name].first, byName[name].second);
    return out;
}

ZfsVersion parseVersionText(std::string_view text) {
    ZfsVersion v;
    v.flavour = Flavour::Text;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        const std::string line(trimmed(text.substr(start, end - start)));
        start = end + 1;
        if (line.rfind("zfs-kmod-", 0) == 0) v.kernel = line;
        else if (line.rfind("zfs-", 0) == 0 && v.userland.empty()) v.userland = line;
    }
    if (v.userland.empty()) throw std::invalid_argument("not zpool version output");
    return v;
}

}  // namespace ha_plugins::zfs
