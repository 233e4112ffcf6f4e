// Which plugins a question is put to (AnswerCatalog::concernedBy), with the REAL answers
// interfaces of every in-tree tool plugin: a plugin left out must be one that would have
// proposed nothing. Every word any vocabulary or the host knows is tried alone and in a few
// phrasings, plus a table of everyday questions for every plugin, and every match() a plugin
// would have answered with a score the router takes (0.5) must come from a plugin the question
// concerns. A plugin that reacts to a word missing from its vocabulary fails here, named.
#include "TestSupport.h"
#include "answers/AnswerCatalog.h"
#include "answers/GeneralWords.h"
#include "answers/QuestionRouter.h"
#include "plugin/PluginLoader.h"

#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <map>
#include <set>

namespace ha {

namespace {

const std::vector<std::string> kQuestions = {
    "Is everything running correctly?", "What containers are running?", "How much disk space is left?",
    "Is my pool healthy?", "Did any service crash recently?", "What is the CPU usage?", "How much RAM is free?",
    "Is the server overloaded?", "How long has the server been up?", "When did it last reboot?",
    "Which container uses the most memory?", "Which container uses the most CPU?", "Is anything unhealthy?",
    "Any OOM kills?", "Is swap used?", "Is the root filesystem full?", "How full is /mnt/tank?",
    "Free space on my disks?", "What is using my storage?", "How fast is the network?", "Is eth0 up?",
    "What is my IP address?", "Any packet drops?", "What is the default gateway?", "How hot is the CPU?",
    "What are the temperatures?", "Are the fans spinning?", "Show me the voltages", "Are my drives healthy?",
    "Any reallocated sectors?", "How old are my disks?", "What is the SMART status?", "Which disk is the hottest?",
    "Are any units failed?", "Is ssh running?", "Show me the journal errors", "Did anything segfault?",
    "Any core dumps?", "Which services restarted?", "Is the zpool degraded?", "How much space is left in my pool?",
    "List the ZFS datasets", "When was the last snapshot?", "Any checksum errors?", "When was the last scrub?",
    "Any TrueNAS alerts?", "Are my apps running?", "Did the last replication succeed?", "Is my boot pool ok?",
    "Is an update available?", "How are the TrueNAS disks?", "Is the NAS ok?", "what about the load average?",
    "How busy is the machine?", "Is it slow?", "Why is the server sluggish?", "Do I have enough memory?",
    "is docker running", "docker status", "Any crashed containers?", "Which containers are restarting?",
    "What is the uptime?", "Is the internet working?", "Is the link speed ok?", "any errors on the network",
    "Is my system healthy?", "Any problems?", "What can you do?", "help", "How much memory does nginx use?",
    "Is my storage ok?", "Are my backups ok?", "What version is running?", "Any warnings?",
    "Is the cpu temperature ok?", "How many cores do I have?", "Is io wait high?", "Did the server run out of memory?",
};

// Phrasings each known word is also tried in.
const std::vector<std::string> kPhrasings = {"%", "what is the %", "is my % ok", "how much % is left",
                                             "show me the % status", "any % problems"};

}  // namespace

class AnswerRoutingTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(AnswerRoutingTest);
    CPPUNIT_TEST(testPluginsLeftOutWouldProposeNothing);
    CPPUNIT_TEST(testAQuestionCostsThePluginsItConcerns);
    CPPUNIT_TEST_SUITE_END();

    test::TempDir pluginDir_;
    test::TempDir smartData_;
    plugin::LoadResult plugins_;
    std::unique_ptr<AnswerCatalog> catalog_;
    std::map<std::string, std::vector<std::string>> capabilities_;  // plugin -> all its capabilities

    static std::string phrased(const std::string& pattern, const std::string& word) {
        std::string s = pattern;
        s.replace(s.find('%'), 1, word);
        return s;
    }

    // "is my pool ok?": docker and systemd guess that an unknown word before "ok" is a container
    // or a unit. A word some vocabulary knows is another plugin's subject, not a name; such a
    // plugin is asked only when a word is known to nobody (or its own words are there).
    bool guessesAKnownWordIsAName(const Match& m) const {
        return !m.names.empty() && std::all_of(m.names.begin(), m.names.end(), [this](const std::string& n) {
            const QuestionText words(n, Vocabulary::only({}));
            return std::all_of(words.words().begin(), words.words().end(),
                               [this](const std::string& w) { return catalog_->vocabulary().knows(w); });
        });
    }

