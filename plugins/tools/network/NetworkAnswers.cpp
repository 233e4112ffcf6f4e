#include "tools/network/NetworkAnswers.h"

#include "common/JsonRead.h"
#include "common/PluginConfig.h"
#include "common/Wording.h"

#include <homelab_assistant/plugin.hpp>

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <cctype>
#include <optional>

namespace ha_plugins::network {

namespace wording = ha_plugins::wording;
using answers::Findings;
using answers::Question;

namespace {

using namespace ha_plugins::json_read;

bool wordShaped(const std::string& name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    });
}

// "1.20 MiB/s (10.1 Mbit/s)"
std::string rate(double bytesPerSecond) {
    const double mbit = bytesPerSecond * 8 / 1e6;
    return wording::bytes(static_cast<uint64_t>(bytesPerSecond)) + "/s (" + wording::number(mbit, mbit < 10 ? 2 : 1) + " Mbit/s)";
}

std::string speed(const Poco::JSON::Object::Ptr& i) {
    const auto s = optionalNumber(i, "speed_mbps");
    if (!s) return "";
    return *s >= 1000 ? wording::number(*s / 1000, *s >= 10000 || static_cast<int64_t>(*s) % 1000 == 0 ? 0 : 1) + " Gb/s"
                      : wording::number(*s, 0) + " Mb/s";
}

std::string addressList(const Poco::JSON::Object::Ptr& i, bool includeLinkLocal) {
    std::vector<std::string> parts;
    for (const auto& a : objects(i, "addresses")) {
        if (!includeLinkLocal && string(a, "scope") != "global") continue;
        parts.push_back(string(a, "address") + "/" + wording::number(number(a, "prefix"), 0));
    }
    return wording::list(parts);
}

std::string stateText(const Poco::JSON::Object::Ptr& i) {
    std::string text = string(i, "name") + " is " + (flag(i, "up") ? "up" : "down");
    std::vector<std::string> detail;
    if (!flag(i, "up")) {
        detail.push_back("state " + string(i, "operstate"));
        if (i->has("carrier") && !flag(i, "carrier")) detail.push_back("no carrier: no cable or link partner");
    } else {
        if (!speed(i).empty()) detail.push_back(speed(i) + (string(i, "duplex").empty() ? "" : " " + string(i, "duplex") + " duplex"));
        const std::string addrs = addressList(i, false);
        if (!addrs.empty()) detail.push_back(addrs);
    }
    if (!detail.empty()) {
        text += " (";
        for (size_t k = 0; k < detail.size(); ++k) text += (k ? ", " : "") + detail[k];
        text += ")";
    }
    return text;
}

std::string trafficText(const Poco::JSON::Object::Ptr& i, double windowMs) {
    auto r = object(i, "rates");
    if (!r) return string(i, "name") + ": no traffic sample yet";
    std::string text = string(i, "name") + ": " + rate(number(r, "rx_bytes_per_s")) + " in, " + rate(number(r, "tx_bytes_per_s")) +
                       " out over the last " + wording::number(windowMs / 1000, windowMs < 10000 ? 1 : 0) + " s";
    if (auto c = object(i, "counters")) {
        text += " (" + wording::bytes(static_cast<uint64_t>(number(c, "rx_bytes"))) + " received and " +
                wording::bytes(static_cast<uint64_t>(number(c, "tx_bytes"))) + " sent since the counters started)";
    }
    return text;
}

std::string problemsText(const Poco::JSON::Object::Ptr& i) {
    auto r = object(i, "rates");
    if (!r) return "";
    std::vector<std::string> parts;
    if (number(r, "errors_per_s") > 0) parts.push_back(wording::number(number(r, "errors_per_s"), 2) + " errors/s");
    if (number(r, "drops_per_s") > 0) parts.push_back(wording::number(number(r, "drops_per_s"), 2) + " dropped packets/s");
    return wording::list(parts);
}

