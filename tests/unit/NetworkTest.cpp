// The network plugin's pure parts on recorded sysfs and procfs trees (tests/fixtures/network,
// sources in its README): /proc/net parsers, IPv4 addresses matched to interfaces, interface
// attributes, rates, and the answers (match, summaries, checks).
#include "TestSupport.h"
#include "common/PluginConfig.h"
#include "common/TextFile.h"
#include "tools/network/NetInterfaces.h"
#include "tools/network/NetworkAnswers.h"
#include "tools/network/ProcNet.h"
#include "util/Json.h"

#include <cppunit/extensions/HelperMacros.h>

#include <Poco/JSON/Array.h>

namespace ha {

using namespace ha_plugins::network;
namespace answers = ha_plugins::answers;

namespace {

std::string fixture(const std::string& name) { return std::string(HA_TEST_FIXTURES) + "/network/" + name; }
std::string procFile(const std::string& tree, const std::string& file) {
    return ha_plugins::readTextFile(fixture(tree) + "/proc/net/" + file).value_or("");
}

const InterfaceInfo* named(const std::vector<InterfaceInfo>& list, const std::string& name) {
    for (const auto& i : list) {
        if (i.name == name) return &i;
    }
    return nullptr;
}

// The network.interfaces result for a recorded tree, built as the plugin builds it, with the
// given rates per interface.
Poco::JSON::Object::Ptr report(const std::string& tree, const std::map<std::string, Rates>& rates = {},
                               const std::vector<std::string>& watched = {}) {
    InterfacesReport r;
    const auto counters = parseNetDev(procFile(tree, "dev"));
    std::vector<Address> addresses = ipv4Addresses(parseFibTrieLocal(procFile(tree, "fib_trie")), parseRoutes(procFile(tree, "route")));
    for (auto& a : parseIfInet6(procFile(tree, "if_inet6"))) addresses.push_back(a);
    for (auto& info : readInterfaces(fixture(tree) + "/sys")) {
        const bool w = std::find(watched.begin(), watched.end(), info.name) != watched.end();
        if (!w && info.name == "lo") {
            r.skipped.push_back(info.name);
            continue;
        }
        InterfaceView v;
        v.info = info;
        v.watched = w;
        for (const auto& a : addresses) {
            if (a.interface == info.name) v.addresses.push_back(a);
        }
        if (auto c = counters.find(info.name); c != counters.end()) v.counters = c->second;
        if (auto rate = rates.find(info.name); rate != rates.end()) v.rates = rate->second;
        r.interfaces.push_back(v);
    }
    for (const auto& w : watched) {
        if (!named(readInterfaces(fixture(tree) + "/sys"), w)) r.watchedMissing.push_back(w);
    }
    r.defaultRoute = defaultRoute(parseRoutes(procFile(tree, "route")));
    r.addressSource = "procfs";
    r.sampleWindowMs = 2000;
    return interfacesJson(r);
}

answers::Question question(const std::string& text) {
    return answers::Question::parse(test::answersInput(text, {"network.interfaces", "network.traffic"}));
}

std::string summaryText(const std::string& capability, const Poco::JSON::Object::Ptr& result, const std::string& q,
                        bool* found = nullptr) {
    const auto parsed = question(q);
    const std::string input = R"({"text":")" + parsed.text + R"(","question":")" + q + R"(","capability":")" + capability +
                              R"(","arguments":{},"status":"ok","result":)" + ha_plugins::toJson(result) + "}";
    auto s = json::parseObject(answersSummarize(answers::SummaryRequest::parse(input)));
    if (found) *found = s->getValue<bool>("found");
    return s->getValue<std::string>("text");
}

std::vector<std::string> findings(const Poco::JSON::Object::Ptr& result, const NetworkCheckSettings& s = {}) {
    const std::string input = R"({"results":[{"capability":"network.interfaces","arguments":{},"status":"ok","result":)" +
                              ha_plugins::toJson(result) + "}]}";
    auto list = json::parseObject(answersChecks(answers::CheckResults::parse(input), s))->getArray("findings");
    std::vector<std::string> out;
    for (size_t i = 0; i < list->size(); ++i) {
        auto f = list->getObject(static_cast<unsigned>(i));
        out.push_back(f->getValue<std::string>("severity") + " " + f->getValue<std::string>("check") + " " +
                      f->getValue<std::string>("subject") + ": " + f->getValue<std::string>("message"));
    }
    return out;
}

}  // namespace

class NetworkTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(NetworkTest);
    CPPUNIT_TEST(testParsesNetDev);
    CPPUNIT_TEST(testParsesAddressesAndRoutes);
    CPPUNIT_TEST(testMatchesAddressesToInterfaces);
    CPPUNIT_TEST(testHostileProcText);
    CPPUNIT_TEST(testReadsInterfaces);
    CPPUNIT_TEST(testRates);
    CPPUNIT_TEST(testMatches);
    CPPUNIT_TEST(testSummaries);
    CPPUNIT_TEST(testChecks);
    CPPUNIT_TEST_SUITE_END();

public:
    void testParsesNetDev() {
        const auto dev = parseNetDev(procFile("docker-host", "dev"));
        CPPUNIT_ASSERT_EQUAL(size_t(3), dev.size());
        const Counters& c = dev.at("eno16780032");
        CPPUNIT_ASSERT_EQUAL(uint64_t(229979221), c.rxBytes);
        CPPUNIT_ASSERT_EQUAL(uint64_t(1120436), c.rxPackets);
        CPPUNIT_ASSERT_EQUAL(uint64_t(1752), c.rxDropped);
        CPPUNIT_ASSERT_EQUAL(uint64_t(92386111), c.txBytes);
        CPPUNIT_ASSERT_EQUAL(uint64_t(920982), c.txPackets);
        const auto vm = parseNetDev(procFile("vm-firecracker", "dev"));
        CPPUNIT_ASSERT_EQUAL(size_t(4), vm.size());
        CPPUNIT_ASSERT_EQUAL(uint64_t(289197182), vm.at("eth0").rxBytes);
        CPPUNIT_ASSERT_EQUAL(uint64_t(6154), vm.at("eth0").txPackets);
    }

    void testParsesAddressesAndRoutes() {
        const auto v6 = parseIfInet6(procFile("vm-firecracker", "if_inet6"));
        CPPUNIT_ASSERT_EQUAL(size_t(3), v6.size());
        CPPUNIT_ASSERT_EQUAL(std::string("fe80::fc:ff:fe00:1"), v6[0].address);
        CPPUNIT_ASSERT_EQUAL(std::string("link"), v6[0].scope);
        CPPUNIT_ASSERT_EQUAL(std::string("fd00::2"), v6[1].address);
        CPPUNIT_ASSERT_EQUAL(64, v6[1].prefix);
        CPPUNIT_ASSERT_EQUAL(std::string("global"), v6[1].scope);
        CPPUNIT_ASSERT_EQUAL(std::string("::1"), v6[2].address);
        CPPUNIT_ASSERT_EQUAL(std::string("host"), v6[2].scope);
        const auto routes = parseRoutes(procFile("vm-firecracker", "route"));
        CPPUNIT_ASSERT_EQUAL(size_t(2), routes.size());
        CPPUNIT_ASSERT_EQUAL(std::string("192.0.2.1"), ipv4Text(routes[0].gateway));
        auto def = defaultRoute(routes);
        CPPUNIT_ASSERT(def);
        CPPUNIT_ASSERT_EQUAL(std::string("eth0"), def->interface);
        CPPUNIT_ASSERT_EQUAL(std::string("192.0.2.1"), def->gateway);
        // The real nested trie: local addresses only, not networks or broadcasts.
        const auto local = parseFibTrieLocal(procFile("vm-firecracker", "fib_trie"));
        CPPUNIT_ASSERT_EQUAL(size_t(2), local.size());
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"), local[0]);
        CPPUNIT_ASSERT_EQUAL(std::string("192.0.2.2"), local[1]);
        CPPUNIT_ASSERT(!defaultRoute({}));
    }

    void testMatchesAddressesToInterfaces() {
        const auto vm = ipv4Addresses(parseFibTrieLocal(procFile("vm-firecracker", "fib_trie")), parseRoutes(procFile("vm-firecracker", "route")));
        CPPUNIT_ASSERT_EQUAL(size_t(2), vm.size());
        CPPUNIT_ASSERT_EQUAL(std::string("lo 127.0.0.1/8"), vm[0].interface + " " + vm[0].address + "/" + std::to_string(vm[0].prefix));
        CPPUNIT_ASSERT_EQUAL(std::string("eth0 192.0.2.2/24"), vm[1].interface + " " + vm[1].address + "/" + std::to_string(vm[1].prefix));
        const auto docker = ipv4Addresses(parseFibTrieLocal(procFile("docker-host", "fib_trie")), parseRoutes(procFile("docker-host", "route")));
        std::map<std::string, std::string> byAddress;
        for (const auto& a : docker) byAddress[a.address] = a.interface + "/" + std::to_string(a.prefix);
        CPPUNIT_ASSERT_EQUAL(std::string("docker0/16"), byAddress["172.17.0.1"]);
        CPPUNIT_ASSERT_EQUAL(std::string("eno16780032/24"), byAddress["198.51.100.23"]);
        // GCE: 10.128.0.11/32 lies in no route but the default one (the /32 host route to the
        // gateway does not contain it).
        const auto gce = ipv4Addresses(parseFibTrieLocal(procFile("gce-podman", "fib_trie")), parseRoutes(procFile("gce-podman", "route")));
        byAddress.clear();
        for (const auto& a : gce) byAddress[a.address] = a.interface + "/" + std::to_string(a.prefix);
        CPPUNIT_ASSERT_EQUAL(std::string("eth0/32"), byAddress["10.128.0.11"]);
        CPPUNIT_ASSERT_EQUAL(std::string("cni-podman0/16"), byAddress["10.88.0.1"]);
        CPPUNIT_ASSERT_EQUAL(std::string("lo/8"), byAddress["127.0.0.1"]);
        CPPUNIT_ASSERT_EQUAL(size_t(0), byAddress.count("10.128.0.1"));  // the gateway is not ours
        CPPUNIT_ASSERT_EQUAL(std::string("eth0"), defaultRoute(parseRoutes(procFile("gce-podman", "route")))->interface);
        // Without any route an address cannot be placed and is left out.
        CPPUNIT_ASSERT_EQUAL(size_t(0), ipv4Addresses({"10.0.0.5"}, {}).size());
    }

    void testHostileProcText() {
        CPPUNIT_ASSERT(parseNetDev("").empty());
        CPPUNIT_ASSERT(parseNetDev("garbage\n eth0: 1 2 3\nx: a b c d e f g h i j k l m n o p\n").empty());
        CPPUNIT_ASSERT(parseIfInet6("zz00000000000000000000000000000001 01 80 10 80 lo\nshort 01 80 10 80 lo\n").empty());
        CPPUNIT_ASSERT(parseRoutes("Iface\tDestination\neth0\tZZZZZZZZ\t00000000\t0001\t0\t0\t0\t00FFFFFF\n").empty());
        CPPUNIT_ASSERT(parseFibTrieLocal("  |-- not-an-address\n     /32 host LOCAL\n/32 host LOCAL\n").empty());
    }

    void testReadsInterfaces() {
        const auto vm = readInterfaces(fixture("vm-firecracker") + "/sys");
        CPPUNIT_ASSERT_EQUAL(size_t(4), vm.size());
        const InterfaceInfo* eth0 = named(vm, "eth0");
        CPPUNIT_ASSERT(eth0 && eth0->hardware && isUp(*eth0));
        CPPUNIT_ASSERT_EQUAL(int64_t(1400), eth0->mtu);
        CPPUNIT_ASSERT(!eth0->speedMbps);  // -1: unknown (virtio)
        CPPUNIT_ASSERT_EQUAL(std::string("ethernet"), eth0->type);
        const InterfaceInfo* lo = named(vm, "lo");
        CPPUNIT_ASSERT(isUp(*lo));  // operstate unknown, carrier 1
        CPPUNIT_ASSERT_EQUAL(std::string("loopback"), lo->type);
        CPPUNIT_ASSERT(lo->mac.empty());
        const InterfaceInfo* ifb = named(vm, "ifb0");
        CPPUNIT_ASSERT(!isUp(*ifb) && !ifb->hardware && !ifb->carrier);
        const auto docker = readInterfaces(fixture("docker-host") + "/sys");
        CPPUNIT_ASSERT_EQUAL(int64_t(10000), named(docker, "eno16780032")->speedMbps.value());
        CPPUNIT_ASSERT(!isUp(*named(docker, "docker0")));
        CPPUNIT_ASSERT_EQUAL(false, named(docker, "docker0")->carrier.value());
        CPPUNIT_ASSERT(readInterfaces("/nonexistent/ha-test/sys").empty());
        const std::vector<std::string> skip = {"lo", "veth*", "docker*", "br-*", "cni*"};
        CPPUNIT_ASSERT(matchesAny("veth1a2b3c", skip));
        CPPUNIT_ASSERT(matchesAny("br-001903b485d3", skip));
        CPPUNIT_ASSERT(matchesAny("cni-podman0", skip));
        CPPUNIT_ASSERT(!matchesAny("br0", skip));
        CPPUNIT_ASSERT(!matchesAny("eth0", skip));
    }

    void testRates() {
        Counters a, b;
        a.rxBytes = 1000;
        b.rxBytes = 3000;
        a.txBytes = 500;
        b.txBytes = 1500;
        b.rxErrors = 4;
        b.txDropped = 10;
        const Rates r = ratesBetween(a, b, 2.0);
        CPPUNIT_ASSERT_EQUAL(1000.0, r.rxBytes);
        CPPUNIT_ASSERT_EQUAL(500.0, r.txBytes);
        CPPUNIT_ASSERT_EQUAL(2.0, r.errors);
        CPPUNIT_ASSERT_EQUAL(5.0, r.drops);
        // Counters that went backwards (driver reloaded) give no rate, not a huge one.
        CPPUNIT_ASSERT_EQUAL(0.0, ratesBetween(b, a, 2.0).rxBytes);
        CPPUNIT_ASSERT_EQUAL(0.0, ratesBetween(a, b, 0).rxBytes);
    }

    void testMatches() {
        const std::vector<std::string> names = {"eth0", "eno16780032", "lo", "docker0"};
        const auto first = [&](const std::string& q) {
            return json::parseObject(answersMatch(question(q), names))->getArray("matches");
        };
        struct Case {
            std::string q, capability, interface;
        };
        for (const Case& c : std::vector<Case>{{"Is the network ok?", "network.interfaces", ""},
                                               {"How much traffic on eth0?", "network.traffic", "eth0"},
                                               {"What is my IP address?", "network.interfaces", ""},
                                               {"what's the server's ip", "network.interfaces", ""},
                                               {"is eth0 up?", "network.interfaces", "eth0"},
                                               {"bandwidth usage", "network.traffic", ""},
                                               {"any dropped packets on the network?", "network.interfaces", ""},
                                               {"what is the MAC address of eno16780032", "network.interfaces", "eno16780032"},
                                               {"how fast is the link", "network.interfaces", ""}}) {
            auto m = first(c.q);
            CPPUNIT_ASSERT_MESSAGE(c.q, m->size() > 0);
            auto top = m->getObject(0);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(c.q, c.capability, top->getValue<std::string>("capability"));
            CPPUNIT_ASSERT_MESSAGE(c.q, top->getValue<double>("score") >= 0.9);
            auto args = top->getObject("arguments");
            CPPUNIT_ASSERT_EQUAL_MESSAGE(c.q, c.interface, args->has("interface") ? args->getValue<std::string>("interface") : "");
        }
        for (const char* q : {"how much disk space is left?", "did any service crash?", "how hot is the CPU?",
                                     "which container uses the most memory?",
                                     // "lo" inside a word is no interface: the CPU's, not the network's
                                     "Is the server overloaded?", "Is it slow?", "any reallocated sectors?"}) {
            CPPUNIT_ASSERT_EQUAL_MESSAGE(std::string(q), size_t(0), first(q)->size());
        }
        // Names the text form splits are found as written, and only whole.
        const std::vector<std::string> odd = {"br-1a2b", "eth0.100", "eth0", "lo"};
        const auto interfaceOf = [&](const std::string& q) {
            auto m = json::parseObject(answersMatch(question(q), odd))->getArray("matches");
            if (m->size() == 0) return std::string("(none)");
            auto args = m->getObject(0)->getObject("arguments");
            return args->has("interface") ? args->getValue<std::string>("interface") : std::string();
        };
        CPPUNIT_ASSERT_EQUAL(std::string("br-1a2b"), interfaceOf("traffic on br-1a2b?"));
        CPPUNIT_ASSERT_EQUAL(std::string("eth0.100"), interfaceOf("is eth0.100 up?"));
        CPPUNIT_ASSERT_EQUAL(std::string("eth0"), interfaceOf("is the interface eth0."));
        CPPUNIT_ASSERT_EQUAL(std::string("lo"), interfaceOf("traffic on lo"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), interfaceOf("is the network slow?"));
        auto vocabulary = json::parseObject(answersProfile({"eth0", "br-abc", "enp3s0"}))->getArray("vocabulary");
        std::set<std::string> words;
        for (size_t i = 0; i < vocabulary->size(); ++i) words.insert(vocabulary->get(i).extract<std::string>());
        CPPUNIT_ASSERT(words.count("eth0") && words.count("enp3s0") && words.count("traffic"));
        CPPUNIT_ASSERT(!words.count("br-abc"));  // not a [a-z0-9] word
    }

    void testSummaries() {
        const auto docker = report("docker-host", {{"eno16780032", Rates{1258291.2, 345088.0, 900, 400, 0, 0}}});
        CPPUNIT_ASSERT_EQUAL(std::string("This server's IP address is 198.51.100.23/24 on eno16780032 (the interface of the default "
                                         "route, via 198.51.100.1). docker0: 172.17.0.1/16."),
                             summaryText("network.interfaces", docker, "What is my IP address?"));
        CPPUNIT_ASSERT_EQUAL(std::string("docker0 is down (state down, no carrier: no cable or link partner) and eno16780032 is up "
                                         "(10 Gb/s full duplex, 198.51.100.23/24). The default route is via 198.51.100.1 on "
                                         "eno16780032. No errors or drops in the last sample."),
                             summaryText("network.interfaces", docker, "Is the network ok?"));
        InterfaceView v;
        v.info.name = "eth0";
        v.info.operstate = "up";
        v.rates = Rates{1258291.2, 345088.0, 900, 400, 0, 0};
        Counters c;
        c.rxBytes = 13207024435ull;
        c.txBytes = 4831838208ull;
        v.counters = c;
        CPPUNIT_ASSERT_EQUAL(std::string("eth0: 1.20 MiB/s (10.1 Mbit/s) in, 337 KiB/s (2.76 Mbit/s) out over the last 2.0 s "
                                         "(12.3 GiB received and 4.50 GiB sent since the counters started)."),
                             summaryText("network.traffic", trafficReportJson({v}, 2000), "How much traffic on eth0?"));
        bool found = true;
        const std::string input = R"({"text":" traffic on eth9 ","question":"traffic on eth9","capability":"network.traffic","arguments":{"interface":"eth9"},"status":"not_found","error":"no network interface named eth9"})";
        auto s = json::parseObject(answersSummarize(answers::SummaryRequest::parse(input)));
        CPPUNIT_ASSERT_EQUAL(std::string("There is no network interface named eth9."), s->getValue<std::string>("text"));
        CPPUNIT_ASSERT(!s->getValue<bool>("found"));
        summaryText("network.interfaces", report("gce-podman"), "what is my ip", &found);
        CPPUNIT_ASSERT(found);
        CPPUNIT_ASSERT(summaryText("network.interfaces", report("gce-podman"), "what is my ip").rfind(
                           "This server's IP address is 10.128.0.11/32 on eth0 (the interface of the default route, via 10.128.0.1).", 0) == 0);
    }

    void testChecks() {
        // Everything fine (docker0 is down but nobody watches it).
        auto f = findings(report("docker-host", {{"eno16780032", Rates{}}}));
        CPPUNIT_ASSERT_EQUAL(size_t(1), f.size());
        CPPUNIT_ASSERT_EQUAL(std::string("ok network.interface network: Network: eno16780032 10 Gb/s up; down but not watched: "
                                         "docker0; no errors over the thresholds."),
                             f[0]);
        // A watched interface down, one missing.
        f = findings(report("docker-host", {}, {"docker0", "eth1"}));
        CPPUNIT_ASSERT_EQUAL(size_t(2), f.size());
        CPPUNIT_ASSERT_EQUAL(std::string("critical network.interface eth1: Network interface eth1 does not exist."), f[0]);
        CPPUNIT_ASSERT(f[1].rfind("critical network.interface docker0: Network interface docker0 is down", 0) == 0);
        // Error and drop rates over the thresholds.
        f = findings(report("docker-host", {{"eno16780032", Rates{0, 0, 0, 0, 3.5, 250}}}));
        CPPUNIT_ASSERT_EQUAL(size_t(2), f.size());
        CPPUNIT_ASSERT_EQUAL(std::string("warning network.errors eno16780032: eno16780032 has 3.50 errors/s (threshold 1.00/s)."), f[0]);
        CPPUNIT_ASSERT_EQUAL(std::string("warning network.drops eno16780032: eno16780032 drops 250.00 packets/s (threshold 100.00/s)."), f[1]);
        NetworkCheckSettings lenient;
        lenient.errorsPerSecond = 10;
        lenient.dropsPerSecond = 1000;
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), findings(report("docker-host", {{"eno16780032", Rates{0, 0, 0, 0, 3.5, 250}}}), lenient)[0].substr(0, 2));
        auto failed = json::parseObject(answersChecks(answers::CheckResults::parse(
            R"({"results":[{"capability":"network.interfaces","arguments":{},"status":"internal","error":"boom"}]})"), {}));
        CPPUNIT_ASSERT_EQUAL(std::string("warning"), failed->getArray("findings")->getObject(0)->getValue<std::string>("severity"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(NetworkTest);

}  // namespace ha
