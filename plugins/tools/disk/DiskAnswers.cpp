#include "tools/disk/DiskAnswers.h"

#include "common/Answers.h"
#include "common/JsonRead.h"
#include "common/PluginConfig.h"
#include "common/Wording.h"

#include <algorithm>

namespace ha_plugins::disk {

using namespace ha_plugins::answers;
namespace jr = ha_plugins::json_read;
namespace w = ha_plugins::wording;

namespace {

// The first absolute path written in the question ("/mnt/tank"), or "".
std::string pathIn(const std::string& question) {
    for (size_t i = 0; i < question.size(); ++i) {
        if (question[i] != '/' || (i > 0 && question[i - 1] != ' ' && question[i - 1] != '"' && question[i - 1] != '\'' &&
                                   question[i - 1] != '(')) {
            continue;
        }
        size_t end = i;
        while (end < question.size() && question[end] != ' ' && question[end] != '?' && question[end] != ',' &&
               question[end] != '"' && question[end] != '\'' && question[end] != ')') {
            ++end;
        }
        std::string path = question.substr(i, end - i);
        while (path.size() > 1 && (path.back() == '.' || path.back() == '/')) path.pop_back();
        return path;
    }
    return "";
}

// "mnt", "tank" for "/mnt/tank": the words the question's tokenizer made of the path.
std::vector<std::string> wordsOf(const std::string& path) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : path + "/") {
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) cur += c;
        else if (c >= 'A' && c <= 'Z') cur += static_cast<char>(c - 'A' + 'a');
        else if (!cur.empty()) {
            out.push_back(cur);
            cur.clear();
        }
    }
    return out;
}

std::string line(const Poco::JSON::Object::Ptr& fs, const DiskThresholds& t) {
    const double used = jr::number(fs, "used_percent");
    std::string s = jr::string(fs, "mount_point", "?") + " (" + jr::string(fs, "type", "?") + "): " +
                    w::bytes(jr::count(fs, "available_bytes")) + " free of " + w::bytes(jr::count(fs, "total_bytes")) +
                    ", " + w::percent(used) + " used";
    if (used >= t.warningPercent) s += " - nearly full";
    if (jr::flag(fs, "read_only")) s += " (read-only)";
    return s;
}

// Host filesystems a container cannot open under its root prefix (not_reachable in the result).
std::string unreachableText(const std::vector<std::string>& mounts) {
    return w::count(mounts.size(), "host filesystem is", "host filesystems are") + " not visible from this container: " +
           w::list(mounts) + "; mount the host's / with rslave propagation to report them";
}

std::vector<Poco::JSON::Object::Ptr> filesystems(const Poco::JSON::Object::Ptr& r) {
    std::vector<Poco::JSON::Object::Ptr> out;
    auto list = jr::array(r, "filesystems");
    for (size_t i = 0; i < list->size(); ++i) {
        if (auto fs = jr::objectAt(list, i)) out.push_back(fs);
    }
    return out;
}

}  // namespace

std::string diskProfile() {
    return Profile()
        .words({"disk", "disks", "space", "storage", "drive", "drives", "filesystem", "filesystems", "full", "capacity",
                "free", "room", "mount", "mounts", "mounted", "partition", "partitions", "volume", "volumes", "inode",
                "inodes", "fullest", "usage", "used", "available", "gb", "tb", "gigabytes", "terabytes", "root", "resources"})
        .topic("disk.usage", "Disk space", "How much disk space is left?")
        .check("disk.usage")
        .json();
}

std::string diskMatch(std::string_view input) {
    const Question q = Question::parse(input);
    Matches m;
    if (!q.allows("disk.usage")) return m.json();
    const bool spaceWords = q.hasAny({"space", "full", "fullest", "free", "room", "capacity", "storage", "left",
                                      "available", "inode", "inodes"});
    if (const std::string path = pathIn(q.question); !path.empty() && (spaceWords || q.hasAny({"disk", "mount"}))) {
        auto args = newObject();
        args->set("path", path);
        m.add("disk.usage", 1.0, args, wordsOf(path));
    } else if (q.hasAny({"filesystem", "filesystems", "partition", "partitions", "mount", "mounts", "inode", "inodes"}) ||
               (q.hasAny({"disk", "disks", "drive", "drives", "volume", "volumes", "storage"}) && spaceWords) ||
               q.hasPhrase("disk space") || q.hasPhrase("disk usage")) {
        m.add("disk.usage", 1.0);
    } else if (q.hasAny({"space", "full", "fullest", "capacity", "storage", "room"})) {
        m.add("disk.usage", 0.9);
    } else if (q.hasAny({"disk", "disks", "drive", "drives", "volume", "volumes"})) {
        m.add("disk.usage", 0.7);  // a disk's health is another plugin's subject; its space is ours
    } else if (q.hasAny({"usage", "resources"})) {
        m.add("disk.usage", 0.6);
    }
    return m.json();
}

