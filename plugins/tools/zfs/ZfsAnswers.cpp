#include "tools/zfs/ZfsAnswers.h"

#include "common/PluginConfig.h"
#include "common/Wording.h"

#include <homelab_assistant/plugin.hpp>

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

namespace ha_plugins::zfs {

using answers::Findings;
using answers::Matches;
using answers::Question;
using Poco::JSON::Array;
using Poco::JSON::Object;
namespace w = ha_plugins::wording;

namespace {

// ---- reading results ---------------------------------------------------------------------------

std::string str(const Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || !o->get(key).isString()) return "";
    return o->get(key).extract<std::string>();
}

std::optional<double> num(const Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key)) return std::nullopt;
    const auto v = o->get(key);
    if (v.isEmpty() || !v.isNumeric() || v.isBoolean()) return std::nullopt;
    return v.convert<double>();
}

uint64_t count(const Object::Ptr& o, const std::string& key) {
    auto v = num(o, key);
    return v && *v > 0 ? static_cast<uint64_t>(*v) : 0;
}

Object::Ptr obj(const Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || o->get(key).type() != typeid(Object::Ptr)) return nullptr;
    return o->getObject(key);
}

std::vector<Object::Ptr> objects(const Object::Ptr& o, const std::string& key) {
    std::vector<Object::Ptr> out;
    if (!o || !o->has(key) || o->get(key).type() != typeid(Array::Ptr)) return out;
    auto a = o->getArray(key);
    for (size_t i = 0; i < a->size(); ++i) {
        if (a->get(i).type() == typeid(Object::Ptr)) out.push_back(a->getObject(static_cast<unsigned>(i)));
    }
    return out;
}

// "2026-12-01T21:02:51Z" -> "2026-12-01 21:02 UTC".
std::string shortDate(const std::string& iso) {
    if (iso.size() < 16) return iso;
    return iso.substr(0, 10) + " " + iso.substr(11, 5) + " UTC";
}

std::string ago(const Object::Ptr& o) {
    auto age = num(o, "age_seconds");
    return age ? w::duration(static_cast<uint64_t>(*age)) + " ago" : "";
}

// "/tmp/pools/ck1.img" stays as it is; long by-id names are the names users know.
std::string vdevErrorsText(const Object::Ptr& v) {
    std::vector<std::string> parts;
    const auto r = count(v, "read_errors"), wr = count(v, "write_errors"), c = count(v, "checksum_errors");
    if (r) parts.push_back(w::count(r, "read error", "read errors"));
    if (wr) parts.push_back(w::count(wr, "write error", "write errors"));
    if (c) parts.push_back(w::count(c, "checksum error", "checksum errors"));
    std::string s = str(v, "name") + " (" + w::list(parts) + ")";
    if (!str(v, "note").empty()) s += ", " + str(v, "note");
    return s;
}

std::string notOnlineText(const Object::Ptr& v) {
    std::string s = str(v, "name") + " " + str(v, "state");
    if (!str(v, "note").empty()) s += " (" + str(v, "note") + ")";
    return s;
}

bool onlineState(const std::string& s) { return s == "ONLINE"; }

std::string spaceText(const Object::Ptr& p) {
    auto cap = num(p, "capacity_percent");
    auto size = num(p, "size_bytes"), alloc = num(p, "allocated_bytes"), free = num(p, "free_bytes");
    if (!cap && !size) return "";
    std::string s = str(p, "name") + " is " + (cap ? w::percent(*cap) : std::string("?")) + " full";
    if (alloc && size) s += " (" + w::bytes(static_cast<uint64_t>(*alloc)) + " of " + w::bytes(static_cast<uint64_t>(*size)) + " used";
    if (free) s += std::string(alloc && size ? ", " : " (") + w::bytes(static_cast<uint64_t>(*free)) + " free";
    if (alloc || free) s += ")";
    if (auto frag = num(p, "fragmentation_percent")) s += ", fragmentation " + w::percent(*frag);
    return s;
}

