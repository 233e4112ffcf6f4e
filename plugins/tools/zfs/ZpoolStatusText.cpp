#include "tools/zfs/ZpoolStatusText.h"

#include "tools/zfs/ZfsNumbers.h"

#include <regex>
#include <set>
#include <stdexcept>

namespace ha_plugins::zfs {

namespace {

const std::set<std::string> kKeys = {"pool",   "id",   "state",      "status", "action", "see",
                                     "scan",   "scrub", "remove",    "checkpoint", "expand", "config",
                                     "errors", "comment"};
const std::set<std::string> kSections = {"logs", "cache", "spares", "special", "dedup"};

std::vector<std::string> splitLines(std::string_view text) {
    std::vector<std::string> lines;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string line(text.substr(start, end - start));
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(std::move(line));
        if (end == text.size()) break;
        start = end + 1;
    }
    return lines;
}

size_t indentOf(const std::string& line) {
    size_t i = 0;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    return i;
}

std::vector<std::string> tokens(const std::string& line, std::vector<size_t>* ends = nullptr) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        if (i >= line.size()) break;
        const size_t b = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
        out.push_back(line.substr(b, i - b));
        if (ends) ends->push_back(i);
    }
    return out;
}

// "  pool: tank" -> ("pool", "tank"). Keys sit at most 4 columns in; continuation lines deeper.
bool keyLine(const std::string& line, std::string& key, std::string& value) {
    const size_t in = indentOf(line);
    if (in > 4 || (in > 0 && line[0] == '\t')) return false;
    const size_t colon = line.find(':', in);
    if (colon == std::string::npos) return false;
    const std::string k = line.substr(in, colon - in);
    if (!kKeys.count(k)) return false;
    if (colon + 1 < line.size() && line[colon + 1] != ' ' && line[colon + 1] != '\t') return false;
    key = k;
    value = std::string(trimmed(std::string_view(line).substr(colon + 1)));
    return true;
}

std::string vdevType(const std::string& name) {
    static const std::regex kind(R"(^(mirror|raidz[123]?|draid[123]?|replacing|spare|indirect)(-\d+|:.*)$)");
    std::smatch m;
    if (std::regex_match(name, m, kind)) {
        std::string t = m[1].str();
        if (t.rfind("draid", 0) == 0) return "draid";
        return t == "raidz" ? "raidz1" : t;
    }
    return "";
}

struct FlatVdev {
    size_t depth;
    Vdev vdev;
};

std::vector<Vdev> assemble(const std::vector<FlatVdev>& flat, size_t& i, size_t depth) {
    std::vector<Vdev> level;
    while (i < flat.size() && flat[i].depth >= depth) {
        if (flat[i].depth > depth && !level.empty()) {
            level.back().children = assemble(flat, i, flat[i].depth);
            continue;
        }
        level.push_back(flat[i].vdev);
        ++i;
    }
    return level;
}

Vdev vdevRow(const std::string& line, const std::vector<std::string>& tok, const std::vector<size_t>& ends) {
    Vdev v;
    v.name = tok[0];
    v.type = vdevType(v.name);
    if (tok.size() >= 2) v.state = tok[1];
    size_t noteFrom = tok.size() >= 2 ? ends[1] : ends[0];
    if (tok.size() >= 5) {
        bool e1 = true, e2 = true, e3 = true;
        auto r = parseZfsNumber(tok[2], &e1), w = parseZfsNumber(tok[3], &e2), c = parseZfsNumber(tok[4], &e3);
        if (r && w && c) {
            v.readErrors = r;
            v.writeErrors = w;
            v.checksumErrors = c;
            v.countsExact = e1 && e2 && e3;
            noteFrom = ends[4];
        }
    }
    v.note = std::string(trimmed(std::string_view(line).substr(noteFrom)));
    return v;
}

// Old format: bytes repaired appear beside each leaf ("24.8M repaired").
void sumLegacyRepairs(const std::vector<Vdev>& vdevs, const std::string& word, uint64_t& total, bool& any) {
    static const std::regex repaired(R"(^(\S+) (repaired|resilvered)$)");
    for (const Vdev& v : vdevs) {
        std::smatch m;
        if (v.children.empty() && std::regex_match(v.note, m, repaired) && m[2].str() == word) {
            if (auto n = parseZfsNumber(m[1].str())) {
                total += *n;
                any = true;
            }
        }
        sumLegacyRepairs(v.children, word, total, any);
    }
}