std::string diskSummary(std::string_view input, const DiskThresholds& t) {
    const SummaryRequest req = SummaryRequest::parse(input);
    const std::string path = jr::string(req.outcome.arguments, "path");
    if (!req.outcome.ok()) {
        if (req.outcome.status == "not_found") return summary("There is no " + path + " on this server.", false);
        return summary("I could not read the disk space: " + req.outcome.error);
    }
    std::vector<Poco::JSON::Object::Ptr> list = filesystems(req.outcome.result);
    if (list.empty()) return summary("Disk space: no filesystems to report.");
    if (!path.empty()) {
        const auto& fs = list.front();
        std::string s = path + " is on " + line(fs, t) + ".";
        return summary(s);
    }
    std::string s;
    if (req.question.hasAny({"fullest", "most", "which"})) {
        const auto fullest = *std::max_element(list.begin(), list.end(), [](const auto& a, const auto& b) {
            return jr::number(a, "used_percent") < jr::number(b, "used_percent");
        });
        s = "The fullest filesystem is " + jr::string(fullest, "mount_point", "?") + " at " +
            w::percent(jr::number(fullest, "used_percent")) + " used.\n";
    }
    s += "Disk space:";
    for (const auto& fs : list) s += "\n- " + line(fs, t);
    if (const int64_t omitted = jr::integer(req.outcome.result, "omitted"); omitted > 0) {
        s += "\n(" + std::to_string(omitted) + " more filesystems not shown)";
    }
    if (const auto hidden = jr::strings(req.outcome.result, "not_reachable"); !hidden.empty()) {
        s += "\n(" + unreachableText(hidden) + ")";
    }
    return summary(s);
}

std::string diskChecks(std::string_view input, const DiskThresholds& t) {
    const CheckResults results = CheckResults::parse(input);
    Findings f;
    const Outcome* usage = results.find("disk.usage");
    if (usage == nullptr) return f.json();
    if (!usage->ok()) {
        f.add(Findings::Severity::Warning, "disk.unreadable", "disk", "Disk space could not be read: " + usage->error);
        return f.json();
    }
    const std::vector<Poco::JSON::Object::Ptr> list = filesystems(usage->result);
    bool problem = false;
    Poco::JSON::Object::Ptr fullest;
    for (const auto& fs : list) {
        const double used = jr::number(fs, "used_percent");
        const std::string mount = jr::string(fs, "mount_point", "?");
        auto evidence = newObject();
        evidence->set("used_percent", used);
        evidence->set("available_bytes", jsonInt(jr::count(fs, "available_bytes")));
        if (used >= t.warningPercent) {
            f.add(used >= t.criticalPercent ? Findings::Severity::Critical : Findings::Severity::Warning, "disk.full",
                  mount, "Filesystem " + mount + " is " + w::percent(used) + " full (" +
                             w::bytes(jr::count(fs, "available_bytes")) + " free).",
                  evidence);
            problem = true;
        }
        if (jr::number(fs, "inodes_used_percent") >= t.inodePercent) {
            f.add(Findings::Severity::Warning, "disk.inodes", mount,
                  "Filesystem " + mount + " has used " + w::percent(jr::number(fs, "inodes_used_percent")) +
                      " of its inodes (files can no longer be created when they run out).",
                  evidence);
            problem = true;
        }
        if (!fullest || used > jr::number(fullest, "used_percent")) fullest = fs;
    }
    if (const auto hidden = jr::strings(usage->result, "not_reachable"); !hidden.empty()) {
        f.add(Findings::Severity::Warning, "disk.not_reachable", "disk", unreachableText(hidden) + ".");
    }
    if (!problem && fullest) {
        f.add(Findings::Severity::Ok, "disk.full", jr::string(fullest, "mount_point", "?"),
              "the fullest filesystem is " + jr::string(fullest, "mount_point", "?") + " at " +
                  w::percent(jr::number(fullest, "used_percent")) + " used");
    }
    return f.json();
}

}  // namespace ha_plugins::disk
