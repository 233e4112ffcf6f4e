#include "chat/RequestGuard.h"

#include "util/Text.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <set>

namespace ha {

namespace {

// Verbs that, used as a request, change state -> category.
const std::map<std::string, std::string> kVerbs = {
    {"restart", "service_lifecycle"}, {"reboot", "service_lifecycle"}, {"stop", "service_lifecycle"},
    {"start", "service_lifecycle"}, {"kill", "service_lifecycle"}, {"pause", "service_lifecycle"},
    {"unpause", "service_lifecycle"}, {"resume", "service_lifecycle"}, {"terminate", "service_lifecycle"},
    {"shutdown", "service_lifecycle"}, {"poweroff", "service_lifecycle"}, {"halt", "service_lifecycle"},
    {"redeploy", "service_lifecycle"}, {"deploy", "service_lifecycle"}, {"recreate", "service_lifecycle"},
    {"rebuild", "service_lifecycle"}, {"scale", "service_lifecycle"}, {"relaunch", "service_lifecycle"},
    {"launch", "service_lifecycle"}, {"reload", "service_lifecycle"}, {"respawn", "service_lifecycle"},
    {"delete", "data"}, {"remove", "data"}, {"rm", "data"}, {"erase", "data"}, {"wipe", "data"},
    {"format", "data"}, {"purge", "data"}, {"prune", "data"}, {"clean", "data"}, {"cleanup", "data"},
    {"clear", "data"}, {"destroy", "data"}, {"truncate", "data"}, {"move", "data"}, {"mv", "data"},
    {"rename", "data"}, {"copy", "data"}, {"write", "data"}, {"overwrite", "data"}, {"edit", "data"},
    {"modify", "data"}, {"change", "data"}, {"create", "data"}, {"mkdir", "data"}, {"mount", "data"},
    {"unmount", "data"}, {"umount", "data"}, {"chmod", "data"}, {"chown", "data"}, {"expand", "data"},
    {"resize", "data"}, {"extend", "data"}, {"shrink", "data"}, {"replace", "data"}, {"import", "data"},
    {"export", "data"}, {"scrub", "data"}, {"resilver", "data"}, {"trim", "data"}, {"encrypt", "data"},
    {"decrypt", "data"}, {"compress", "data"}, {"detach", "data"}, {"attach", "data"},
    {"snapshot", "snapshot"}, {"rollback", "snapshot"}, {"revert", "snapshot"}, {"restore", "snapshot"},
    {"clone", "snapshot"}, {"replicate", "snapshot"}, {"backup", "snapshot"},
    {"block", "network"}, {"unblock", "network"}, {"allow", "network"}, {"deny", "network"},
    {"open", "network"}, {"close", "network"}, {"ban", "network"}, {"unban", "network"},
    {"forward", "network"}, {"expose", "network"}, {"connect", "network"}, {"disconnect", "network"},
    {"enable", "system"}, {"disable", "system"}, {"configure", "system"}, {"reconfigure", "system"},
    {"set", "system"}, {"reset", "system"}, {"flush", "system"}, {"install", "system"},
    {"uninstall", "system"}, {"reinstall", "system"}, {"upgrade", "system"}, {"update", "system"},
    {"downgrade", "system"}, {"pull", "system"}, {"apply", "system"}, {"assign", "system"},
    {"add", "system"}, {"patch", "system"},
    {"run", "shell"}, {"execute", "shell"}, {"exec", "shell"}, {"eval", "shell"},
    {"schedule", "schedule"}, {"automate", "schedule"},
};

// Two-word verbs: first word + second word -> category.
const std::map<std::pair<std::string, std::string>, std::string> kPhrasalVerbs = {
    {{"shut", "down"}, "service_lifecycle"}, {{"power", "off"}, "service_lifecycle"},
    {{"power", "on"}, "service_lifecycle"},   {{"bring", "down"}, "service_lifecycle"},
    {{"bring", "up"}, "service_lifecycle"},   {{"spin", "up"}, "service_lifecycle"},
    {{"spin", "down"}, "service_lifecycle"},  {{"take", "down"}, "service_lifecycle"},
    {{"turn", "off"}, "service_lifecycle"},   {{"turn", "on"}, "service_lifecycle"},
    {{"switch", "off"}, "service_lifecycle"}, {{"switch", "on"}, "service_lifecycle"},
    {{"clean", "up"}, "data"},                {{"free", "up"}, "data"},
    {{"roll", "back"}, "snapshot"},           {{"back", "up"}, "snapshot"},
    {{"set", "up"}, "system"},
    {{"take", "snapshot"}, "snapshot"},       {{"take", "snapshots"}, "snapshot"},
    {{"take", "backup"}, "snapshot"},         {{"make", "snapshot"}, "snapshot"},
    {{"make", "backup"}, "snapshot"},         {{"do", "backup"}, "snapshot"},
    {{"do", "snapshot"}, "snapshot"},         {{"do", "reboot"}, "service_lifecycle"},
    {{"do", "restart"}, "service_lifecycle"}, {{"do", "scrub"}, "data"},
};

// Words after a verb that turn it into a noun phrase ("restart count", "backup status").
const std::set<std::string> kNounFollowers = {
    "count", "counts", "policy", "policies", "loop", "loops", "history", "time", "times", "event", "events",
    "status", "reason", "reasons", "log", "logs", "rate", "date", "dates", "info", "information", "details",
    "statistics", "stats", "state", "settings", "list", "of", "size", "sizes", "space", "usage", "job", "jobs",
    "schedule", "task", "tasks", "progress", "result", "results", "age", "report", "is", "was", "are", "were",
    "has", "have", "did", "does", "do", "in", "since", "over", "on", "ports", "files", "connections", "issues",
    "alerts", "problems", "device", "devices", "storage", "speed", "speeds", "throughput", "errors", "latency",
    "cache", "load", "performance", "point", "points", "options", "request", "requests", "rule", "rules"};

// Lead-ins that keep the rest of the clause an imperative: "please", "can you", "i want you to".
const std::vector<std::vector<std::string>> kLeadIns = {
    {"please"}, {"pls"}, {"plz"}, {"kindly"}, {"now"}, {"just"}, {"then"}, {"also"}, {"and"}, {"so"},
    {"ok"}, {"okay"}, {"hey"}, {"hi"}, {"assistant"}, {"quickly"}, {"immediately"}, {"maybe"}, {"go", "ahead", "and"},
    {"can", "you"}, {"could", "you"}, {"would", "you"}, {"will", "you"}, {"can", "u"}, {"could", "u"},
    {"you", "should"}, {"you", "must"}, {"you", "need", "to"}, {"i", "want", "you", "to"}, {"i", "need", "you", "to"},
    {"i'd", "like", "you", "to"}, {"i", "would", "like", "you", "to"}, {"i", "want", "to"}, {"i", "need", "to"},
    {"i'd", "like", "to"}, {"i", "would", "like", "to"}, {"let's"}, {"lets"}, {"let", "us"}, {"help", "me"},
    {"try", "to"}, {"attempt", "to"}, {"go", "and"}, {"for", "me"}, {"the", "assistant", "should"},
};

const std::set<std::string> kArticles = {"a", "an", "the", "some", "new", "all", "my"};

struct CommandRule {
    std::string program;
    std::set<std::string> mutating;  // subcommands that change state; empty: flags or paths do
    std::string category;
    bool anyArgument = false;        // any following word makes it a command ("sudo ...")
};

// Command lines in the text: "<program> <subcommand>".
const std::vector<CommandRule> kCommands = {
    {"docker", {"rm", "rmi", "stop", "kill", "restart", "start", "run", "exec", "create", "pause", "unpause",
                "update", "prune", "compose", "system", "volume", "network", "commit", "cp", "rename", "build",
                "pull", "push", "tag", "swarm", "service", "stack"}, "service_lifecycle"},
    {"docker-compose", {}, "service_lifecycle", true},
    {"podman", {"rm", "rmi", "stop", "kill", "restart", "start", "run", "exec", "create", "pause"}, "service_lifecycle"},
    {"systemctl", {"start", "stop", "restart", "reload", "enable", "disable", "mask", "unmask", "kill", "isolate",
                   "poweroff", "reboot", "halt", "daemon-reload", "edit", "set-property"}, "service_lifecycle"},
    {"zfs", {"destroy", "rollback", "snapshot", "create", "set", "rename", "send", "receive", "recv", "promote",
             "clone", "mount", "unmount", "inherit", "allow", "load-key", "change-key"}, "snapshot"},
    {"zpool", {"create", "destroy", "add", "remove", "offline", "online", "scrub", "export", "import", "clear",
               "replace", "attach", "detach", "labelclear", "upgrade", "set", "trim", "split"}, "data"},
    {"sudo", {}, "shell", true}, {"rm", {}, "data"}, {"mkfs", {}, "data", true}, {"chmod", {}, "data"},
    {"chown", {}, "data"}, {"dd", {"if", "of"}, "data"}, {"killall", {}, "service_lifecycle"}, {"pkill", {}, "service_lifecycle"},
    {"iptables", {}, "network"}, {"ip6tables", {}, "network"}, {"nft", {}, "network"}, {"ufw", {}, "network"},
    {"firewall-cmd", {}, "network"}, {"crontab", {}, "schedule"}, {"at", {"now"}, "schedule"},
    {"apt", {"install", "remove", "purge", "upgrade", "full-upgrade", "autoremove"}, "system"},
    {"apt-get", {}, "system"}, {"dpkg", {"-i", "-r", "-p", "--install", "--remove", "--purge"}, "system"},
    {"midclt", {}, "shell", true}, {"bash", {"-c"}, "shell"}, {"sh", {"-c"}, "shell"}, {"reboot", {}, "service_lifecycle"},
    {"shutdown", {}, "service_lifecycle"}, {"kill", {"-9", "-kill", "-term", "-s"}, "service_lifecycle"},
};

const std::map<std::string, std::string> kCategoryText = {
    {"service_lifecycle", "start, stop, restart or otherwise control containers, services or the machine"},
    {"data", "change files, datasets, pools or disks"},
    {"snapshot", "create, delete, restore or roll back snapshots and backups"},
    {"network", "change the firewall or network configuration"},
    {"shell", "run commands or scripts"},
    {"schedule", "schedule jobs or automations"},
    {"system", "install, update or reconfigure software and settings"},
};

bool isClauseBreak(char c) {
    return c == '.' || c == '!' || c == '?' || c == ';' || c == ',' || c == ':' || c == '\n' || c == '\r';
}

// Splits on punctuation and on the conjunctions that start a new request ("and", "then", "also").
std::vector<std::string> splitClauses(const std::string& text) {
    std::vector<std::string> clauses;
    std::string current;
    for (char c : text) {
        if (isClauseBreak(c)) {
            clauses.push_back(current);
            current.clear();
        } else {
            current.push_back(c);
        }
    }
    clauses.push_back(current);
    std::vector<std::string> out;
    for (const std::string& clause : clauses) {
        std::string part;
        size_t start = 0;
        const std::string padded = " " + clause + " ";
        size_t pos = 0;
        while ((pos = padded.find(' ', pos + 1)) != std::string::npos) {
            // Look for " and ", " then ", " also ", " but " boundaries.
            for (std::string_view conj : {"and ", "then ", "also ", "but ", "afterwards ", "after that "}) {
                if (padded.compare(pos + 1, conj.size(), conj) == 0) {
                    out.push_back(padded.substr(start, pos - start));
                    start = pos + 1 + conj.size();
                    pos = start - 1;
                    break;
                }
            }
        }
        out.push_back(padded.substr(start));
    }
    return out;
}

bool matchesAt(const std::vector<std::string>& tokens, size_t at, const std::vector<std::string>& phrase) {
    if (at + phrase.size() > tokens.size()) return false;
    return std::equal(phrase.begin(), phrase.end(), tokens.begin() + static_cast<long>(at));
}

// Index of the first token after any lead-in phrases.
size_t skipLeadIns(const std::vector<std::string>& tokens) {
    size_t i = 0;
    bool progressed = true;
    while (progressed && i < tokens.size()) {
        progressed = false;
        for (const auto& phrase : kLeadIns) {
            if (matchesAt(tokens, i, phrase)) {
                i += phrase.size();
                progressed = true;
                break;
            }
        }
    }
    return i;
}

std::optional<Refusal> checkCommands(const std::vector<std::string>& tokens) {
    for (size_t i = 0; i < tokens.size(); ++i) {
        for (const CommandRule& rule : kCommands) {
            if (tokens[i] != rule.program) continue;
            const std::string next = i + 1 < tokens.size() ? tokens[i + 1] : "";
            // Without a subcommand list, a flag or a path after the program makes it a command line.
            bool hit;
            if (rule.anyArgument) hit = !next.empty();
            else if (rule.mutating.empty()) hit = !next.empty() && (next[0] == '-' || next[0] == '/');
            else hit = rule.mutating.count(next) > 0;
            if (hit) {
                const std::string trigger = rule.program + (next.empty() ? "" : " " + next);
                return Refusal{rule.category, trigger, "the message contains the command '" + trigger + "'"};
            }
        }
    }
    return std::nullopt;
}

std::optional<Refusal> checkImperative(const std::vector<std::string>& tokens) {
    const size_t i = skipLeadIns(tokens);
    if (i >= tokens.size()) return std::nullopt;
    const std::string& verb = tokens[i];
    const std::string next = i + 1 < tokens.size() ? tokens[i + 1] : "";
    const std::string afterArticle =
        (kArticles.count(next) && i + 2 < tokens.size()) ? tokens[i + 2] : next;

    for (const auto& [phrase, category] : kPhrasalVerbs) {
        if (verb == phrase.first && (next == phrase.second || afterArticle == phrase.second)) {
            const std::string trigger = verb + " " + phrase.second;
            return Refusal{category, trigger, "the message asks to " + trigger};
        }
    }
    auto it = kVerbs.find(verb);
    if (it == kVerbs.end()) return std::nullopt;
    if (kNounFollowers.count(next)) return std::nullopt;  // "restart count", "backup status"
    if (it->second == "shell") {
        // "run a health check" is a read; "run this command" is not.
        for (size_t k = i + 1; k < tokens.size(); ++k) {
            const std::string& t = tokens[k];
            if (t.rfind("check", 0) == 0 || t.rfind("diagnos", 0) == 0 || t == "report" || t == "status") {
                return std::nullopt;
            }
        }
    }
    if (next.empty() && (verb == "open" || verb == "close" || verb == "format")) {
        return std::nullopt;  // a lone adjective/noun, not a request
    }
    return Refusal{it->second, verb, "the message asks to " + verb + (next.empty() ? "" : " " + next)};
}

}  // namespace

std::vector<std::string> RequestGuard::tokenize(std::string_view clause) {
    std::vector<std::string> tokens;
    std::string current;
    for (char c : clause) {
        const auto u = static_cast<unsigned char>(c);
        const bool word = std::isalnum(u) || c == '-' || c == '_' || c == '\'' || c == '/' || u >= 0x80;
        if (word) {
            current.push_back(c);
        } else {
            if (!current.empty()) tokens.push_back(current);
            current.clear();
        }
    }
    if (!current.empty()) tokens.push_back(current);
    return tokens;
}

std::optional<Refusal> RequestGuard::check(std::string_view message) const {
    std::string text = text::toLower(message);
    // Typographic apostrophes and backticks become plain separators/apostrophes.
    for (const auto& [from, to] : std::array<std::pair<std::string_view, std::string_view>, 3>{
             {{"\xE2\x80\x99", "'"}, {"\xE2\x80\x98", "'"}, {"`", " "}}}) {
        size_t pos = 0;
        while ((pos = text.find(from, pos)) != std::string::npos) {
            text.replace(pos, from.size(), to);
            pos += to.size();
        }
    }
    if (auto r = checkCommands(tokenize(text))) return r;
    for (const std::string& clause : splitClauses(text)) {
        if (auto r = checkImperative(tokenize(clause))) return r;
    }
    if (text.find("$(") != std::string::npos || text.find("| sh") != std::string::npos ||
        text.find("| bash") != std::string::npos) {
        return Refusal{"shell", "shell syntax", "the message contains shell command syntax"};
    }
    return std::nullopt;
}

std::string RequestGuard::answerFor(const Refusal& refusal) {
    auto it = kCategoryText.find(refusal.category);
    const std::string what = it == kCategoryText.end() ? "change anything" : it->second;
    return "I can't do that. I am a read-only assistant: I never " + what +
           " on this server (requested: \"" + refusal.trigger +
           "\"). I can report on its state instead, for example \"Is everything running correctly?\", "
           "\"What containers are running?\" or \"Did any service crash recently?\".";
}

}  // namespace ha
