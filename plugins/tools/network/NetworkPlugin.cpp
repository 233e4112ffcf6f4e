// Tool plugin "network": interfaces (state, carrier, speed, MTU, MAC, addresses), traffic rates
// from a background sample of /proc/net/dev, error and drop counters and rates.
#include "common/Answers.h"
#include "common/PluginConfig.h"
#include "common/SameAnswer.h"
#include "common/TextFile.h"
#include "tools/network/NetInterfaces.h"
#include "tools/network/NetSampler.h"
#include "tools/network/NetworkAnswers.h"
#include "tools/network/ProcNet.h"

#include <homelab_assistant/plugin.hpp>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>

#include <bit>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>

namespace ha_plugins::network {

using homelab_assistant::Call;
using homelab_assistant::Error;
using homelab_assistant::Host;
using homelab_assistant::ToolSpec;

namespace {

const std::vector<std::string> kDefaultSkip = {"lo",    "veth*", "docker*", "br-*",   "virbr*", "vnet*", "tap*",
                                               "ifb*",  "cali*", "flannel*", "cni*",  "kube-*", "cilium*"};

int prefixOf(const sockaddr* mask) {
    if (mask == nullptr) return 0;
    if (mask->sa_family == AF_INET) return std::popcount(reinterpret_cast<const sockaddr_in*>(mask)->sin_addr.s_addr);
    if (mask->sa_family == AF_INET6) {
        int bits = 0;
        for (uint8_t b : reinterpret_cast<const sockaddr_in6*>(mask)->sin6_addr.s6_addr) bits += std::popcount(b);
        return bits;
    }
    return 0;
}

// The addresses of this process's network namespace, from the kernel over netlink. Throws when
// netlink is not allowed (a hardened service with RestrictAddressFamilies).
std::vector<Address> addressesFromGetifaddrs() {
    ifaddrs* list = nullptr;
    if (::getifaddrs(&list) != 0) throw Error(HA_ERR_UNAVAILABLE, "getifaddrs failed");
    std::vector<Address> out;
    for (ifaddrs* a = list; a != nullptr; a = a->ifa_next) {
        if (a->ifa_addr == nullptr || (a->ifa_addr->sa_family != AF_INET && a->ifa_addr->sa_family != AF_INET6)) continue;
        Address addr;
        addr.interface = a->ifa_name;
        char buf[INET6_ADDRSTRLEN] = {};
        if (a->ifa_addr->sa_family == AF_INET) {
            const in_addr ip = reinterpret_cast<const sockaddr_in*>(a->ifa_addr)->sin_addr;
            inet_ntop(AF_INET, &ip, buf, sizeof buf);
            addr.family = "ipv4";
            addr.scope = (ntohl(ip.s_addr) >> 24) == 127 ? "host" : "global";
        } else {
            const in6_addr& ip = reinterpret_cast<const sockaddr_in6*>(a->ifa_addr)->sin6_addr;
            inet_ntop(AF_INET6, &ip, buf, sizeof buf);
            addr.family = "ipv6";
            addr.scope = IN6_IS_ADDR_LOOPBACK(&ip) ? "host" : IN6_IS_ADDR_LINKLOCAL(&ip) ? "link" : IN6_IS_ADDR_SITELOCAL(&ip) ? "site" : "global";
        }
        addr.address = buf;
        addr.prefix = prefixOf(a->ifa_netmask);
        out.push_back(addr);
    }
    ::freeifaddrs(list);
    return out;
}

}  // namespace

class NetworkTools {
public:
    NetworkTools(const Host&, const std::string& configJson) {
        const PluginConfig config(configJson);
        sysRoot_ = config.string("sys_root", "/sys");
        procRoot_ = config.string("proc_root", "/proc");
        for (const std::string* root : {&sysRoot_, &procRoot_}) {
            if (root->empty() || root->front() != '/') throw Error(HA_ERR_INVALID_ARGUMENT, "'sys_root' and 'proc_root' must be absolute paths");
        }
        watched_ = config.strings("interfaces", {});
        skip_ = config.strings("skip", kDefaultSkip);
        addressSource_ = config.string("address_source", "auto");
        if (addressSource_ != "auto" && addressSource_ != "procfs" && addressSource_ != "getifaddrs") {
            throw Error(HA_ERR_INVALID_ARGUMENT, "'address_source' must be auto, procfs or getifaddrs");
        }
        if (addressSource_ == "getifaddrs" && procRoot_ != "/proc") {
            throw Error(HA_ERR_INVALID_ARGUMENT, "'address_source: getifaddrs' reads this process's own network, so proc_root must be /proc");
        }
        checkSettings_.errorsPerSecond = config.number("error_rate_warning", 1.0, 0, 1e9);
        checkSettings_.dropsPerSecond = config.number("drop_rate_warning", 100.0, 0, 1e9);
        cacheFor_ = std::chrono::milliseconds(config.integer("cache_ms", 2000, 0, 600000));
        if (!readTextFile(procRoot_ + "/net/dev")) throw Error(HA_ERR_UNAVAILABLE, "cannot read " + procRoot_ + "/net/dev");
        sampler_ = std::make_unique<NetSampler>(procRoot_ + "/net/dev",
                                                std::chrono::milliseconds(config.integer("sample_interval_ms", 2000, 200, 60000)));
    }