void finishPool(PoolStatus& pool, std::vector<FlatVdev>& flat, const std::vector<std::string>& scanValues,
                const std::string& legacyScrub) {
    size_t i = 0;
    pool.vdevs = assemble(flat, i, 0);
    flat.clear();
    for (Vdev& v : pool.vdevs) {
        if (kSections.count(v.name) && !v.readErrors && v.state.empty()) {
            v.isSection = true;
            v.type = "";
            for (Vdev& c : v.children) c.section = v.name;
        }
    }
    for (const std::string& s : scanValues) pool.scans.push_back(parseScanText(s));
    if (!legacyScrub.empty()) {
        Scan scan = parseLegacyScrubText(legacyScrub);
        if (scan.function == "scrub" || scan.function == "resilver") {
            uint64_t total = 0;
            bool any = false;
            sumLegacyRepairs(pool.vdevs, scan.function == "scrub" ? "repaired" : "resilvered", total, any);
            scan.processedBytes = any ? total : 0;
        }
        pool.scans.push_back(scan);
    }
}

void readErrors(PoolStatus& pool) {
    pool.status = squeezed(pool.status);
    pool.action = squeezed(pool.action);
    static const std::regex count(R"(^(\d+) data errors)");
    std::smatch m;
    const std::string first = pool.errorsText.substr(0, pool.errorsText.find('\n'));
    if (first.rfind("No known data errors", 0) == 0) {
        pool.dataErrors = 0;
    } else if (std::regex_search(first, m, count)) {
        pool.dataErrors = std::stoull(m[1].str());
    } else if (first.rfind("Permanent errors have been detected", 0) == 0) {
        uint64_t files = 0;
        for (const std::string& l : splitLines(pool.errorsText)) {
            const auto t = trimmed(l);
            if (!t.empty() && t.rfind("Permanent errors", 0) != 0) ++files;
        }
        pool.dataErrors = files > 0 ? files : 1;
    }
}

}  // namespace

Scan parseScanText(const std::string& value) {
    Scan s;
    s.text = value;
    const std::string first(trimmed(std::string_view(value).substr(0, value.find('\n'))));
    static const std::regex finished(R"(^(scrub repaired|resilvered)(?: \(([^)]*)\))? (\S+) in (.+?) with (\d+) errors on (.+)$)");
    static const std::regex canceled(R"(^(scrub|resilver)(?: \(([^)]*)\))? canceled on (.+)$)");
    static const std::regex running(R"(^(scrub|resilver)(?: \(([^)]*)\))? in progress since (.+)$)");
    static const std::regex paused(R"(^scrub paused since (.+)$)");
    std::smatch m;
    if (first == "none requested") {
        s.function = "none";
        s.state = "none";
        return s;
    }
    if (std::regex_match(first, m, finished)) {
        s.function = m[1].str() == "resilvered" ? "resilver" : "scrub";
        s.state = "finished";
        s.vdev = m[2].str();
        s.processedBytes = parseZfsNumber(m[3].str(), &s.bytesExact);
        s.errors = std::stoull(m[5].str());
        s.endTime = parseCtime(m[6].str());
        return s;
    }
    if (std::regex_match(first, m, canceled)) {
        s.function = m[1].str();
        s.state = "canceled";
        s.vdev = m[2].str();
        s.endTime = parseCtime(m[3].str());
        return s;
    }
    if (std::regex_match(first, m, running)) {
        s.function = m[1].str();
        s.vdev = m[2].str();
        s.state = "scanning";
        s.startTime = parseCtime(m[3].str());
    } else if (std::regex_match(first, m, paused)) {
        s.function = "scrub";
        s.state = "paused";
    } else {
        s.function = "unknown";
        s.state = "unknown";
        return s;
    }
    static const std::regex started(R"(scrub started on (.+))");
    static const std::regex percent(R"(([\d.]+)% done)");
    static const std::regex processed(R"((\S+) (repaired|resilvered), )");
    static const std::regex scanned(R"((\S+)(?: / (\S+))? scanned(?: out of (\S+))?)");
    static const std::regex issued(R"((\S+)(?: / (\S+))? issued)");
    static const std::regex total(R"((\S+) total)");
    static const std::regex toGo(R"(, ((?:\d+ days )?[\d:hm]+) to go)");
    const std::string rest = value.find('\n') == std::string::npos ? "" : value.substr(value.find('\n') + 1);
    if (s.state == "paused" && std::regex_search(rest, m, started)) s.startTime = parseCtime(std::string(trimmed(m[1].str())));
    if (std::regex_search(rest, m, percent)) s.percentDone = std::stod(m[1].str());
    if (std::regex_search(rest, m, processed)) s.processedBytes = parseZfsNumber(m[1].str(), &s.bytesExact);
    if (std::regex_search(rest, m, scanned)) {
        s.examinedBytes = parseZfsNumber(m[1].str());
        if (m[2].matched) s.totalBytes = parseZfsNumber(m[2].str());
        if (m[3].matched) s.totalBytes = parseZfsNumber(m[3].str());
    }
    if (std::regex_search(rest, m, issued)) {
        s.issuedBytes = parseZfsNumber(m[1].str());
        if (m[2].matched) s.totalBytes = parseZfsNumber(m[2].str());
    }
    if (!s.totalBytes && std::regex_search(rest, m, total)) s.totalBytes = parseZfsNumber(m[1].str());
    if (std::regex_search(rest, m, toGo)) {
        s.timeToGo = m[1].str();
    } else if (rest.find("no estimated completion time") != std::string::npos) {
        s.timeToGo = "no estimated completion time";
    }
    return s;
}