std::string scrubText(const Object::Ptr& p, bool withName) {
    auto scrub = obj(p, "last_scrub");
    const std::string name = withName ? str(p, "name") + ": " : std::string();
    const std::string state = str(scrub, "state");
    if (state == "never") return name + "never scrubbed";
    if (state == "finished") {
        std::string s = name + "last scrub finished " + shortDate(str(scrub, "end_time"));
        if (!ago(scrub).empty()) s += " (" + ago(scrub) + ")";
        if (auto rep = num(scrub, "repaired_bytes")) s += ", " + w::bytes(static_cast<uint64_t>(*rep)) + " repaired";
        if (auto err = num(scrub, "errors")) s += ", " + w::count(static_cast<uint64_t>(*err), "error", "errors");
        return s;
    }
    if (state == "scanning" || state == "paused") {
        std::string s = name + "a scrub is " + (state == "paused" ? "paused" : "running");
        if (auto pct = num(scrub, "percent_done")) s += ", " + w::number(*pct, 1) + "% done";
        auto scan = obj(p, "scan");
        if (!str(scan, "time_to_go").empty() && str(scan, "time_to_go").find("no estimated") == std::string::npos) {
            s += ", " + str(scan, "time_to_go") + " to go";
        }
        if (!str(scrub, "start_time").empty()) s += " (started " + shortDate(str(scrub, "start_time")) + ")";
        return s;
    }
    if (state == "canceled") {
        return name + "the last scrub was canceled" +
               (str(scrub, "end_time").empty() ? std::string() : " on " + shortDate(str(scrub, "end_time"))) +
               "; no completed scrub is recorded";
    }
    auto scan = obj(p, "scan");
    if (str(scan, "function") == "resilver") {
        std::string s = name + (str(scan, "state") == "scanning" ? "a resilver is running" : "the last scan was a resilver");
        if (auto pct = num(scan, "percent_done")) s += " (" + w::number(*pct, 1) + "% done)";
        if (!str(scan, "end_time").empty()) s += " on " + shortDate(str(scan, "end_time"));
        return s + "; zpool keeps no scrub time past it";
    }
    return name + "scrub state unknown";
}

std::string resilverText(const Object::Ptr& p) {
    auto scan = obj(p, "scan");
    if (str(scan, "function") != "resilver" || str(scan, "state") != "scanning") return "";
    std::string s = "resilvering";
    if (auto pct = num(scan, "percent_done")) s += " " + w::number(*pct, 1) + "% done";
    if (!str(scan, "time_to_go").empty()) s += ", " + str(scan, "time_to_go") + " to go";
    return s;
}

// What is wrong with a pool ("healthy, no vdev errors" when nothing is).
std::string problemsText(const Object::Ptr& p) {
    std::vector<std::string> parts;
    const std::string state = str(p, "state");
    auto notOnline = objects(p, "vdevs_not_online");
    auto withErrors = objects(p, "vdevs_with_errors");
    if (!notOnline.empty()) {
        std::vector<std::string> items;
        for (auto& v : notOnline) items.push_back(notOnlineText(v));
        parts.push_back(w::list(items));
    }
    if (!withErrors.empty()) {
        std::vector<std::string> items;
        for (auto& v : withErrors) items.push_back(vdevErrorsText(v));
        parts.push_back("errors on " + w::list(items));
    }
    if (count(p, "data_errors") > 0) parts.push_back(w::count(count(p, "data_errors"), "permanent data error", "permanent data errors"));
    if (!resilverText(p).empty()) parts.push_back(resilverText(p));
    if (parts.empty() && onlineState(state)) parts.push_back("healthy, no vdev errors");
    return w::list(parts);
}

// One sentence on one pool's health, problems first.
std::string healthText(const Object::Ptr& p) {
    std::string s = str(p, "name") + " is " + str(p, "state");
    const std::string problems = problemsText(p);
    if (!problems.empty()) s += ": " + problems;
    if (auto cap = num(p, "capacity_percent")) s += "; " + w::percent(*cap) + " full";
    return s;
}