    std::vector<ToolSpec> tools() const {
        const char* schema =
            R"J({"type":"object","properties":{"interface":{"type":"string","minLength":1,"maxLength":15,"description":"Only this interface, e.g. eth0"}},"additionalProperties":false})J";
        ToolSpec interfaces;
        interfaces.name = "network.interfaces";
        interfaces.description =
            "Network interfaces: up or down, carrier, link speed and duplex, MTU, MAC, IPv4 and IPv6 addresses, "
            "byte/packet/error/drop counters and their current rates, and the default route. Virtual interfaces "
            "(veth, docker, bridges of containers) are left out unless asked for by name.";
        interfaces.inputSchema = schema;
        interfaces.timeoutMs = 3000;
        ToolSpec traffic;
        traffic.name = "network.traffic";
        traffic.description =
            "Current network traffic per interface: bytes and packets per second received and sent over the last "
            "sample (a few seconds), error and drop rates, and the totals since the counters started.";
        traffic.inputSchema = schema;
        traffic.timeoutMs = 3000;
        // The sampler's memory, procfs, sysfs and a netlink dump from the kernel: nothing that can
        // hang, so the host runs them on its own thread (a health check saves two thread switches).
        interfaces.flags = traffic.flags = HA_CAPABILITY_INSTANT;
        return {interfaces, traffic};
    }

    std::string invoke(const std::string& name, const Call& call) {
        const PluginConfig input = PluginConfig::fromInput(call.input);
        const std::string only = input.string("interface", "");
        if (name != "network.interfaces" && name != "network.traffic") throw Error(HA_ERR_NOT_FOUND, "unknown capability " + name);
        const bool full = name == "network.interfaces";
        const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(std::min<uint64_t>(call.remainingMs(), 1000));
        const std::optional<NetSample> sample = sampler_->latest(until);
        const std::shared_ptr<const Snapshot> snap = snapshot();
        // A report is made from one sample pair and one snapshot: while neither is replaced, the
        // same question gets the same text, kept instead of written again.
        const std::string key = name + '\n' + std::to_string(sample ? sample->sequence : 0) + '\n' +
                                std::to_string(snap->generation) + '\n' + std::string(call.input);
        return reports_.get(key, 0, [&] { return report(full, only, sample, *snap); });
    }