std::string interfacesSummary(const Question& q, const Poco::JSON::Object::Ptr& r, bool& found) {
    const auto list = objects(r, "interfaces");
    const auto route = object(r, "default_route");
    const std::string routeIf = string(route, "interface");
    if (list.empty()) {
        found = false;
        return "No network interface to report (all are skipped as virtual, or none exists).";
    }
    const bool askIp = q.hasAny({"ip", "ipv4", "ipv6", "address", "addresses"}) && !q.has("mac");
    if (askIp) {
        // The address people mean is the one on the default route's interface.
        std::vector<Poco::JSON::Object::Ptr> ordered = list;
        std::stable_partition(ordered.begin(), ordered.end(), [&](const auto& i) { return string(i, "name") == routeIf; });
        std::string text;
        for (const auto& i : ordered) {
            const std::string addrs = addressList(i, false);
            if (addrs.empty()) continue;
            if (text.empty()) {
                text = "This server's IP address" + std::string(addrs.find(", ") != std::string::npos || addrs.find(" and ") != std::string::npos ? "es are " : " is ") +
                       addrs + " on " + string(i, "name") +
                       (string(i, "name") == routeIf ? " (the interface of the default route" +
                                                        (string(route, "gateway").empty() ? "" : ", via " + string(route, "gateway")) + ")"
                                                  : "") + ".";
            } else {
                text += " " + string(i, "name") + ": " + addrs + ".";
            }
        }
        if (text.empty()) {
            found = false;
            return "No interface has a global IP address.";
        }
        return text;
    }
    const bool askMac = q.has("mac");
    std::string text;
    std::vector<std::string> states, problems;
    for (const auto& i : list) {
        std::string s = stateText(i);
        if (askMac && !string(i, "mac").empty()) s += ", MAC " + string(i, "mac");
        states.push_back(s);
        const std::string p = problemsText(i);
        if (!p.empty()) problems.push_back(string(i, "name") + " has " + p);
        if (flag(i, "watched") && !flag(i, "up")) problems.push_back(string(i, "name") + " is watched and down");
    }
    for (const auto& missing : strings(r, "watched_missing")) problems.push_back(missing + " is watched but does not exist");
    text = wording::list(states) + ".";
    if (!routeIf.empty()) {
        text += " The default route is via " + (string(route, "gateway").empty() ? routeIf : string(route, "gateway") + " on " + routeIf) + ".";
    } else {
        text += " There is no IPv4 default route.";
    }
    text += problems.empty() ? " No errors or drops in the last sample." : " Problems: " + wording::list(problems) + ".";
    return text;
}

std::string trafficSummary(const Poco::JSON::Object::Ptr& r, bool& found) {
    const auto list = objects(r, "interfaces");
    if (list.empty()) {
        found = false;
        return "No network interface to report.";
    }
    const double window = number(r, "sample_window_ms");
    std::vector<std::string> parts;
    for (const auto& i : list) parts.push_back(trafficText(i, window));
    std::string text;
    for (const auto& p : parts) text += (text.empty() ? "" : " ") + p + ".";
    return text;
}

}  // namespace

std::string answersProfile(const std::vector<std::string>& interfaceNames) {
    answers::Profile p;
    p.words({"network", "networks", "networking", "interface", "interfaces", "nic", "nics", "ethernet", "lan", "wan",
             "wifi", "wireless", "link", "links", "traffic", "bandwidth", "throughput", "ip", "ipv4", "ipv6", "address",
             "addresses", "mac", "mtu", "gateway", "route", "routes", "online", "offline", "connected", "connection",
             "connectivity", "packets", "errors", "dropped", "drops", "rx", "tx", "upload", "download", "uploading",
             "downloading", "received", "sent", "internet", "speed", "mbit", "gbit"});
    for (const auto& name : interfaceNames) {
        if (wordShaped(name)) p.words({name.c_str()});
    }
    p.topic("network.interfaces", "Network interfaces and addresses", "Is the network ok?")
        .topic("network.traffic", "Network traffic", "How much traffic on eth0?")
        .check("network.interfaces");
    return p.json();
}

namespace {

bool nameCharacter(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '@'; }

// The interface name as written, as a whole: "br-1a2b" and "eth0.100" (which the text form splits)
// in "traffic on br-1a2b?", but not "lo" in "overloaded" or "slow", nor "eth0" in "eth0.100".
bool mentionsName(const std::string& question, const std::string& name) {
    for (size_t at = question.find(name); !name.empty() && at != std::string::npos; at = question.find(name, at + 1)) {
        const size_t end = at + name.size();
        const bool startsWord = at == 0 || (!nameCharacter(question[at - 1]) && question[at - 1] != '.');
        const bool dotInName = end + 1 < question.size() && question[end] == '.' &&
                               std::isalnum(static_cast<unsigned char>(question[end + 1])) != 0;
        const bool endsWord = end == question.size() || (!nameCharacter(question[end]) && !dotInName);
        if (startsWord && endsWord) return true;
    }
    return false;
}

}  // namespace

