#include "TestSupport.h"
#include "config/ConfigLoader.h"

#include <cppunit/extensions/HelperMacros.h>

#include <map>

namespace ha {

class ConfigLoaderTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ConfigLoaderTest);
    CPPUNIT_TEST(testDefaultsWithoutFile);
    CPPUNIT_TEST(testFileValuesAndRelativePaths);
    CPPUNIT_TEST(testEnvironmentOverrides);
    CPPUNIT_TEST(testEmptyEnvironmentValuesAreUnset);
    CPPUNIT_TEST(testRefusesToStartWithoutApiKey);
    CPPUNIT_TEST(testRejectsWeakApiKey);
    CPPUNIT_TEST(testErrorsNameFileAndLine);
    CPPUNIT_TEST(testBadEnvironmentValues);
    CPPUNIT_TEST(testMissingExplicitFile);
    CPPUNIT_TEST(testPluginSettingsBecomeJson);
    CPPUNIT_TEST(testDeprecatedProviderKeysBecomePluginSettings);
    CPPUNIT_TEST(testLogLevelSpellings);
    CPPUNIT_TEST(testConnectionLimits);
    CPPUNIT_TEST(testShippedConfigStatesTheDefaults);
    CPPUNIT_TEST(testAuditSync);
    CPPUNIT_TEST_SUITE_END();

    std::map<std::string, std::string> env_;
    ConfigLoader loader(const std::string& defaultFile = "/nonexistent/config.yaml") {
        auto env = env_;
        return ConfigLoader({defaultFile, "/usr/lib/test/plugins"},
                            [env](const std::string& n) -> std::optional<std::string> {
                                auto it = env.find(n);
                                if (it == env.end()) return std::nullopt;
                                return it->second;
                            });
    }
    template <class Fn>
    std::string errorOf(Fn fn) {
        try {
            fn();
        } catch (const ConfigError& e) {
            return e.what();
        }
        return "";
    }