    // match, summarize and checks read their input, the plugin's memory and sysfs only.
    static constexpr uint32_t kAnswersFlags =
        HA_ANSWERS_INSTANT_MATCH | HA_ANSWERS_INSTANT_SUMMARIZE | HA_ANSWERS_INSTANT_CHECKS;
    std::string profile() { return answersProfile(interfaceNames()); }
    std::string match(const Call& call) { return answersMatch(answers::Question::parse(call.input), interfaceNames()); }
    std::string summarizeAnew(const Call& call) { return answersSummarize(answers::SummaryRequest::parse(call.input)); }
    std::string checksAnew(const Call& call) { return answersChecks(answers::CheckResults::parse(call.input), checkSettings_); }

    // The same input gives the same text (common/SameAnswer.h): kept, not worded again.
    std::string summarize(const Call& call) { return summaries_.get(call.input, 0, [&] { return summarizeAnew(call); }); }
    std::string checks(const Call& call) { return checkAnswers_.get(call.input, 0, [&] { return checksAnew(call); }); }

private:
    SameAnswer summaries_;
    SameAnswer checkAnswers_;
    // What sysfs and the address sources say, read at most every cacheFor_: a call then costs
    // no file access (the counters come from the sampler).
    struct Snapshot {
        std::chrono::steady_clock::time_point at;
        uint64_t generation = 0;  // one more for each snapshot taken
        std::vector<InterfaceInfo> interfaces;
        std::vector<Address> addresses;
        std::string addressSource;
        std::optional<DefaultRoute> defaultRoute;
    };

    // The report of one capability call from one sample pair and one snapshot.
    std::string report(bool full, const std::string& only, const std::optional<NetSample>& sample, const Snapshot& snap) const {
        std::vector<InterfaceView> views;
        std::vector<std::string> skipped;
        std::set<std::string> present;
        for (InterfaceInfo info : snap.interfaces) {
            present.insert(info.name);
            const bool watched = std::find(watched_.begin(), watched_.end(), info.name) != watched_.end();
            if (!only.empty() ? info.name != only : (!watched && matchesAny(info.name, skip_))) {
                if (only.empty()) skipped.push_back(info.name);
                continue;
            }
            InterfaceView v;
            v.info = std::move(info);
            v.watched = watched;
            if (sample) {
                auto after = sample->after.find(v.info.name), before = sample->before.find(v.info.name);
                if (after != sample->after.end()) {
                    v.counters = after->second;
                    if (before != sample->before.end()) {
                        v.rates = ratesBetween(before->second, after->second, static_cast<double>(sample->window.count()) / 1000.0);
                    }
                }
            }
            views.push_back(std::move(v));
        }
        if (!only.empty() && views.empty()) throw Error(HA_ERR_NOT_FOUND, "no network interface named " + only);

        const std::optional<int64_t> window =
            sample ? std::optional<int64_t>(static_cast<int64_t>(sample->window.count())) : std::nullopt;
        if (!full) return toJson(trafficReportJson(views, window));
        InterfacesReport report;
        report.addressSource = snap.addressSource;
        for (InterfaceView& v : views) {
            for (const Address& a : snap.addresses) {
                if (a.interface == v.info.name) v.addresses.push_back(a);
            }
        }
        report.interfaces = std::move(views);
        report.defaultRoute = snap.defaultRoute;
        for (const auto& w : watched_) {
            if (!present.count(w)) report.watchedMissing.push_back(w);
        }
        report.skipped = std::move(skipped);
        report.sampleWindowMs = window;
        auto out = interfacesJson(report);
        return toJson(out);
    }

    std::shared_ptr<const Snapshot> snapshot() {
        const auto now = std::chrono::steady_clock::now();
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (snapshot_ && now - snapshot_->at < cacheFor_) return snapshot_;
        }
        auto fresh = std::make_shared<Snapshot>();
        fresh->at = now;
        fresh->interfaces = readInterfaces(sysRoot_);
        fresh->addresses = readAddresses(fresh->addressSource);
        fresh->defaultRoute = defaultRoute(parseRoutes(readTextFile(procRoot_ + "/net/route").value_or("")));
        std::lock_guard<std::mutex> lock(mutex_);
        fresh->generation = ++generations_;
        snapshot_ = fresh;
        return fresh;
    }