std::string answersMatch(const Question& q, const std::vector<std::string>& interfaceNames) {
    answers::Matches m;
    std::string named;
    for (const auto& name : interfaceNames) {
        if (q.has(name) || mentionsName(q.question, name)) {
            named = name;
            break;
        }
    }
    const auto args = [&] {
        auto a = newObject();
        if (!named.empty()) a->set("interface", named);
        return a;
    };
    const std::vector<std::string> names = named.empty() ? std::vector<std::string>{} : std::vector<std::string>{named};
    const bool trafficWord = q.hasAny({"traffic", "bandwidth", "throughput", "upload", "download", "uploading",
                                       "downloading", "rx", "tx", "received", "sent", "mbit", "gbit"});
    const bool ipWord = q.hasAny({"ip", "ipv4", "ipv6", "gateway", "mac", "mtu"}) ||
                        (q.hasAny({"address", "addresses"}) && !q.hasAny({"email", "mail"}));
    const bool netWord = q.hasAny({"network", "networks", "networking", "interface", "interfaces", "nic", "nics",
                                   "ethernet", "lan", "wan", "wifi", "wireless", "link", "links", "connectivity"});
    const bool problemWord = q.hasAny({"errors", "dropped", "drops", "packets"});
    const bool internetWord = q.hasAny({"internet", "online", "offline", "connected", "connection"});
    const auto add = [&](const std::string& capability, double score) {
        if (q.allows(capability)) m.add(capability, score, args(), names);
    };
    if (trafficWord) {
        add("network.traffic", netWord || !named.empty() || q.hasAny({"traffic", "bandwidth"}) ? 0.95 : 0.7);
    } else if (ipWord) {
        add("network.interfaces", 0.95);
    } else if (netWord || !named.empty()) {
        add("network.interfaces", 0.95);
    } else if (problemWord) {
        add("network.interfaces", 0.6);
    } else if (internetWord) {
        add("network.interfaces", 0.7);
    }
    return m.json();
}

std::string answersSummarize(const answers::SummaryRequest& request) {
    const auto& o = request.outcome;
    if (!o.ok()) {
        if (o.status == "not_found") {
            return answers::summary("There is no network interface named " + string(o.arguments, "interface") + ".", false);
        }
        return answers::summary("I could not read the network interfaces: " + o.error);
    }
    bool found = true;
    std::string text;
    if (o.capability == "network.interfaces") {
        text = interfacesSummary(request.question, o.result, found);
    } else if (o.capability == "network.traffic") {
        text = trafficSummary(o.result, found);
    } else {
        throw homelab_assistant::Error(HA_ERR_UNSUPPORTED, "nothing to say about " + o.capability);
    }
    auto subject = newObject();
    Poco::JSON::Array::Ptr names = new Poco::JSON::Array;
    for (const auto& i : objects(o.result, "interfaces")) names->add(string(i, "name"));
    subject->set("interfaces", names);
    return answers::summary(text, found, subject);
}

std::string answersChecks(const answers::CheckResults& results, const NetworkCheckSettings& settings) {
    Findings f;
    const answers::Outcome* out = results.find("network.interfaces");
    if (out == nullptr || !out->ok()) {
        f.add(Findings::Severity::Warning, "network.readable", "network",
              "The network interfaces could not be read: " + (out ? out->error : std::string("the check did not run")));
        return f.json();
    }
    int problems = 0;
    for (const auto& missing : strings(out->result, "watched_missing")) {
        f.add(Findings::Severity::Critical, "network.interface", missing, "Network interface " + missing + " does not exist.");
        ++problems;
    }
    std::vector<std::string> up, downUnwatched;
    for (const auto& i : objects(out->result, "interfaces")) {
        const std::string name = string(i, "name");
        if (flag(i, "watched") && !flag(i, "up")) {
            auto evidence = newObject();
            evidence->set("operstate", string(i, "operstate"));
            if (i->has("carrier")) evidence->set("carrier", flag(i, "carrier"));
            f.add(Findings::Severity::Critical, "network.interface", name, "Network interface " + stateText(i) + ".", evidence);
            ++problems;
            continue;
        }
        if (auto r = object(i, "rates")) {
            if (number(r, "errors_per_s") > settings.errorsPerSecond) {
                auto evidence = newObject();
                evidence->set("errors_per_s", number(r, "errors_per_s"));
                f.add(Findings::Severity::Warning, "network.errors", name,
                      name + " has " + wording::number(number(r, "errors_per_s"), 2) + " errors/s (threshold " +
                          wording::number(settings.errorsPerSecond, 2) + "/s).", evidence);
                ++problems;
            }
            if (number(r, "drops_per_s") > settings.dropsPerSecond) {
                auto evidence = newObject();
                evidence->set("drops_per_s", number(r, "drops_per_s"));
                f.add(Findings::Severity::Warning, "network.drops", name,
                      name + " drops " + wording::number(number(r, "drops_per_s"), 2) + " packets/s (threshold " +
                          wording::number(settings.dropsPerSecond, 2) + "/s).", evidence);
                ++problems;
            }
        }
        (flag(i, "up") ? up : downUnwatched).push_back(name + (flag(i, "up") && !speed(i).empty() ? " " + speed(i) : ""));
    }
    if (problems == 0) {
        std::string message = up.empty() ? "Network: no interface is up" : "Network: " + wording::list(up) + " up";
        if (!downUnwatched.empty()) message += "; down but not watched: " + wording::list(downUnwatched);
        f.ok("network.interface", "network", message + "; no errors over the thresholds.");
    }
    return f.json();
}

}  // namespace ha_plugins::network
