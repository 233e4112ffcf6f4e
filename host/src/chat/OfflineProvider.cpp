#include "chat/OfflineProvider.h"

#include "util/Text.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace ha {

namespace {

const std::set<std::string> kHealthWords = {"everything", "overall", "status", "health", "healthy", "correctly",
                                            "ok", "okay", "fine", "working", "problem", "problems", "issue", "issues",
                                            "overview", "summary", "wrong", "alright", "well"};
const std::set<std::string> kContainerWords = {"container", "containers", "docker", "app", "apps", "compose",
                                               "stack", "stacks", "podman"};
const std::set<std::string> kCrashWords = {"crash", "crashed", "crashes", "crashing", "died", "dead", "fail",
                                           "failed", "failing", "failure", "failures", "oom", "restarted",
                                           "restarting", "restarts", "unhealthy", "exited", "down", "killed"};
const std::set<std::string> kDiskWords = {"disk", "disks", "space", "storage", "drive", "drives", "pool", "pools",
                                          "dataset", "datasets", "filesystem", "filesystems", "full", "capacity",
                                          "zfs", "ssd", "hdd", "volume", "volumes", "partition", "partitions"};
const std::set<std::string> kCpuWords = {"cpu", "cpus", "processor", "processors", "load", "busy", "core", "cores",
                                         "uptime"};
const std::set<std::string> kMemoryWords = {"memory", "ram", "swap", "mem"};
const std::set<std::string> kResourceWords = {"usage", "resource", "resources", "utilization", "utilisation"};

std::vector<std::string> words(const std::string& text) {
    std::vector<std::string> out;
    std::string current;
    for (char c : text::toLower(text)) {
        if (std::isalnum(static_cast<unsigned char>(c))) {
            current.push_back(c);
        } else if (!current.empty()) {
            out.push_back(current);
            current.clear();
        }
    }
    if (!current.empty()) out.push_back(current);
    return out;
}

bool any(const std::vector<std::string>& ws, const std::set<std::string>& set) {
    return std::any_of(ws.begin(), ws.end(), [&](const std::string& w) { return set.count(w) > 0; });
}

const FunctionSpec* offered(const std::vector<FunctionSpec>& tools, const std::string& capability) {
    for (const auto& t : tools) {
        if (t.capability == capability) return &t;
    }
    return nullptr;
}

std::string describe(const std::string& capability) {
    if (capability == "cpu.usage") return "CPU usage";
    if (capability == "memory.usage") return "memory usage";
    if (capability == "disk.usage") return "disk usage";
    if (capability == "docker.containers") return "containers";
    if (capability == "docker.crashes") return "recent crashes";
    return capability;
}

std::string lastUserQuestion(const json::Array::Ptr& messages) {
    for (size_t i = messages->size(); i-- > 0;) {
        auto m = json::asObject(messages->get(i));
        if (m && json::getString(m, "role") == std::optional<std::string>("user")) {
            return json::getString(m, "content").value_or("");
        }
    }
    return "";
}

}  // namespace

std::vector<OfflineProvider::Intent> OfflineProvider::classify(const std::string& question) {
    const auto ws = words(question);
    std::vector<Intent> intents;
    if (any(ws, kContainerWords)) intents.push_back(Intent::Containers);
    if (any(ws, kCrashWords)) intents.push_back(Intent::Crashes);
    if (any(ws, kDiskWords)) intents.push_back(Intent::Disk);
    if (any(ws, kCpuWords)) intents.push_back(Intent::Cpu);
    if (any(ws, kMemoryWords)) intents.push_back(Intent::Memory);
    if (intents.empty() && any(ws, kResourceWords)) intents = {Intent::Cpu, Intent::Memory, Intent::Disk};
    // "Is everything OK?" with nothing more specific is the overall health check.
    if (intents.empty() && any(ws, kHealthWords)) intents.push_back(Intent::Health);
    // "What is running?" / "services?" without a resource word: the container list.
    if (intents.empty() && (std::count(ws.begin(), ws.end(), "running") || std::count(ws.begin(), ws.end(), "services"))) {
        intents.push_back(Intent::Containers);
    }
    return intents;
}

std::vector<std::string> OfflineProvider::capabilitiesFor(const std::vector<Intent>& intents) {
    std::vector<std::string> caps;
    const auto add = [&](const char* c) {
        if (std::find(caps.begin(), caps.end(), c) == caps.end()) caps.push_back(c);
    };
    for (Intent i : intents) {
        switch (i) {
            case Intent::Health:
                add("cpu.usage");
                add("memory.usage");
                add("disk.usage");
                add("docker.containers");
                add("docker.crashes");
                break;
            case Intent::Containers: add("docker.containers"); break;
            case Intent::Crashes: add("docker.crashes"); break;
            case Intent::Disk: add("disk.usage"); break;
            case Intent::Cpu: add("cpu.usage"); break;
            case Intent::Memory: add("memory.usage"); break;
        }
    }
    return caps;
}