    std::vector<std::string> interfaceNames() {
        std::vector<std::string> names;
        for (const auto& i : snapshot()->interfaces) names.push_back(i.name);
        return names;
    }

    // getifaddrs sees this process's network namespace exactly; procfs files can describe
    // another one (a host's /proc mounted in a container). "auto" uses getifaddrs for the local
    // /proc and falls back to procfs where netlink is not allowed.
    std::vector<Address> readAddresses(std::string& source) const {
        if (addressSource_ != "procfs" && procRoot_ == "/proc") {
            try {
                source = "getifaddrs";
                return addressesFromGetifaddrs();
            } catch (const Error&) {
                if (addressSource_ == "getifaddrs") throw;
            }
        }
        source = "procfs";
        std::vector<Address> out = ipv4Addresses(parseFibTrieLocal(readTextFile(procRoot_ + "/net/fib_trie").value_or("")),
                                                 parseRoutes(readTextFile(procRoot_ + "/net/route").value_or("")));
        for (Address& a : parseIfInet6(readTextFile(procRoot_ + "/net/if_inet6").value_or(""))) out.push_back(std::move(a));
        return out;
    }

    std::string sysRoot_, procRoot_, addressSource_;
    std::vector<std::string> watched_, skip_;
    NetworkCheckSettings checkSettings_;
    std::chrono::milliseconds cacheFor_{2000};
    std::mutex mutex_;
    std::shared_ptr<const Snapshot> snapshot_;
    uint64_t generations_ = 0;  // guarded by mutex_
    SameAnswer reports_;
    std::unique_ptr<NetSampler> sampler_;
};

constexpr const char* kSettingsSchema =
    R"J({"type":"object","additionalProperties":false,"properties":{)J"
    R"J("sys_root":{"type":"string","minLength":1,"description":"sysfs to read (default /sys; /host/sys in a container)"},)J"
    R"J("proc_root":{"type":"string","minLength":1,"description":"procfs to read net/ from (default /proc; /host/proc/1 for the host's network namespace from a container)"},)J"
    R"J("interfaces":{"type":"array","maxItems":64,"items":{"type":"string","minLength":1,"maxLength":15},"description":"Interfaces to watch: one that is down or missing is critical"},)J"
    R"J("skip":{"type":"array","maxItems":64,"items":{"type":"string","minLength":1,"maxLength":64},"description":"Name patterns left out (default lo, veth*, docker*, br-*, virbr*, vnet*, tap*, ifb*, cali*, flannel*, cni*, kube-*, cilium*)"},)J"
    R"J("address_source":{"type":"string","enum":["auto","procfs","getifaddrs"],"description":"Where addresses come from (default auto: getifaddrs for the local /proc, else procfs)"},)J"
    R"J("sample_interval_ms":{"type":"integer","minimum":200,"maximum":60000,"description":"Traffic sampling interval (default 2000)"},)J"
    R"J("error_rate_warning":{"type":"number","minimum":0,"description":"Errors per second (rx + tx) that make a warning (default 1)"},)J"
    R"J("drop_rate_warning":{"type":"number","minimum":0,"description":"Dropped packets per second (rx + tx) that make a warning (default 100)"},)J"
    R"J("cache_ms":{"type":"integer","minimum":0,"maximum":600000,"description":"Reuse interface states and addresses this long (default 2000; counters are always the latest sample)"}}})J";

const ha_plugin_descriptor kDescriptor = {sizeof(ha_plugin_descriptor), HA_KIND_TOOLS, 0, 0, "network", "Network",
                                          HA_PLUGIN_VERSION, "Network interfaces, addresses, traffic rates, errors and drops from sysfs and procfs.",
                                          kSettingsSchema};

}  // namespace ha_plugins::network

HA_DEFINE_TOOLS_PLUGIN(ha_plugins::network::NetworkTools, ha_plugins::network::kDescriptor)