bool poolHasProblem(const Object::Ptr& p) {
    return !onlineState(str(p, "state")) || !objects(p, "vdevs_with_errors").empty() || count(p, "data_errors") > 0;
}

// ---- reading questions -------------------------------------------------------------------------

bool isNameChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' || c == ':' || c == '/' || c == '@';
}

// The name as a whole token of the question as written (any case).
bool mentions(const std::string& question, const std::string& name) {
    if (name.empty()) return false;
    std::string q = question, n = name;
    std::transform(q.begin(), q.end(), q.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (size_t at = q.find(n); at != std::string::npos; at = q.find(n, at + 1)) {
        const bool before = at == 0 || !isNameChar(q[at - 1]);
        const size_t end = at + n.size();
        // A trailing '.' or ':' ends the sentence, it is not part of the name.
        const bool after = end >= q.size() || !isNameChar(q[end]) ||
                           ((q[end] == '.' || q[end] == ':') && (end + 1 >= q.size() || !isNameChar(q[end + 1])));
        if (before && after) return true;
    }
    return false;
}

std::string longestMentioned(const std::string& question, const std::vector<std::string>& names) {
    std::string best;
    for (const auto& n : names) {
        if (n.size() > best.size() && mentions(question, n)) best = n;
    }
    return best;
}

const std::vector<const char*> kSubjectWords = {
    "zfs",       "zpool",      "zpools",     "pool",     "pools",    "vdev",     "vdevs",    "scrub",
    "scrubs",    "scrubbed",   "scrubbing",  "resilver", "resilvers", "resilvering", "resilvered", "dataset",
    "datasets",  "snapshot",   "snapshots",  "snapshotted", "raidz",  "raidz1",   "raidz2",   "raidz3",
    "draid",     "zvol",       "zvols"};
const std::vector<const char*> kAreaWords = {"degraded", "faulted",     "checksum", "checksums", "cksum",
                                             "fragmentation", "fragmented", "compression", "compressratio",
                                             "quota",    "quotas",      "mirror",   "mirrors",   "l2arc",
                                             "slog",     "zil",         "spare",    "spares",    "resilvering"};
bool hasAnyOf(const Question& q, const std::vector<const char*>& words) {
    return std::any_of(words.begin(), words.end(), [&](const char* word) { return q.has(word); });
}

bool snapshotsQ(const Question& q) { return q.hasAny({"snapshot", "snapshots", "snap", "snaps", "snapshotted"}); }
bool datasetsQ(const Question& q) {
    return q.hasAny({"dataset", "datasets", "compression", "compressratio", "quota", "quotas", "zvol", "zvols"});
}

enum class Focus { Health, Scrub, Space, Errors, Snapshots };

Focus focusOf(const Question& q) {
    if (snapshotsQ(q)) return Focus::Snapshots;
    if (q.hasAny({"scrub", "scrubs", "scrubbed", "scrubbing"})) return Focus::Scrub;
    if (q.hasAny({"full", "space", "free", "capacity", "usage", "used", "left", "fragmentation", "fragmented", "size", "big"})) {
        return Focus::Space;
    }
    if (q.hasAny({"errors", "error", "checksum", "checksums", "cksum"})) return Focus::Errors;
    return Focus::Health;
}

std::optional<size_t> ordinal(const Question& q, size_t size) {
    static const std::vector<std::pair<const char*, size_t>> words = {
        {"first", 0}, {"second", 1}, {"third", 2}, {"fourth", 3}, {"fifth", 4}, {"sixth", 5}};
    for (const auto& [word, index] : words) {
        if (q.has(word) && index < size) return index;
    }
    if (q.has("last") && size > 0 && !q.hasAny({"scrub", "scrubbed", "snapshot", "snapshots"})) return size - 1;
    return std::nullopt;
}

std::vector<std::string> subjectList(const Question& q, const std::string& key) {
    std::vector<std::string> out;
    if (!q.subjectData || !q.subjectData->has(key) || q.subjectData->get(key).type() != typeid(Array::Ptr)) return out;
    auto a = q.subjectData->getArray(key);
    for (size_t i = 0; i < a->size(); ++i) {
        if (a->get(i).isString()) out.push_back(a->get(i).extract<std::string>());
    }
    return out;
}

Object::Ptr args(const std::string& key, const std::string& value) {
    auto o = newObject();
    o->set(key, value);
    return o;
}

void addIfAllowed(Matches& m, const Question& q, const std::string& capability, double score,
                  Object::Ptr arguments = nullptr, const std::vector<std::string>& names = {}) {
    if (q.allows(capability)) m.add(capability, score, std::move(arguments), names);
}

// ---- findings ----------------------------------------------------------------------------------

Object::Ptr evidenceOf(std::initializer_list<std::pair<const char*, Poco::Dynamic::Var>> items) {
    auto o = newObject();
    for (const auto& [k, v] : items) o->set(k, v);
    return o;
}

Array::Ptr arrayOf(const std::vector<Object::Ptr>& items) {
    Array::Ptr a = new Array;
    for (const auto& i : items) a->add(i);
    return a;
}

}  // namespace