    std::vector<std::string> corpus() const {
        std::set<std::string> words;
        for (const auto& a : catalog_->all()) words.insert(a->profile().vocabulary.begin(), a->profile().vocabulary.end());
        for (const auto* set : {&general_words::common(), &general_words::scope(), &general_words::help()}) {
            words.insert(set->begin(), set->end());
        }
        std::vector<std::string> out = kQuestions;
        for (const auto& a : catalog_->all()) {
            for (const Topic& t : a->profile().topics) out.push_back(t.example);
        }
        for (const std::string& w : words) {
            for (const std::string& p : kPhrasings) out.push_back(phrased(p, w));
        }
        return out;
    }

public:
    void setUp() override {
        const std::vector<std::string> files = {"tool-cpu.so",     "tool-memory.so", "tool-disk.so",    "tool-docker.so",
                                                "tool-network.so", "tool-sensors.so", "tool-smart.so",  "tool-systemd.so",
                                                "tool-truenas.so", "tool-zfs.so"};
        for (const auto& f : files) test::copyFile(std::string(HA_BUILD_PLUGIN_DIR) + "/" + f, pluginDir_.file(f));
        plugin::LoaderOptions o;
        o.directory = pluginDir_.path();
        // Nothing here to ask for names: no engine, no bus, no zpool, no SMART data.
        const std::string smart = smartData_.path();
        o.settingsFor = [smart](const plugin::PluginIdentity& id) -> std::string {
            if (id.id == "docker") return R"({"socket":"/nonexistent/docker.sock"})";
            if (id.id == "systemd") return R"({"bus_address":"unix:path=/nonexistent/bus"})";
            if (id.id == "zfs") return R"({"zpool_path":"/nonexistent/zpool","zfs_path":"/nonexistent/zfs"})";
            if (id.id == "smart") return R"({"data_dir":")" + smart + R"("})";
            return "{}";
        };
        plugins_ = plugin::PluginLoader(o).loadAll();
        CPPUNIT_ASSERT_EQUAL(files.size(), plugins_.answerers.size());
        for (const auto& tool : plugins_.tools) capabilities_[tool->info().pluginId].push_back(tool->info().capability);
        catalog_ = std::make_unique<AnswerCatalog>(plugins_.answerers);
    }

    void tearDown() override {
        catalog_.reset();
        plugins_ = {};
    }

    void testPluginsLeftOutWouldProposeNothing() {
        const std::optional<Subject> none;
        std::map<std::string, std::vector<std::string>> missed;  // "plugin: capability" -> questions
        size_t asked = 0, possible = 0;
        const std::vector<std::string> questions = corpus();
        for (const std::string& q : questions) {
            const QuestionText text(q, catalog_->vocabulary());
            const std::vector<const Answerer*> concerned = catalog_->concernedBy(text, none);
            asked += concerned.size();
            possible += catalog_->all().size();
            for (const auto& a : catalog_->all()) {
                if (std::find(concerned.begin(), concerned.end(), a.get()) != concerned.end()) continue;
                for (const Match& m : a->match(QuestionInput{text, none, capabilities_[a->plugin()]}, {})) {
                    if (m.score < QuestionRouter::kMinScore || guessesAKnownWordIsAName(m)) continue;
                    missed[a->plugin() + ": " + m.capability].push_back(q);
                }
            }
        }
        std::string report;
        for (const auto& [what, list] : missed) {
            report += "\n" + what + " proposed for " + std::to_string(list.size()) + " questions it was not asked, e.g.";
            for (size_t i = 0; i < list.size() && i < 6; ++i) report += " '" + list[i] + "'";
        }
        CPPUNIT_ASSERT_MESSAGE(report, missed.empty());
        // And the routing leaves most plugins out of most questions, or it saves nothing.
        CPPUNIT_ASSERT_MESSAGE(std::to_string(asked) + " of " + std::to_string(possible), asked * 2 < possible);
    }

    void testAQuestionCostsThePluginsItConcerns() {
        const std::optional<Subject> none;
        const auto names = [&](const std::string& q, const std::optional<Subject>& subject) {
            std::set<std::string> out;
            for (const Answerer* a : catalog_->concernedBy(QuestionText(q, catalog_->vocabulary()), subject)) {
                out.insert(a->plugin());
            }
            return out;
        };
        // Words of the disk plugin's vocabulary only reach the plugins that know them.
        const std::set<std::string> disk = names("How much disk space is left?", none);
        CPPUNIT_ASSERT(disk.count("disk") && !disk.count("cpu") && !disk.count("memory") && !disk.count("network"));
        // A word no vocabulary knows may be a name (a container, a unit, a pool): everyone is asked.
        CPPUNIT_ASSERT_EQUAL(catalog_->all().size(), names("is plex running?", none).size());
        // The plugin the last answer came from is asked about a follow-up, whatever its words.
        Subject fromDocker{"docker", "docker.containers", json::object(), json::object()};
        CPPUNIT_ASSERT(!names("and the second one?", none).count("docker"));
        CPPUNIT_ASSERT(names("and the second one?", fromDocker).count("docker"));
        // Typos are corrected first: "dsik" reaches the disk plugin.
        CPPUNIT_ASSERT(names("how much dsik space is left?", none).count("disk"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AnswerRoutingTest);

}  // namespace ha