ProviderReply OfflineProvider::chat(const json::Array::Ptr& messages, const std::vector<FunctionSpec>& tools,
                                    Deadline) {
    if (!messages || messages->size() == 0) throw ProviderError(CallStatus::InvalidArgument, "no messages");
    auto last = json::asObject(messages->get(messages->size() - 1));
    if (last && json::getString(last, "role") == std::optional<std::string>("tool")) return answer(messages, tools);
    return requestTools(lastUserQuestion(messages), tools);
}

ProviderReply OfflineProvider::requestTools(const std::string& question, const std::vector<FunctionSpec>& tools) {
    ProviderReply reply;
    reply.model = "offline";
    const auto intents = classify(question);
    if (intents.empty()) {
        reply.content = OfflineAnswers::help();
        reply.finishReason = "stop";
        return reply;
    }
    std::vector<std::string> missing;
    for (const std::string& capability : capabilitiesFor(intents)) {
        if (const FunctionSpec* spec = offered(tools, capability)) {
            reply.toolCalls.push_back({"offline_" + std::to_string(reply.toolCalls.size() + 1), spec->function, "{}"});
        } else {
            missing.push_back(capability);
        }
    }
    if (reply.toolCalls.empty()) {
        std::string s;
        for (const auto& c : missing) s += (s.empty() ? "" : "\n") + OfflineAnswers::unavailable(c, describe(c));
        reply.content = s;
        reply.finishReason = "stop";
        return reply;
    }
    reply.finishReason = "tool_calls";
    return reply;
}

ProviderReply OfflineProvider::answer(const json::Array::Ptr& messages, const std::vector<FunctionSpec>& tools) {
    // Map tool_call_id -> capability from our own assistant message, then collect the results.
    std::map<std::string, std::string> capabilityById;
    CapabilityResults results;
    for (size_t i = 0; i < messages->size(); ++i) {
        auto m = json::asObject(messages->get(i));
        if (!m) continue;
        const std::string role = json::getString(m, "role").value_or("");
        if (role == "user") {
            capabilityById.clear();
            results.clear();
        } else if (role == "assistant") {
            if (auto calls = json::getArray(m, "tool_calls")) {
                for (size_t k = 0; k < calls->size(); ++k) {
                    auto c = json::asObject(calls->get(k));
                    auto fn = json::getObject(c, "function");
                    const std::string name = json::getString(fn, "name").value_or("");
                    for (const auto& t : tools) {
                        if (t.function == name) capabilityById[json::getString(c, "id").value_or("")] = t.capability;
                    }
                }
            }
        } else if (role == "tool") {
            auto it = capabilityById.find(json::getString(m, "tool_call_id").value_or(""));
            if (it == capabilityById.end()) continue;
            CapabilityResult r;
            try {
                auto content = json::parseObject(json::getString(m, "content").value_or("{}"));
                r.ok = json::getBool(content, "ok").value_or(false);
                r.result = json::getObject(content, "result");
                r.error = json::getString(content, "error").value_or("no result");
                if (r.ok && !r.result) {
                    r.ok = false;
                    r.error = "the result was too large";
                }
            } catch (const json::JsonError& e) {
                r.error = e.what();
            }
            results[it->second] = r;
        }
    }

    const auto intents = classify(lastUserQuestion(messages));
    std::vector<std::string> parts;
    const auto section = [&](const std::string& capability, std::string (*format)(const json::Object::Ptr&)) {
        auto it = results.find(capability);
        if (it == results.end()) {
            parts.push_back(OfflineAnswers::unavailable(capability, describe(capability)));
        } else if (!it->second.ok) {
            parts.push_back(OfflineAnswers::failed(describe(capability), it->second.error));
        } else {
            parts.push_back(format(it->second.result));
        }
    };
    for (Intent i : intents) {
        switch (i) {
            case Intent::Health: parts.push_back(OfflineAnswers::health(results)); break;
            case Intent::Containers: section("docker.containers", &OfflineAnswers::containers); break;
            case Intent::Crashes: section("docker.crashes", &OfflineAnswers::crashes); break;
            case Intent::Disk: section("disk.usage", &OfflineAnswers::disk); break;
            case Intent::Cpu: section("cpu.usage", &OfflineAnswers::cpu); break;
            case Intent::Memory: section("memory.usage", &OfflineAnswers::memory); break;
        }
    }
    ProviderReply reply;
    reply.model = "offline";
    reply.finishReason = "stop";
    for (size_t i = 0; i < parts.size(); ++i) reply.content += (i == 0 ? "" : "\n") + parts[i];
    return reply;
}

}  // namespace ha