bool wantsDatasetNames(const Question& q) {
    return snapshotsQ(q) || datasetsQ(q) || q.question.find('/') != std::string::npos;
}

std::string zfsProfile(const KnownNames& names) {
    answers::Profile profile;
    profile.words({"zfs",   "zpool",  "zpools", "pool",  "pools",  "vdev",   "vdevs",   "scrub",   "scrubs",
                   "scrubbed", "scrubbing", "resilver", "resilvers", "resilvering", "resilvered", "dataset", "datasets",
                   "snapshot", "snapshots", "snapshotted", "snap", "snaps", "raidz", "raidz1", "raidz2", "raidz3",
                   "draid", "zvol", "zvols", "degraded", "faulted", "checksum", "checksums", "cksum", "fragmentation",
                   "fragmented", "compression", "compressratio", "quota", "quotas", "mirror", "mirrors", "l2arc",
                   "slog", "zil", "spare", "spares", "healthy", "health", "full", "capacity", "free", "space",
                   "errors", "error", "tree", "layout", "topology", "newest", "latest", "oldest", "unavail",
                   "offline", "online", "repaired", "taken", "disk", "disks", "drive", "drives"});
    // Pool and dataset names, so that typo correction leaves "tank" alone and the question's
    // subject is known. Only [a-z0-9]+ pieces, as the vocabulary requires.
    std::vector<std::string> extra;
    std::set<std::string> seen;
    const auto addPieces = [&](const std::string& name) {
        std::string piece;
        for (char c : name + " ") {
            if (std::isalnum(static_cast<unsigned char>(c))) {
                piece += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                continue;
            }
            if (piece.size() >= 3 && seen.insert(piece).second && extra.size() < 256) extra.push_back(piece);
            piece.clear();
        }
    };
    for (const auto& p : names.pools) addPieces(p);
    for (const auto& d : names.datasets) addPieces(d.substr(d.find('/') == std::string::npos ? 0 : d.find('/') + 1));
    for (const auto& e : extra) profile.words({e.c_str()});
    profile.topic("zfs.pools", "ZFS pools", "Is my pool healthy?")
        .topic("zfs.pools", "Scrubs", "When did the last scrub run?")
        .topic("zfs.pool", "One pool's vdevs and errors", "Any errors on my pool's vdevs?")
        .topic("zfs.datasets", "Datasets and snapshots", "How many snapshots do my datasets have?")
        .check("zfs.pools");
    return profile.json();
}

// A dataset named by its last component ("media" for tank/media) when exactly one has it.
static std::string datasetByLeaf(const Question& q, const KnownNames& names) {
    std::string found;
    for (const auto& d : names.datasets) {
        const auto slash = d.rfind('/');
        if (slash == std::string::npos) continue;
        if (!mentions(q.question, d.substr(slash + 1))) continue;
        if (!found.empty()) return "";  // ambiguous
        found = d;
    }
    return found;
}