Scan parseLegacyScrubText(const std::string& value) {
    Scan s;
    s.text = value;
    const std::string v(trimmed(value));
    static const std::regex done(R"(^(scrub|resilver) (completed|stopped) after (\d+)h(\d+)m with (\d+) errors on (.+)$)");
    static const std::regex running(R"(^(scrub|resilver) in progress for (\d+)h(\d+)m, ([\d.]+)% done, (\d+)h(\d+)m to go$)");
    std::smatch m;
    if (v == "none requested") {
        s.function = "none";
        s.state = "none";
    } else if (std::regex_match(v, m, done)) {
        s.function = m[1].str();
        s.state = m[2].str() == "completed" ? "finished" : "canceled";
        s.errors = std::stoull(m[5].str());
        s.endTime = parseCtime(m[6].str());
        if (s.endTime) s.startTime = *s.endTime - (std::stoll(m[3].str()) * 3600 + std::stoll(m[4].str()) * 60);
    } else if (std::regex_match(v, m, running)) {
        s.function = m[1].str();
        s.state = "scanning";
        s.percentDone = std::stod(m[4].str());
        s.timeToGo = m[5].str() + "h" + m[6].str() + "m";
    } else {
        s.function = "unknown";
        s.state = "unknown";
    }
    return s;
}

std::vector<PoolStatus> parseZpoolStatusText(std::string_view text) {
    std::vector<PoolStatus> pools;
    const auto lines = splitLines(text);
    enum class Mode { Header, Config, Errors } mode = Mode::Header;
    std::string lastKey;
    std::vector<std::string> scanValues;
    std::string legacyScrub;
    std::vector<FlatVdev> flat;
    long headerIndent = -1;
    bool sawSomething = false;

    const auto closePool = [&] {
        if (pools.empty()) return;
        finishPool(pools.back(), flat, scanValues, legacyScrub);
        readErrors(pools.back());
        scanValues.clear();
        legacyScrub.clear();
        headerIndent = -1;
    };

    for (const std::string& line : lines) {
        std::string key, value;
        const bool isKey = keyLine(line, key, value);
        if (isKey && key == "pool") {
            closePool();
            pools.emplace_back();
            pools.back().name = value;
            mode = Mode::Header;
            lastKey = key;
            sawSomething = true;
            continue;
        }
        if (pools.empty()) {
            if (trimmed(line) == "no pools available") sawSomething = true;
            continue;
        }
        PoolStatus& pool = pools.back();
        if (isKey && (mode != Mode::Config || key == "errors")) {
            mode = key == "config" ? Mode::Config : (key == "errors" ? Mode::Errors : Mode::Header);
            lastKey = key;
            if (key == "state") pool.state = value;
            else if (key == "status") pool.status = value;
            else if (key == "action") pool.action = value;
            else if (key == "see") pool.see = value;
            else if (key == "scan") scanValues.push_back(value);
            else if (key == "scrub") legacyScrub = value;
            else if (key == "errors") pool.errorsText = value;
            continue;
        }
        if (mode == Mode::Header) {
            const auto t = trimmed(line);
            if (t.empty()) continue;
            std::string* target = lastKey == "status" ? &pool.status : lastKey == "action" ? &pool.action : nullptr;
            if (target) {
                *target += " ";
                *target += std::string(t);
            } else if (lastKey == "scan" && !scanValues.empty()) {
                scanValues.back() += "\n" + std::string(t);
            }
            continue;
        }
        if (mode == Mode::Errors) {
            const auto t = trimmed(line);
            if (!t.empty()) pool.errorsText += "\n" + std::string(t);
            continue;
        }
        // Config: the vdev table.
        if (trimmed(line).empty()) continue;
        std::vector<size_t> ends;
        const auto tok = tokens(line, &ends);
        if (headerIndent < 0) {
            if (tok.size() >= 2 && tok[0] == "NAME" && tok[1] == "STATE") headerIndent = static_cast<long>(indentOf(line));
            continue;
        }
        const long rel = std::max<long>(0, static_cast<long>(indentOf(line)) - headerIndent);
        const size_t depth = static_cast<size_t>(rel / 2);
        if (tok.size() == 1 && depth == 0 && kSections.count(tok[0])) {
            Vdev section;
            section.name = tok[0];
            flat.push_back({0, section});
            continue;
        }
        flat.push_back({depth, vdevRow(line, tok, ends)});
    }
    closePool();
    if (!sawSomething && !trimmed(text).empty()) throw std::invalid_argument("not zpool status output");
    return pools;
}

}  // namespace ha_plugins::zfs
