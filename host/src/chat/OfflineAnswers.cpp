#include "chat/OfflineAnswers.h"

#include "util/Text.h"

#include <cctype>
#include <vector>

namespace ha {

namespace {

using text::formatNumber;
using text::humanBytes;

double num(const json::Object::Ptr& o, const std::string& key) { return json::getNumber(o, key).value_or(0.0); }

uint64_t bytes(const json::Object::Ptr& o, const std::string& key) {
    const double v = num(o, key);
    return v > 0 ? static_cast<uint64_t>(v) : 0;
}

std::string percent(double v) { return formatNumber(v, v < 10 ? 1 : 0) + "%"; }

struct HealthFacts {
    std::vector<std::string> concerns;
    std::vector<std::string> fine;
};

void cpuFacts(const json::Object::Ptr& r, HealthFacts& f) {
    const double usage = num(r, "usage_percent");
    const double cores = num(r, "cores");
    double load1 = 0;
    if (auto load = json::getObject(r, "load_average")) load1 = num(load, "1m");
    if (usage >= OfflineAnswers::kBusyCpuPercent) f.concerns.push_back("CPU is " + percent(usage) + " busy.");
    if (cores > 0 && load1 > 2 * cores) {
        f.concerns.push_back("Load average " + formatNumber(load1, 2) + " is high for " + formatNumber(cores, 0) + " cores.");
    }
    f.fine.push_back("CPU " + percent(usage) + " busy (load " + formatNumber(load1, 2) + ")");
}

void memoryFacts(const json::Object::Ptr& r, HealthFacts& f) {
    const double used = num(r, "used_percent");
    if (used >= OfflineAnswers::kFullMemoryPercent) {
        f.concerns.push_back("Memory is " + percent(used) + " used (" + humanBytes(bytes(r, "available_bytes")) + " available).");
    }
    if (auto swap = json::getObject(r, "swap"); swap && bytes(swap, "total_bytes") > 0 &&
                                                 num(swap, "used_percent") >= OfflineAnswers::kFullSwapPercent) {
        f.concerns.push_back("Swap is " + percent(num(swap, "used_percent")) + " used.");
    }
    f.fine.push_back("memory " + percent(used) + " used");
}

void diskFacts(const json::Object::Ptr& r, HealthFacts& f) {
    auto list = json::getArray(r, "filesystems");
    if (!list || list->size() == 0) return;
    double fullest = -1;
    std::string fullestMount;
    for (size_t i = 0; i < list->size(); ++i) {
        auto fs = json::asObject(list->get(i));
        if (!fs) continue;
        const double used = num(fs, "used_percent");
        const std::string mount = json::getString(fs, "mount_point").value_or("?");
        if (used >= OfflineAnswers::kFullDiskPercent) {
            f.concerns.push_back("Filesystem " + mount + " is " + percent(used) + " full (" +
                                 humanBytes(bytes(fs, "available_bytes")) + " free).");
        }
        if (used > fullest) {
            fullest = used;
            fullestMount = mount;
        }
    }
    f.fine.push_back("the fullest filesystem is " + fullestMount + " at " + percent(fullest) + " used");
}

std::string str(const json::Object::Ptr& o, const std::string& key) { return json::getString(o, key).value_or(""); }

// "exited with code 1", "killed for running out of memory (exit code 137)".
std::string exitDescription(const json::Object::Ptr& c) {
    const int64_t code = json::getInt(c, "exit_code").value_or(0);
    if (json::getBool(c, "oom_killed").value_or(false)) {
        return "was killed for running out of memory (exit code " + std::to_string(code) + ")";
    }
    if (code == 137) return "was killed (exit code 137, SIGKILL)";
    if (code > 128 && code < 160) return "was stopped by signal " + std::to_string(code - 128) + " (exit code " + std::to_string(code) + ")";
    return "exited with code " + std::to_string(code);
}

// "hour", "24 hours", "90 minutes": the crash report's window in words.
std::string windowText(const json::Object::Ptr& report) {
    const int64_t minutes = json::getInt(report, "window_minutes").value_or(1440);
    if (minutes == 60) return "hour";
    return minutes % 60 == 0 ? std::to_string(minutes / 60) + " hours" : std::to_string(minutes) + " minutes";
}

// "exit code 1", "out of memory", "killed": the short form used in lists.
std::string shortExit(const json::Object::Ptr& c) {
    const int64_t code = json::getInt(c, "exit_code").value_or(0);
    if (json::getBool(c, "oom_killed").value_or(false)) return "out of memory";
    if (code == 137) return "killed";
    return "exit code " + std::to_string(code);
}

std::string joinNames(const std::vector<std::string>& names) {
    std::string s;
    for (size_t i = 0; i < names.size(); ++i) s += (i == 0 ? "" : ", ") + names[i];
    return s;
}

void containerFacts(const json::Object::Ptr& r, HealthFacts& f) {
    auto list = json::getArray(r, "containers");
    if (!list) return;
    std::vector<std::string> unhealthy, restarting;
    size_t running = 0;
    for (size_t i = 0; i < list->size(); ++i) {
        auto c = json::asObject(list->get(i));
        if (!c) continue;
        const std::string state = str(c, "state"), name = str(c, "name");
        if (state == "running") ++running;
        if (str(c, "health") == "unhealthy") unhealthy.push_back(name);
        if (state == "restarting") restarting.push_back(name);
    }
    if (!unhealthy.empty()) f.concerns.push_back("Unhealthy containers: " + joinNames(unhealthy) + ".");
    if (!restarting.empty()) f.concerns.push_back("Restarting containers: " + joinNames(restarting) + ".");
    f.fine.push_back(std::to_string(running) + (running == 1 ? " container" : " containers") + " running");
}

// Crashes and OOM kills of the recent window (unhealthy and restarting come from the list).
void crashFacts(const json::Object::Ptr& r, HealthFacts& f) {
    auto crashes = json::getArray(r, "crashes");
    if (!crashes || crashes->size() == 0) return;
    std::vector<std::string> names;
    for (size_t i = 0; i < crashes->size(); ++i) {
        auto c = json::asObject(crashes->get(i));
        if (!c) continue;
        std::string item = str(c, "name") + " (" + shortExit(c);
        if (const int64_t n = json::getInt(c, "times_in_window").value_or(1); n > 1) item += ", " + std::to_string(n) + " times";
        names.push_back(item + ")");
    }
    f.concerns.push_back("Crashed in the last " + windowText(r) + ": " + joinNames(names) + ".");
}

}  // namespace

std::string OfflineAnswers::containers(const json::Object::Ptr& r) {
    auto list = json::getArray(r, "containers");
    if (!list || list->size() == 0) return "There are no containers on this server.";
    std::map<std::string, size_t> byState;
    std::vector<json::Object::Ptr> running, others;
    for (size_t i = 0; i < list->size(); ++i) {
        auto c = json::asObject(list->get(i));
        if (!c) continue;
        ++byState[str(c, "state")];
        (str(c, "state") == "running" ? running : others).push_back(c);
    }
    std::string s = std::to_string(list->size()) + (list->size() == 1 ? " container" : " containers") + ":";
    bool first = true;
    for (const char* state : {"running", "paused", "restarting", "exited", "created", "dead", "removing"}) {
        if (!byState.count(state)) continue;
        s += std::string(first ? " " : ", ") + std::to_string(byState[state]) + " " + state;
        first = false;
    }
    s += ".";
    if (running.empty()) {
        s += "\nNone is running.";
    } else {
        s += "\nRunning:";
        for (const auto& c : running) {
            s += "\n- " + str(c, "name") + " (" + str(c, "image") + "): up " +
                 text::humanDuration(static_cast<uint64_t>(num(c, "uptime_seconds")));
            if (!str(c, "health").empty()) s += ", " + str(c, "health");
            if (json::getInt(c, "restart_count").value_or(0) > 0) {
                s += ", restarted " + std::to_string(*json::getInt(c, "restart_count")) + " times";
            }
        }
    }
    if (!others.empty()) {
        s += "\nNot running:";
        for (const auto& c : others) {
            const std::string state = str(c, "state");
            if (state == "exited" || state == "dead") s += "\n- " + str(c, "name") + " " + exitDescription(c);
            else s += "\n- " + str(c, "name") + ": " + state;
            if (state == "restarting" || json::getInt(c, "restart_count").value_or(0) > 0) {
                s += ", restarted " + std::to_string(json::getInt(c, "restart_count").value_or(0)) + " times";
            }
        }
    }
    return s;
}

std::string OfflineAnswers::crashes(const json::Object::Ptr& r) {
    const std::string window = windowText(r);
    auto crashes = json::getArray(r, "crashes");
    auto unhealthy = json::getArray(r, "unhealthy");
    auto restarting = json::getArray(r, "restarting");
    const size_t n = crashes ? crashes->size() : 0;
    const bool nothing = n == 0 && (!unhealthy || unhealthy->size() == 0) && (!restarting || restarting->size() == 0);
    if (nothing) return "No container crashed, ran out of memory or turned unhealthy in the last " + window + ".";
    std::string s;
    if (n > 0) {
        s = "In the last " + window + ", " + std::to_string(n) + (n == 1 ? " container" : " containers") +
            " stopped unexpectedly:";
        for (size_t i = 0; i < n; ++i) {
            auto c = json::asObject(crashes->get(i));
            if (!c) continue;
            s += "\n- " + str(c, "name") + " " + exitDescription(c);
            if (!str(c, "time").empty()) s += " at " + str(c, "time");
            if (const int64_t times = json::getInt(c, "times_in_window").value_or(1); times > 1) {
                s += " (" + std::to_string(times) + " times in the window)";
            }
        }
    } else {
        s = "No container crashed in the last " + window + ".";
    }
    const auto names = [](const json::Array::Ptr& a) {
        std::vector<std::string> out;
        for (size_t i = 0; a && i < a->size(); ++i) {
            auto c = json::asObject(a->get(i));
            if (!c) continue;
            std::string item = json::getString(c, "name").value_or("?");
            if (auto rc = json::getInt(c, "restart_count"); rc && *rc > 0) item += " (restarted " + std::to_string(*rc) + " times)";
            out.push_back(item);
        }
        return out;
    };
    if (unhealthy && unhealthy->size() > 0) s += "\nUnhealthy: " + joinNames(names(unhealthy)) + ".";
    if (restarting && restarting->size() > 0) s += "\nRestarting or in a restart loop: " + joinNames(names(restarting)) + ".";
    if (auto asked = json::getArray(r, "stopped_on_request"); asked && asked->size() > 0) {
        s += "\nStopped or killed on request (not counted as crashes): " + joinNames(names(asked)) + ".";
    }
    return s;
}

std::string OfflineAnswers::cpu(const json::Object::Ptr& r) {
    std::string s = "CPU: " + percent(num(r, "usage_percent")) + " busy across " + formatNumber(num(r, "cores"), 0) +
                    (num(r, "cores") == 1 ? " core" : " cores");
    if (auto load = json::getObject(r, "load_average")) {
        s += " (load average " + formatNumber(num(load, "1m"), 2) + ", " + formatNumber(num(load, "5m"), 2) + ", " +
             formatNumber(num(load, "15m"), 2) + " over 1, 5 and 15 minutes)";
    }
    s += ".";
    if (auto perCore = json::getArray(r, "per_core_percent"); perCore && perCore->size() > 1) {
        size_t busiest = 0;
        double max = -1;
        for (size_t i = 0; i < perCore->size(); ++i) {
            const double v = perCore->get(i).isNumeric() ? perCore->get(i).convert<double>() : 0.0;
            if (v > max) {
                max = v;
                busiest = i;
            }
        }
        s += " Busiest core: cpu" + std::to_string(busiest) + " at " + percent(max) + ".";
    }
    if (num(r, "iowait_percent") >= 10) s += " " + percent(num(r, "iowait_percent")) + " of CPU time is waiting for I/O.";
    if (num(r, "uptime_seconds") > 0) s += " Uptime: " + text::humanDuration(bytes(r, "uptime_seconds")) + ".";
    return s;
}

std::string OfflineAnswers::memory(const json::Object::Ptr& r) {
    std::string s = "Memory: " + humanBytes(bytes(r, "used_bytes")) + " of " + humanBytes(bytes(r, "total_bytes")) +
                    " used (" + percent(num(r, "used_percent")) + "), " + humanBytes(bytes(r, "available_bytes")) +
                    " available.";
    if (bytes(r, "zfs_arc_bytes") > 0) {
        s += " The ZFS ARC cache holds " + humanBytes(bytes(r, "zfs_arc_bytes")) +
             " of the used memory and gives it back when applications need it.";
    }
    auto swap = json::getObject(r, "swap");
    if (!swap || bytes(swap, "total_bytes") == 0) {
        s += " Swap: none configured.";
    } else {
        s += " Swap: " + humanBytes(bytes(swap, "used_bytes")) + " of " + humanBytes(bytes(swap, "total_bytes")) +
             " used (" + percent(num(swap, "used_percent")) + ").";
    }
    return s;
}

std::string OfflineAnswers::disk(const json::Object::Ptr& r) {
    auto list = json::getArray(r, "filesystems");
    if (!list || list->size() == 0) return "Disk space: no filesystems to report.";
    std::string s = "Disk space:";
    for (size_t i = 0; i < list->size(); ++i) {
        auto fs = json::asObject(list->get(i));
        if (!fs) continue;
        const double used = num(fs, "used_percent");
        s += "\n- " + json::getString(fs, "mount_point").value_or("?") + " (" + json::getString(fs, "type").value_or("?") +
             "): " + humanBytes(bytes(fs, "available_bytes")) + " free of " + humanBytes(bytes(fs, "total_bytes")) + ", " +
             percent(used) + " used";
        if (used >= kFullDiskPercent) s += " - nearly full";
        if (json::getBool(fs, "read_only").value_or(false)) s += " (read-only)";
    }
    if (auto omitted = json::getInt(r, "omitted"); omitted && *omitted > 0) {
        s += "\n(" + std::to_string(*omitted) + " more filesystems not shown)";
    }
    return s;
}

std::string OfflineAnswers::health(const CapabilityResults& results) {
    HealthFacts facts;
    std::vector<std::pair<std::string, std::string>> unknown;  // error -> what could not be checked
    const auto use = [&](const std::string& capability, const std::string& what, void (*fn)(const json::Object::Ptr&, HealthFacts&)) {
        auto it = results.find(capability);
        if (it == results.end()) return;
        if (it->second.ok && it->second.result) {
            fn(it->second.result, facts);
            return;
        }
        // One line per cause: "containers and recent crashes (Docker is not reachable ...)".
        for (auto& [error, whats] : unknown) {
            if (error == it->second.error) {
                whats += " and " + what;
                return;
            }
        }
        unknown.emplace_back(it->second.error, what);
    };
    use("cpu.usage", "CPU", &cpuFacts);
    use("memory.usage", "memory", &memoryFacts);
    use("disk.usage", "disk space", &diskFacts);
    use("docker.containers", "containers", &containerFacts);
    use("docker.crashes", "recent crashes", &crashFacts);

    std::string s;
    if (facts.concerns.empty()) {
        s = unknown.empty() ? "Yes, everything looks healthy." : "Everything I could check looks healthy.";
    } else {
        s = std::to_string(facts.concerns.size()) + (facts.concerns.size() == 1 ? " thing needs" : " things need") +
            " attention:";
        for (const auto& c : facts.concerns) s += "\n- " + c;
        s += "\n";
    }
    if (!facts.fine.empty()) {
        std::string summary;
        for (size_t i = 0; i < facts.fine.size(); ++i) {
            summary += (i == 0 ? "" : (i + 1 == facts.fine.size() ? " and " : ", ")) + facts.fine[i];
        }
        summary[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(summary[0])));
        s += (facts.concerns.empty() ? " " : "") + summary + ".";
    }
    if (auto it = results.find("cpu.usage"); it != results.end() && it->second.ok) {
        if (const double up = num(it->second.result, "uptime_seconds"); up > 0) {
            s += " Up " + text::humanDuration(static_cast<uint64_t>(up)) + ".";
        }
    }
    for (const auto& [error, what] : unknown) s += "\nI could not check " + what + " (" + error + ").";
    return s;
}

std::string OfflineAnswers::help() {
    return "I am running in offline mode (no language model is configured), so I answer a fixed set of questions "
           "from live data: overall health (\"Is everything running correctly?\"), containers (\"What containers are "
           "running?\"), crashes (\"Did any service crash recently?\"), disk space (\"How much disk space is left?\") "
           "and CPU or memory (\"What is the CPU and memory usage?\"). Set GROQ_API_KEY or OPENAI_API_KEY, or point "
           "the openai provider at a local server, for free-form questions.";
}

std::string OfflineAnswers::unavailable(const std::string& capability, const std::string& what) {
    return "I can't check " + what + ": the capability '" + capability +
           "' is not available (its plugin is not loaded or the policy does not allow it).";
}

std::string OfflineAnswers::failed(const std::string& what, const std::string& error) {
    return "I could not read " + what + ": " + error + ".";
}

}  // namespace ha