std::string zfsMatch(const Question& q, const KnownNames& names) {
    Matches m;
    std::string dataset = longestMentioned(q.question, names.datasets);
    if (dataset.empty() && (snapshotsQ(q) || datasetsQ(q))) dataset = datasetByLeaf(q, names);
    const std::string pool = longestMentioned(q.question, names.pools);
    const bool subject = hasAnyOf(q, kSubjectWords);
    const bool area = hasAnyOf(q, kAreaWords);

    // A named dataset (not a pool's root) outranks its pool: "snapshots of tank/media".
    if (!dataset.empty() && dataset != pool && dataset.size() > pool.size()) {
        addIfAllowed(m, q, "zfs.datasets", 0.95, args("dataset", dataset), {dataset});
        return m.json();
    }
    if (!pool.empty()) {
        if (snapshotsQ(q) || datasetsQ(q)) addIfAllowed(m, q, "zfs.datasets", 0.95, args("pool", pool), {pool});
        else addIfAllowed(m, q, "zfs.pool", 0.95, args("pool", pool), {pool});
        return m.json();
    }

    // Follow-ups on an answer of this plugin: "and the second one?", "what about its snapshots?"
    if (q.subjectIs("zfs")) {
        const auto pools = subjectList(q, "pools");
        const auto datasets = subjectList(q, "datasets");
        if (auto i = ordinal(q, datasets.empty() ? pools.size() : datasets.size())) {
            if (!datasets.empty()) addIfAllowed(m, q, "zfs.datasets", 0.9, args("dataset", datasets[*i]));
            else addIfAllowed(m, q, "zfs.pool", 0.9, args("pool", pools[*i]));
            return m.json();
        }
        const bool pronoun = q.hasAny({"it", "its", "that", "this", "them", "their", "those", "one"});
        if (pronoun && pools.size() == 1) {
            if (snapshotsQ(q) || datasetsQ(q)) addIfAllowed(m, q, "zfs.datasets", 0.9, args("pool", pools[0]));
            else addIfAllowed(m, q, "zfs.pool", 0.85, args("pool", pools[0]));
            return m.json();
        }
        if (pronoun && datasets.size() == 1) {
            addIfAllowed(m, q, "zfs.datasets", 0.9, args("dataset", datasets[0]));
            return m.json();
        }
    }

    if (snapshotsQ(q) || datasetsQ(q)) {
        addIfAllowed(m, q, "zfs.datasets", snapshotsQ(q) || q.hasAny({"dataset", "datasets", "zvol", "zvols"}) ? 0.95 : 0.7);
    } else if (subject) {
        addIfAllowed(m, q, "zfs.pools", 0.95);
    } else if (area) {
        addIfAllowed(m, q, "zfs.pools", 0.7);
    } else if (q.hasAny({"disk", "disks", "drive", "drives"}) && q.hasAny({"errors", "error"})) {
        addIfAllowed(m, q, "zfs.pools", 0.6);  // "any disk errors?": ZFS counts them per vdev
    }
    return m.json();
}