public:
    void setUp() override { env_ = {{"API_KEY", "0123456789abcdef-test"}}; }

    void testDefaultsWithoutFile() {
        const Config c = loader().load("");
        CPPUNIT_ASSERT_EQUAL(std::string(""), c.sourceFile);
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:8443"), c.server.listen);
        CPPUNIT_ASSERT_EQUAL(int64_t(60), c.rateLimit.requests);
        CPPUNIT_ASSERT_EQUAL(int64_t(60), c.rateLimit.windowSeconds);
        CPPUNIT_ASSERT_EQUAL(std::string("auto"), c.llm.provider);
        CPPUNIT_ASSERT_EQUAL(std::string("/usr/lib/test/plugins"), c.plugins.directory);
        CPPUNIT_ASSERT_EQUAL(std::string("/nonexistent/policy.yaml"), c.policyFile);
        CPPUNIT_ASSERT_EQUAL(std::string("/nonexistent/tls/cert.pem"), c.server.tlsCertificate);
        CPPUNIT_ASSERT_EQUAL(std::string("/var/log/homelab-assistant/audit.jsonl"), c.auditPath);
        CPPUNIT_ASSERT_EQUAL(std::string("offline"), c.llm.fallback);
        CPPUNIT_ASSERT(c.llm.autoOrder == (std::vector<std::string>{"groq", "openai"}));
        // Provider defaults (base URL, model) live in the provider plugins only.
        CPPUNIT_ASSERT(c.plugins.settingsJson.empty());
        CPPUNIT_ASSERT(c.metrics.listen.empty());  // no keyless metrics unless asked for
        CPPUNIT_ASSERT(c.warnings.empty());
    }

    void testFileValuesAndRelativePaths() {
        test::TempDir dir;
        test::writeFile(dir.file("config.yaml"),
                        "server:\n  listen: \"[::1]:9443\"\n  threads: 8\n  tls_certificate: certs/c.pem\n"
                        "rate_limit:\n  requests: 5\n  window: 10\nllm:\n  provider: acme-llm\n  max_tool_rounds: 3\n"
                        "  fallback: error\n  auto_order: [acme-llm, openai]\n  max_tool_calls: 4\n"
                        "plugins:\n  answers_timeout_ms: 500\n  settings:\n    openai:\n      base_url: http://127.0.0.1:8080/v1\n"
                        "      model: local\n"
                        "metrics:\n  listen: \"127.0.0.1:9469\"\n"
                        "policy: /etc/p.yaml\naudit:\n  path: logs/audit.jsonl\nlog_level: DEBUG\n");
        const Config c = loader().load(dir.file("config.yaml"));
        CPPUNIT_ASSERT_EQUAL(dir.file("config.yaml"), c.sourceFile);
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:9469"), c.metrics.listen);
        CPPUNIT_ASSERT_EQUAL(std::string("[::1]:9443"), c.server.listen);
        CPPUNIT_ASSERT_EQUAL(int64_t(8), c.server.threads);
        CPPUNIT_ASSERT_EQUAL(dir.file("certs/c.pem"), c.server.tlsCertificate);
        CPPUNIT_ASSERT_EQUAL(dir.file("tls/key.pem"), c.server.tlsPrivateKey);
        CPPUNIT_ASSERT_EQUAL(int64_t(5), c.rateLimit.requests);
        CPPUNIT_ASSERT_EQUAL(int64_t(10), c.rateLimit.windowSeconds);
        CPPUNIT_ASSERT_EQUAL(std::string("acme-llm"), c.llm.provider);
        CPPUNIT_ASSERT_EQUAL(int64_t(3), c.llm.maxToolRounds);
        CPPUNIT_ASSERT_EQUAL(int64_t(4), c.llm.maxToolCallsPerTurn);
        CPPUNIT_ASSERT_EQUAL(std::string("error"), c.llm.fallback);
        CPPUNIT_ASSERT(c.llm.autoOrder == (std::vector<std::string>{"acme-llm", "openai"}));
        CPPUNIT_ASSERT_EQUAL(int64_t(500), c.plugins.answersTimeoutMs);
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"base_url":"http://127.0.0.1:8080/v1","model":"local"})"),
                             c.plugins.settingsJson.at("openai"));
        CPPUNIT_ASSERT_EQUAL(std::string("/etc/p.yaml"), c.policyFile);
        CPPUNIT_ASSERT_EQUAL(dir.file("logs/audit.jsonl"), c.auditPath);
        CPPUNIT_ASSERT_EQUAL(std::string("debug"), c.logLevel);
    }

    void testEnvironmentOverrides() {
        test::TempDir dir;
        test::writeFile(dir.file("config.yaml"),
                        "auth:\n  api_key: from-the-file-0123456789\nrate_limit:\n  requests: 5\nlog_level: error\n");
        env_ = {{"API_KEY", "from-the-environment-0123"}, {"LLM_PROVIDER", "Groq"}, {"GROQ_API_KEY", "gsk_x"},
                {"OPENAI_API_KEY", "sk-y"},           {"RATE_LIMIT_REQUESTS", "7"}, {"RATE_LIMIT_WINDOW", "30"},
                {"LOG_LEVEL", "WARNING"},             {"OPENAI_BASE_URL", " http://127.0.0.1:1/v1 "},
                {"LLM_MODEL", "big-model"}};
        const Config c = loader().load(dir.file("config.yaml"));
        CPPUNIT_ASSERT_EQUAL(std::string("from-the-environment-0123"), c.apiKey);
        CPPUNIT_ASSERT_EQUAL(std::string("groq"), c.llm.provider);
        // The seed's variables are aliases of plugin settings; LLM_MODEL goes to the named provider.
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"api_key":"gsk_x","model":"big-model"})"), c.plugins.settingsJson.at("groq"));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"api_key":"sk-y","base_url":"http://127.0.0.1:1/v1"})"),
                             c.plugins.settingsJson.at("openai"));
        CPPUNIT_ASSERT_EQUAL(int64_t(7), c.rateLimit.requests);
        CPPUNIT_ASSERT_EQUAL(int64_t(30), c.rateLimit.windowSeconds);
        CPPUNIT_ASSERT_EQUAL(std::string("warning"), c.logLevel);
    }

    void testEmptyEnvironmentValuesAreUnset() {
        test::TempDir dir;
        test::writeFile(dir.file("config.yaml"), "auth:\n  api_key: from-the-file-0123456789\n");
        env_ = {{"API_KEY", ""}, {"LLM_PROVIDER", " "}};
        const Config c = loader().load(dir.file("config.yaml"));
        CPPUNIT_ASSERT_EQUAL(std::string("from-the-file-0123456789"), c.apiKey);
        CPPUNIT_ASSERT_EQUAL(std::string("auto"), c.llm.provider);
    }

    void testRefusesToStartWithoutApiKey() {
        env_.clear();
        const std::string err = errorOf([&] { loader().load(""); });
        CPPUNIT_ASSERT_MESSAGE(err, err.find("no API key configured") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(err, err.find("API_KEY") != std::string::npos);
        // Commands that do not serve may run without one.
        CPPUNIT_ASSERT_NO_THROW(loader().load("", false));
    }

    void testRejectsWeakApiKey() {
        env_ = {{"API_KEY", "short"}};
        CPPUNIT_ASSERT(errorOf([&] { loader().load(""); }).find("too short") != std::string::npos);
        env_ = {{"API_KEY", "has a space in it 0123"}};
        CPPUNIT_ASSERT(errorOf([&] { loader().load(""); }).find("printable ASCII") != std::string::npos);
    }

    void testErrorsNameFileAndLine() {
        test::TempDir dir;
        const auto check = [&](const std::string& yaml, const std::string& fragment) {
            test::writeFile(dir.file("config.yaml"), yaml);
            const std::string err = errorOf([&] { loader().load(dir.file("config.yaml")); });
            CPPUNIT_ASSERT_MESSAGE("'" + err + "' lacks '" + fragment + "'", err.find(fragment) != std::string::npos);
        };
        const std::string f = dir.file("config.yaml");
        check("server:\n  threds: 4\n", f + ":2: unknown key 'server.threds'");
        check("metrics:\n  port: 9469\n", f + ":2: unknown key 'metrics.port'");
        check("server:\n  threads: many\n", f + ":2: 'server.threads' must be an integer between 2 and 1024");
        check("server:\n  threads: 100000\n", f + ":2: 'server.threads' must be an integer");
        check("rate_limit: [1, 2]\n", f + ":1: 'rate_limit' must be a mapping");
        check("server:\n  listen: [unclosed\n", f + ":");
        check("llm:\n  provider: Gem ini!\n", "is not auto, offline or a provider plugin id");
        check("llm:\n  fallback: maybe\n", f + ":2: 'llm.fallback' must be offline or error");
        check("llm:\n  groq:\n    api_keys: x\n", f + ":3: unknown key 'llm.groq.api_keys'");
        check("log_level: loud\n", f + ":1: 'log_level' must be one of");
        check("llm:\n  temperature: hot\n", f + ":2: 'llm.temperature' must be a number between 0 and 2");
    }

    void testConnectionLimits() {
        const Config defaults = loader().load("");
        CPPUNIT_ASSERT_EQUAL(int64_t(0), defaults.server.ioThreads);
        CPPUNIT_ASSERT_EQUAL(int64_t(2048), defaults.server.maxConnections);
        CPPUNIT_ASSERT_EQUAL(int64_t(0), defaults.server.maxConnectionsPerAddress);
        CPPUNIT_ASSERT_EQUAL(int64_t(1000), defaults.server.maxKeepAliveRequests);
        test::TempDir dir;
        const std::string f = dir.file("config.yaml");
        test::writeFile(f, "server:\n  io_threads: 2\n  max_connections: 5000\n  max_connections_per_address: 64\n"
                           "  handshake_timeout: 3\n  request_timeout: 7\n  write_timeout: 9\n  max_request_line: 4096\n"
                           "  max_header_bytes: 8192\n  max_header_count: 50\n");
        const Config c = loader().load(f);
        CPPUNIT_ASSERT_EQUAL(int64_t(2), c.server.ioThreads);
        CPPUNIT_ASSERT_EQUAL(int64_t(5000), c.server.maxConnections);
        CPPUNIT_ASSERT_EQUAL(int64_t(64), c.server.maxConnectionsPerAddress);
        CPPUNIT_ASSERT_EQUAL(int64_t(3), c.server.handshakeTimeoutSeconds);
        CPPUNIT_ASSERT_EQUAL(int64_t(7), c.server.requestTimeoutSeconds);
        CPPUNIT_ASSERT_EQUAL(int64_t(9), c.server.writeTimeoutSeconds);
        CPPUNIT_ASSERT_EQUAL(int64_t(4096), c.server.maxRequestLineBytes);
        CPPUNIT_ASSERT_EQUAL(int64_t(8192), c.server.maxHeaderBytes);
        CPPUNIT_ASSERT_EQUAL(int64_t(50), c.server.maxHeaderCount);
        const auto check = [&](const std::string& yaml, const std::string& fragment) {
            test::writeFile(f, yaml);
            const std::string err = errorOf([&] { loader().load(f); });
            CPPUNIT_ASSERT_MESSAGE("'" + err + "' lacks '" + fragment + "'", err.find(fragment) != std::string::npos);
        };
        check("server:\n  max_connections: 10\n", f + ":2: 'server.max_connections' must be an integer between 16");
        check("server:\n  handshake_timeout: 0\n", f + ":2: 'server.handshake_timeout' must be an integer between 1");
        check("server:\n  max_header_count: lots\n", f + ":2: 'server.max_header_count' must be an integer");
        check("server:\n  max_connections: 100\n  max_connections_per_address: 200\n",
              f + ":3: 'server.max_connections_per_address' (200) must not exceed 'server.max_connections' (100)");
    }

    // etc/config.yaml documents the connection limits: its values are the built-in defaults.
    void testShippedConfigStatesTheDefaults() {
        const Config c = loader().load(std::string(HA_TEST_FIXTURES) + "/../../etc/config.yaml");
        const ServerConfig d;
        CPPUNIT_ASSERT_EQUAL(d.maxBodyBytes, c.server.maxBodyBytes);
        CPPUNIT_ASSERT_EQUAL(d.ioThreads, c.server.ioThreads);
        CPPUNIT_ASSERT_EQUAL(d.threads, c.server.threads);
        CPPUNIT_ASSERT_EQUAL(d.maxQueued, c.server.maxQueued);
        CPPUNIT_ASSERT_EQUAL(d.maxConnections, c.server.maxConnections);
        CPPUNIT_ASSERT_EQUAL(d.maxConnectionsPerAddress, c.server.maxConnectionsPerAddress);
        CPPUNIT_ASSERT_EQUAL(d.handshakeTimeoutSeconds, c.server.handshakeTimeoutSeconds);
        CPPUNIT_ASSERT_EQUAL(d.requestTimeoutSeconds, c.server.requestTimeoutSeconds);
        CPPUNIT_ASSERT_EQUAL(d.keepAliveTimeoutSeconds, c.server.keepAliveTimeoutSeconds);
        CPPUNIT_ASSERT_EQUAL(d.maxKeepAliveRequests, c.server.maxKeepAliveRequests);
        CPPUNIT_ASSERT_EQUAL(d.writeTimeoutSeconds, c.server.writeTimeoutSeconds);
        CPPUNIT_ASSERT_EQUAL(d.maxRequestLineBytes, c.server.maxRequestLineBytes);
        CPPUNIT_ASSERT_EQUAL(d.maxHeaderBytes, c.server.maxHeaderBytes);
        CPPUNIT_ASSERT_EQUAL(d.maxHeaderCount, c.server.maxHeaderCount);
    }

    void testBadEnvironmentValues() {
        env_["RATE_LIMIT_REQUESTS"] = "sixty";
        CPPUNIT_ASSERT(errorOf([&] { loader().load(""); }).find("RATE_LIMIT_REQUESTS must be an integer") != std::string::npos);
        env_["RATE_LIMIT_REQUESTS"] = "0";
        CPPUNIT_ASSERT(errorOf([&] { loader().load(""); }).find("RATE_LIMIT_REQUESTS") != std::string::npos);
        env_.erase("RATE_LIMIT_REQUESTS");
        env_["LOG_LEVEL"] = "chatty";
        CPPUNIT_ASSERT(errorOf([&] { loader().load(""); }).find("LOG_LEVEL") != std::string::npos);
        env_.erase("LOG_LEVEL");
        env_["LLM_PROVIDER"] = "claude ai";
        CPPUNIT_ASSERT(errorOf([&] { loader().load(""); }).find("is not auto, offline or a provider plugin id") !=
                       std::string::npos);
    }

    void testMissingExplicitFile() {
        const std::string err = errorOf([&] { loader().load("/nonexistent/custom.yaml"); });
        CPPUNIT_ASSERT_EQUAL(std::string("/nonexistent/custom.yaml: configuration file not found"), err);
    }

    void testPluginSettingsBecomeJson() {
        test::TempDir dir;
        test::writeFile(dir.file("config.yaml"),
                        "plugins:\n  settings:\n    disk:\n      paths: [/, /mnt/tank]\n      max_filesystems: 5\n"
                        "    docker:\n      socket: \"/run/docker.sock\"\n      verbose: true\n    empty:\n");
        const Config c = loader().load(dir.file("config.yaml"));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"paths":["/","/mnt/tank"],"max_filesystems":5})"),
                             c.plugins.settingsJson.at("disk"));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"socket":"/run/docker.sock","verbose":true})"),
                             c.plugins.settingsJson.at("docker"));
        CPPUNIT_ASSERT_EQUAL(std::string("{}"), c.plugins.settingsJson.at("empty"));
    }

    void testDeprecatedProviderKeysBecomePluginSettings() {
        test::TempDir dir;
        test::writeFile(dir.file("config.yaml"),
                        "llm:\n  temperature: 0\n  ca_file: ca.pem\n  request_timeout: 7\n  groq:\n    api_key: gsk_old\n"
                        "plugins:\n  settings:\n    groq:\n      model: newer\n      temperature: 1\n");
        const Config c = loader().load(dir.file("config.yaml"));
        // The plugin's own settings win over the deprecated keys; paths are resolved as before.
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"api_key":"gsk_old","ca_file":")" + dir.file("ca.pem") +
                                         R"(","model":"newer","request_timeout_ms":7000,"temperature":1})"),
                             c.plugins.settingsJson.at("groq"));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"ca_file":")" + dir.file("ca.pem") +
                                         R"(","request_timeout_ms":7000,"temperature":0})"),
                             c.plugins.settingsJson.at("openai"));
        CPPUNIT_ASSERT_EQUAL(size_t(7), c.warnings.size());  // each deprecated key, once per provider it sets
        CPPUNIT_ASSERT_MESSAGE(c.warnings[0], c.warnings[0].find("'llm.groq.api_key' is deprecated; set "
                                                                 "'plugins.settings.groq.api_key' instead") != std::string::npos);
    }

    void testLogLevelSpellings() {
        CPPUNIT_ASSERT_EQUAL(std::string("information"), *ConfigLoader::normalizeLogLevel("INFO"));
        CPPUNIT_ASSERT_EQUAL(std::string("warning"), *ConfigLoader::normalizeLogLevel("warn"));
        CPPUNIT_ASSERT_EQUAL(std::string("critical"), *ConfigLoader::normalizeLogLevel("CRITICAL"));
        CPPUNIT_ASSERT(!ConfigLoader::normalizeLogLevel("verbose"));
    }

    void testAuditSync() {
        CPPUNIT_ASSERT(loader().load("").auditSync == AuditSync::Batch);  // the default
        test::TempDir dir;
        const std::pair<const char*, AuditSync> modes[] = {
            {"none", AuditSync::None}, {"batch", AuditSync::Batch}, {"always", AuditSync::Always}};
        for (const auto& [name, mode] : modes) {
            test::writeFile(dir.file("config.yaml"), std::string("audit:\n  sync: ") + name + "\n");
            CPPUNIT_ASSERT(loader().load(dir.file("config.yaml")).auditSync == mode);
        }
        test::writeFile(dir.file("config.yaml"), "audit:\n  path: a.jsonl\n  sync: sometimes\n");
        const std::string err = errorOf([&] { loader().load(dir.file("config.yaml")); });
        CPPUNIT_ASSERT_MESSAGE(err, err.find(dir.file("config.yaml") + ":3: 'audit.sync' must be none, batch or always") !=
                                        std::string::npos);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConfigLoaderTest);

}  // namespace ha