std::string zfsSummarize(const answers::SummaryRequest& request) {
    const Question& q = request.question;
    const auto& outcome = request.outcome;
    const std::string& capability = outcome.capability;
    if (!outcome.ok()) {
        if (outcome.status == "not_found") return answers::summary(w::sentence(outcome.error) + ".", false);
        const std::string what = capability == "zfs.datasets" ? "ZFS datasets" : "ZFS pools";
        return answers::summary("I could not read the " + what + ": " + outcome.error + ".");
    }
    const auto& r = outcome.result;
    const Focus focus = focusOf(q);

    if (capability == "zfs.pools") {
        if (r->has("installed") && !r->getValue<bool>("installed")) {
            return answers::summary("ZFS is not installed on this server (" + str(r, "reason") + ").", false);
        }
        auto pools = objects(r, "pools");
        if (pools.empty()) {
            return answers::summary("ZFS is installed (" + str(obj(r, "zfs"), "version") + ") but there are no pools.", false);
        }
        Array::Ptr names = new Array;
        std::vector<std::string> lines;
        // Problems first, then the rest, in zpool's order.
        std::stable_sort(pools.begin(), pools.end(),
                         [](const Object::Ptr& a, const Object::Ptr& b) { return poolHasProblem(a) && !poolHasProblem(b); });
        for (auto& p : pools) names->add(str(p, "name"));
        size_t problems = 0;
        for (auto& p : pools) problems += poolHasProblem(p) ? 1 : 0;
        std::string text;
        switch (focus) {
            case Focus::Scrub:
                if (pools.size() == 1) {
                    text = "ZFS pool " + scrubText(pools[0], true) + ".";
                } else {
                    text = "Scrubs of " + w::count(pools.size(), "ZFS pool", "ZFS pools") + ":";
                    for (auto& p : pools) text += "\n- " + scrubText(p, true);
                }
                break;
            case Focus::Space:
                for (auto& p : pools) lines.push_back(spaceText(p));
                if (lines.size() == 1) {
                    text = "ZFS pool " + lines[0] + ".";
                } else {
                    text = "ZFS pools:";
                    for (auto& l : lines) text += "\n- " + l;
                }
                break;
            case Focus::Errors: {
                std::vector<std::string> bad, clean;
                for (auto& p : pools) {
                    auto errs = objects(p, "vdevs_with_errors");
                    if (errs.empty()) {
                        clean.push_back(str(p, "name"));
                        continue;
                    }
                    std::vector<std::string> items;
                    for (auto& v : errs) items.push_back(vdevErrorsText(v));
                    bad.push_back(str(p, "name") + ": " + w::list(items));
                }
                if (bad.empty()) {
                    text = "No read, write or checksum errors on any vdev of " + w::list(clean) + ".";
                } else {
                    text = "Vdev errors:";
                    for (auto& b : bad) text += "\n- " + b;
                    if (!clean.empty()) text += "\nNo errors on " + w::list(clean) + ".";
                }
                break;
            }
            default:
                text = problems == 0 ? (pools.size() == 1 ? "Your ZFS pool is healthy."
                                                          : "All " + std::to_string(pools.size()) + " ZFS pools are healthy.")
                                     : std::to_string(problems) + " of " + w::count(pools.size(), "ZFS pool", "ZFS pools") +
                                           (problems == 1 ? " needs" : " need") + " attention.";
                for (auto& p : pools) text += "\n- " + healthText(p);
                break;
        }
        auto subject = newObject();
        subject->set("pools", names);
        return answers::summary(text, true, subject);
    }

    if (capability == "zfs.pool") {
        std::vector<std::string> sentences;
        const std::string space = spaceText(r);
        const std::string scrub = w::sentence(scrubText(r, false));
        // Sentences start with "ZFS pool <name>": pool names are case-sensitive, never capitalised.
        switch (focus) {
            case Focus::Space: sentences = {"ZFS pool " + space, "State " + str(r, "state") + ": " + problemsText(r)}; break;
            case Focus::Scrub: sentences = {"ZFS pool " + scrubText(r, true), "State " + str(r, "state") + ": " + problemsText(r)}; break;
            default: sentences = {"ZFS pool " + healthText(r), scrub}; break;
        }
        if (!onlineState(str(r, "state")) && !str(r, "status").empty()) sentences.push_back("ZFS reports: " + str(r, "status"));
        if (!onlineState(str(r, "state")) && !str(r, "action").empty()) sentences.push_back("Suggested action: " + str(r, "action"));
        std::string text;
        for (const auto& s : sentences) {
            if (s.empty()) continue;
            if (!text.empty()) text += " ";
            text += w::sentence(s);
            if (text.back() != '.') text += ".";
        }
        auto subject = newObject();
        Array::Ptr names = new Array;
        names->add(str(r, "name"));
        subject->set("pools", names);
        return answers::summary(text, true, subject);
    }

    if (capability == "zfs.datasets") {
        auto datasets = objects(r, "datasets");
        Array::Ptr names = new Array;
        for (auto& d : datasets) names->add(str(d, "name"));
        auto subject = newObject();
        subject->set("datasets", names);
        const std::string one = str(outcome.arguments, "dataset");
        const auto snapshotsOf = [](const Object::Ptr& d) {
            const uint64_t n = count(d, "snapshot_count");
            std::string s = w::count(n, "snapshot", "snapshots");
            if (auto newest = obj(d, "newest_snapshot")) {
                s += ", the newest (" + str(newest, "name") + ") taken " +
                     (ago(newest).empty() ? shortDate(str(newest, "created")) : ago(newest));
            }
            return s;
        };
        const auto usage = [](const Object::Ptr& d) {
            std::string s;
            if (auto used = num(d, "used_bytes")) s += w::bytes(static_cast<uint64_t>(*used)) + " used";
            if (auto avail = num(d, "available_bytes")) s += ", " + w::bytes(static_cast<uint64_t>(*avail)) + " available";
            if (auto quota = num(d, "quota_bytes")) s += ", quota " + w::bytes(static_cast<uint64_t>(*quota));
            if (auto ratio = num(d, "compress_ratio")) s += ", compression ratio " + w::number(*ratio, 2) + "x";
            return s;
        };
        if (!one.empty() && datasets.size() == 1) {
            const auto& d = datasets[0];
            std::string text = str(d, "name") + " has " + snapshotsOf(d) + ". It has " + usage(d) + ".";
            if (focus == Focus::Space) text = str(d, "name") + ": " + usage(d) + "; " + snapshotsOf(d) + ".";
            return answers::summary(text, true, subject);
        }
        const uint64_t total = count(r, "total");
        std::string text = focus == Focus::Snapshots
                               ? w::count(count(r, "snapshot_count"), "snapshot", "snapshots") + " in " +
                                     w::count(total, "dataset", "datasets") + ":"
                               : w::count(total, "ZFS dataset", "ZFS datasets") + ":";
        if (total == 0) text = "There are no ZFS datasets here.";
        constexpr size_t kShown = 12;
        for (size_t i = 0; i < datasets.size() && i < kShown; ++i) {
            const auto& d = datasets[i];
            text += "\n- " + str(d, "name") + ": " + (focus == Focus::Snapshots ? snapshotsOf(d) : usage(d) + "; " + snapshotsOf(d));
        }
        if (total > kShown) text += "\n(and " + std::to_string(total - kShown) + " more)";
        return answers::summary(text, total > 0, subject);
    }
    throw homelab_assistant::Error(HA_ERR_UNSUPPORTED, "no wording for " + capability);
}

std::string zfsChecks(const answers::CheckResults& results, const ZfsThresholds& t, int64_t now) {
    Findings f;
    const answers::Outcome* pools = results.find("zfs.pools");
    if (pools == nullptr) return f.json();
    if (!pools->ok()) {
        f.add(Findings::Severity::Warning, "zfs.unavailable", "zfs", "ZFS pools could not be checked: " + pools->error + ".");
        return f.json();
    }
    const auto& r = pools->result;
    if (r->has("installed") && !r->getValue<bool>("installed")) return f.json();  // no ZFS here: nothing to say

    for (const auto& p : objects(r, "pools")) {
        const std::string name = str(p, "name");
        const std::string state = str(p, "state");
        bool problem = false;
        if (!onlineState(state)) {
            problem = true;
            std::vector<std::string> items;
            for (auto& v : objects(p, "vdevs_not_online")) items.push_back(notOnlineText(v));
            f.add(Findings::Severity::Critical, "zfs.pool_state", name,
                  "ZFS pool " + name + " is " + state + (items.empty() ? "" : ": " + w::list(items)) + ".",
                  evidenceOf({{"state", state}, {"vdevs_not_online", arrayOf(objects(p, "vdevs_not_online"))}}));
        }
        if (count(p, "data_errors") > 0) {
            problem = true;
            f.add(Findings::Severity::Critical, "zfs.data_errors", name,
                  "ZFS pool " + name + " has " +
                      w::count(count(p, "data_errors"), "permanent data error", "permanent data errors") +
                      " (zpool status -v lists the files).",
                  evidenceOf({{"data_errors", jsonInt(count(p, "data_errors"))}}));
        }
        auto withErrors = objects(p, "vdevs_with_errors");
        if (!withErrors.empty()) {
            problem = true;
            std::vector<std::string> items;
            for (auto& v : withErrors) items.push_back(vdevErrorsText(v));
            f.add(Findings::Severity::Warning, "zfs.vdev_errors", name,
                  "ZFS pool " + name + " has vdev errors: " + w::list(items) + ".",
                  evidenceOf({{"vdevs_with_errors", arrayOf(withErrors)}, {"error_counts", obj(p, "error_counts")}}));
        }
        if (auto cap = num(p, "capacity_percent")) {
            if (*cap >= t.capacityWarningPercent) {
                problem = true;
                const bool critical = *cap >= t.capacityCriticalPercent;
                f.add(critical ? Findings::Severity::Critical : Findings::Severity::Warning, "zfs.capacity", name,
                      "ZFS pool " + spaceText(p) + " (" + (critical ? "critical" : "warning") + " at " +
                          w::percent(critical ? t.capacityCriticalPercent : t.capacityWarningPercent) + ").",
                      evidenceOf({{"capacity_percent", *cap},
                                  {"threshold_percent", critical ? t.capacityCriticalPercent : t.capacityWarningPercent}}));
            }
        }
        // Scrub age: a pool should be read end to end regularly to find silent corruption.
        auto scrub = obj(p, "last_scrub");
        const std::string scrubState = str(scrub, "state");
        const int64_t maxAge = t.scrubMaxAgeDays * 86400;
        std::string scrubProblem;
        if (scrubState == "never") {
            scrubProblem = "ZFS pool " + name + " has never been scrubbed";
        } else if (scrubState == "finished") {
            if (auto end = num(scrub, "end_time_unix"); end && now - static_cast<int64_t>(*end) > maxAge) {
                scrubProblem = "The last scrub of " + name + " finished " +
                               w::duration(static_cast<uint64_t>(now - static_cast<int64_t>(*end))) + " ago (" +
                               shortDate(str(scrub, "end_time")) + ")";
            }
        } else if (scrubState == "canceled") {
            scrubProblem = "The last scrub of " + name + " was canceled; no completed scrub is recorded";
        } else if (scrubState != "scanning" && scrubState != "paused") {
            // The last scan was a resilver: it replaced the scrub record; judge by its time.
            auto scan = obj(p, "scan");
            auto end = num(scan, "end_time_unix");
            if (str(scan, "state") != "scanning" && (!end || now - static_cast<int64_t>(*end) > maxAge)) {
                scrubProblem = "No scrub of " + name + " is recorded (the last scan was a " + str(scan, "function") + ")";
            }
        }
        if (!scrubProblem.empty()) {
            problem = true;
            f.add(Findings::Severity::Warning, "zfs.scrub", name,
                  scrubProblem + "; scrub at least every " + std::to_string(t.scrubMaxAgeDays) + " days.",
                  evidenceOf({{"last_scrub", scrub}, {"max_age_days", static_cast<Poco::Int64>(t.scrubMaxAgeDays)}}));
        }
        if (!problem) {
            std::string msg = "ZFS pool " + name + " is ONLINE";
            if (auto cap = num(p, "capacity_percent")) msg += ", " + w::percent(*cap) + " full";
            msg += ", " + scrubText(p, false);
            f.ok("zfs.pool", name, msg + ".");
        }
    }
    return f.json();
}

}  // namespace ha_plugins::zfs
