// The truenas plugin's protocol parts: the method allowlist, JSON-RPC 2.0 framing and ids, the
// meaning of middleware errors and auth.login_ex answers, the settings (ws:// refused, the key
// never echoed), certificate fingerprints and the result cache (one fetch per burst).
#include "tools/truenas/CertificatePin.h"
#include "tools/truenas/JsonRpc.h"
#include "tools/truenas/MethodAllowlist.h"
#include "tools/truenas/ResultCache.h"
#include "tools/truenas/TruenasSettings.h"
#include "TestSupport.h"

#include <homelab_assistant/plugin.hpp>

#include <cppunit/extensions/HelperMacros.h>
#include <openssl/pem.h>

#include <atomic>
#include <cstdio>
#include <sys/stat.h>
#include <thread>

namespace ha {

using namespace ha_plugins::truenas;
using homelab_assistant::Error;

namespace {

int32_t statusOf(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const Error& e) {
        return e.status();
    }
    return HA_OK;
}

std::string messageOf(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

uint64_t inMs(int ms) { return homelab_assistant::monotonicNowNs() + static_cast<uint64_t>(ms) * 1000000ull; }

}  // namespace

class TruenasProtocolTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(TruenasProtocolTest);
    CPPUNIT_TEST(testAllowlistIsExact);
    CPPUNIT_TEST(testEncodesRequests);
    CPPUNIT_TEST(testParsesResponsesErrorsAndNotifications);
    CPPUNIT_TEST(testRejectsFramesThatAreNotObjects);
    CPPUNIT_TEST(testMapsErrors);
    CPPUNIT_TEST(testLoginParamsEscapeAndCarryTheKeyOnlyThere);
    CPPUNIT_TEST(testLoginOutcomes);
    CPPUNIT_TEST(testSettingsRefusePlainWebSocket);
    CPPUNIT_TEST(testSettingsReadTheKeyWithoutEchoingIt);
    CPPUNIT_TEST(testSettingsDefaultsAndLimits);
    CPPUNIT_TEST(testFingerprints);
    CPPUNIT_TEST(testCacheSendsOneRequestPerBurst);
    CPPUNIT_TEST(testCacheExpiresAndDoesNotKeepErrors);
    CPPUNIT_TEST_SUITE_END();

public:
    void testAllowlistIsExact() {
        const std::vector<std::string> expected = {"auth.login_ex", "alert.list", "pool.query", "disk.query",
                                                   "disk.temperatures", "app.query", "pool.snapshottask.query",
                                                   "replication.query", "cloudsync.query", "system.info", "boot.get_state"};
        CPPUNIT_ASSERT_EQUAL(expected.size(), allowedMethods().size());
        for (const auto& m : expected) CPPUNIT_ASSERT_MESSAGE(m, isAllowedMethod(m));
        for (const char* m : {"core.ping", "pool.create", "pool.scrub", "app.stop", "app.query ", "Pool.query", "pool.query.x",
                              "pool", "", "auth.login", "auth.login_with_api_key", "core.get_jobs", "replication.run",
                              "cloudsync.sync", "system.reboot", "pool.snapshottask.run", "alert.dismiss", "disk.wipe"}) {
            CPPUNIT_ASSERT_MESSAGE(m, !isAllowedMethod(m));
        }
        CPPUNIT_ASSERT_EQUAL(HA_ERR_DENIED, statusOf([] { requireAllowedMethod("system.reboot"); }));
        CPPUNIT_ASSERT_EQUAL(HA_OK, statusOf([] { requireAllowedMethod("alert.list"); }));
    }

    void testEncodesRequests() {
        const std::string r = encodeRequest(7, "pool.query", R"([[],{"select":["name"]}])");
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"jsonrpc":"2.0","id":7,"method":"pool.query","params":[[],{"select":["name"]}]})"), r);
        auto o = json::parseObject(encodeRequest(1, "alert.list", ""));
        CPPUNIT_ASSERT_EQUAL(std::string("2.0"), o->getValue<std::string>("jsonrpc"));
        CPPUNIT_ASSERT_EQUAL(0u, static_cast<unsigned>(o->getArray("params")->size()));
        // A method name is escaped, never spliced raw.
        o = json::parseObject(encodeRequest(2, "a\"b", "[]"));
        CPPUNIT_ASSERT_EQUAL(std::string("a\"b"), o->getValue<std::string>("method"));
    }

    void testParsesResponsesErrorsAndNotifications() {
        RpcMessage m = parseMessage(R"({"jsonrpc":"2.0","id":3,"result":{"version":"25.10.1"}})");
        CPPUNIT_ASSERT(m.kind == RpcMessage::Kind::Response);
        CPPUNIT_ASSERT_EQUAL(uint64_t(3), m.id);
        CPPUNIT_ASSERT(!m.error);
        CPPUNIT_ASSERT_EQUAL(std::string("25.10.1"), objectOf(m.result)->getValue<std::string>("version"));
        m = parseMessage(R"({"jsonrpc":"2.0","id":4,"result":null})");
        CPPUNIT_ASSERT(m.kind == RpcMessage::Kind::Response && !m.error && m.result.isEmpty());
        m = parseMessage(R"({"jsonrpc":"2.0","id":5,"error":{"code":-32001,"message":"Method call error","data":{"error":13,"errname":"EACCES","reason":"Not authorized","trace":{"class":"CallError","formatted":"Traceback ..."},"extra":null}}})");
        CPPUNIT_ASSERT(m.error);
        CPPUNIT_ASSERT_EQUAL(int64_t(-32001), m.error->code);
        CPPUNIT_ASSERT_EQUAL(std::string("EACCES"), m.error->errname);
        CPPUNIT_ASSERT_EQUAL(std::string("Not authorized"), m.error->reason);
        m = parseMessage(R"({"jsonrpc":"2.0","method":"collection_update","params":{"msg":"changed","collection":"alert.list"}})");
        CPPUNIT_ASSERT(m.kind == RpcMessage::Kind::Notification);
        CPPUNIT_ASSERT_EQUAL(std::string("collection_update"), m.method);
        // Ids this client never issues are not responses to anything it waits for.
        CPPUNIT_ASSERT(parseMessage(R"({"jsonrpc":"2.0","id":"7","result":1})").kind == RpcMessage::Kind::Other);
        CPPUNIT_ASSERT(parseMessage(R"({"jsonrpc":"2.0","id":-1,"result":1})").kind == RpcMessage::Kind::Other);
        CPPUNIT_ASSERT(parseMessage(R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Invalid JSON"}})").kind ==
                       RpcMessage::Kind::Other);
        m = parseMessage(R"({"jsonrpc":"2.0","id":9})");
        CPPUNIT_ASSERT(m.error);  // neither result nor error: an error, never an empty success
    }

    void testRejectsFramesThatAreNotObjects() {
        CPPUNIT_ASSERT_EQUAL(HA_ERR_UNAVAILABLE, statusOf([] { parseMessage("not json"); }));
        CPPUNIT_ASSERT_EQUAL(HA_ERR_UNAVAILABLE, statusOf([] { parseMessage("[1,2]"); }));
        CPPUNIT_ASSERT_EQUAL(HA_ERR_UNAVAILABLE, statusOf([] { parseMessage(""); }));
    }

    void testMapsErrors() {
        const auto status = [](int64_t code, const std::string& errname, const std::string& reason = "r") {
            return errorFor("pool.query", RpcError{code, "m", errname, reason}).status();
        };
        CPPUNIT_ASSERT_EQUAL(HA_ERR_UNSUPPORTED, status(-32601, ""));
        CPPUNIT_ASSERT_EQUAL(HA_ERR_INTERNAL, status(-32602, "EINVAL"));
        CPPUNIT_ASSERT_EQUAL(HA_ERR_RATE_LIMITED, status(-32000, ""));
        CPPUNIT_ASSERT_EQUAL(HA_ERR_DENIED, status(-32001, "EACCES"));
        CPPUNIT_ASSERT_EQUAL(HA_ERR_DENIED, status(-32001, "ENOTAUTHENTICATED"));
        CPPUNIT_ASSERT_EQUAL(HA_ERR_RATE_LIMITED, status(-32001, "EBUSY", "Rate Limit Exceeded"));
        CPPUNIT_ASSERT_EQUAL(HA_ERR_UNAVAILABLE, status(-32001, "EFAULT", "Failed to connect to docker"));
        const std::string denied = errorFor("app.query", RpcError{-32001, "Method call error", "EACCES", "Not authorized"}).what();
        CPPUNIT_ASSERT(contains(denied, "app.query") && contains(denied, "Read-Only Administrator"));
        // Long or multi-line reasons are cut to one short line.
        const std::string longReason(2000, 'x');
        const std::string cut = errorFor("x", RpcError{-32001, "m", "EFAULT", longReason + "\nTraceback"}).what();
        CPPUNIT_ASSERT(cut.size() < 400 && !contains(cut, "\n"));
        CPPUNIT_ASSERT(needsLogin(RpcError{-32001, "m", "ENOTAUTHENTICATED", "Not authenticated"}));
        CPPUNIT_ASSERT(needsLogin(RpcError{-32001, "m", "EACCES", "Session is expired"}));
        CPPUNIT_ASSERT(!needsLogin(RpcError{-32001, "m", "EACCES", "Not authorized"}));
    }

    void testLoginParamsEscapeAndCarryTheKeyOnlyThere() {
        const std::string params = loginParams("ro\"user", "12-abcDEF");
        auto a = json::parse(params).extract<Poco::JSON::Array::Ptr>();
        CPPUNIT_ASSERT_EQUAL(1u, static_cast<unsigned>(a->size()));
        auto data = a->getObject(0);
        CPPUNIT_ASSERT_EQUAL(std::string("API_KEY_PLAIN"), data->getValue<std::string>("mechanism"));
        CPPUNIT_ASSERT_EQUAL(std::string("ro\"user"), data->getValue<std::string>("username"));
        CPPUNIT_ASSERT_EQUAL(std::string("12-abcDEF"), data->getValue<std::string>("api_key"));
        CPPUNIT_ASSERT_EQUAL(false, data->getObject("login_options")->getValue<bool>("user_info"));
    }

    void testLoginOutcomes() {
        const auto outcome = [](const std::string& type) {
            return loginOutcome(json::parse(R"({"response_type":")" + type + R"("})"), "ro");
        };
        CPPUNIT_ASSERT(outcome("SUCCESS").ok);
        CPPUNIT_ASSERT(loginOutcome(json::parse(R"({"response_type":"SUCCESS","user_info":null,"authenticator":"LEVEL_1","future":1})"), "ro").ok);
        for (const char* refused : {"AUTH_ERR", "EXPIRED", "DENIED", "OTP_REQUIRED"}) {
            const LoginOutcome o = outcome(refused);
            CPPUNIT_ASSERT_MESSAGE(refused, !o.ok && o.status == HA_ERR_DENIED && contains(o.message, refused));
            CPPUNIT_ASSERT_MESSAGE(refused, contains(o.message, "'ro'"));
        }
        CPPUNIT_ASSERT(contains(outcome("EXPIRED").message, "expired") && contains(outcome("EXPIRED").message, "ws://"));
        CPPUNIT_ASSERT(contains(outcome("AUTH_ERR").message, "revoked"));
        CPPUNIT_ASSERT(contains(outcome("DENIED").message, "Read-Only Administrator"));
        CPPUNIT_ASSERT_EQUAL(HA_ERR_UNAVAILABLE, outcome("REDIRECT").status);
        CPPUNIT_ASSERT_EQUAL(HA_ERR_UNAVAILABLE, outcome("SOMETHING_NEW").status);
        CPPUNIT_ASSERT(!loginOutcome(Var(), "ro").ok);
        CPPUNIT_ASSERT(!loginOutcome(Var(false), "ro").ok);
        CPPUNIT_ASSERT(loginOutcome(Var(true), "ro").ok);  // the legacy auth.login answer
    }

    void testSettingsRefusePlainWebSocket() {
        for (const char* url : {"ws://localhost/api/current", "ws://127.0.0.1:8080/api/current", "http://localhost/api/current"}) {
            const std::string msg = messageOf([&] { TruenasSettings::parse(std::string(R"({"url":")") + url + R"("})"); });
            CPPUNIT_ASSERT_MESSAGE(url, contains(msg, "refused") && contains(msg, "wss://"));
        }
        CPPUNIT_ASSERT_EQUAL(HA_ERR_INVALID_ARGUMENT, statusOf([] { TruenasSettings::parse(R"({"url":"https://localhost/api/current"})"); }));
        CPPUNIT_ASSERT_EQUAL(HA_ERR_INVALID_ARGUMENT, statusOf([] { TruenasSettings::parse(R"({"url":"wss://u:p@localhost/api/current"})"); }));
        CPPUNIT_ASSERT_EQUAL(HA_ERR_INVALID_ARGUMENT, statusOf([] { TruenasSettings::parse(R"({"url":"wss:///api/current"})"); }));
        const TruenasSettings s = TruenasSettings::parse(R"({"url":"wss://nas.lan"})");
        CPPUNIT_ASSERT_EQUAL(std::string("/api/current"), s.client.url.getPath());
        CPPUNIT_ASSERT_EQUAL(Poco::UInt16(443), s.client.url.getPort());
    }

    void testSettingsReadTheKeyWithoutEchoingIt() {
        test::TempDir dir;
        const std::string secret = "12-hunter2Hunter2hunter2";
        test::writeFile(dir.file("key"), secret + "\n");
        ::chmod(dir.file("key").c_str(), 0600);
        TruenasSettings s = TruenasSettings::parse(R"({"username":"ro","api_key_file":")" + dir.file("key") + R"("})");
        CPPUNIT_ASSERT(s.configured);
        CPPUNIT_ASSERT_EQUAL(secret, s.client.apiKey);  // trimmed
        CPPUNIT_ASSERT(s.warnings.empty());
        ::chmod(dir.file("key").c_str(), 0644);
        s = TruenasSettings::parse(R"({"username":"ro","api_key_file":")" + dir.file("key") + R"("})");
        CPPUNIT_ASSERT_EQUAL(size_t(1), s.warnings.size());
        // Every refusal names the setting, never the key.
        const std::vector<std::string> bad = {
            R"({"api_key":"12-hunter2Hunter2hunter2"})",                                       // no username
            R"({"username":"ro","api_key":"hunter2 not a key"})",                              // wrong shape
            R"({"username":"ro","api_key":"12-hunter2Hunter2hunter2","api_key_file":"/x"})",   // both
            R"({"username":"ro","api_key_file":"/nonexistent/hunter2"})"};
        for (const auto& json : bad) {
            const std::string msg = messageOf([&] { TruenasSettings::parse(json); });
            CPPUNIT_ASSERT_MESSAGE(json, !msg.empty());
            CPPUNIT_ASSERT_MESSAGE(msg, !contains(msg, "hunter2Hunter2") && !contains(msg, "not a key"));
        }
        CPPUNIT_ASSERT(!TruenasSettings::parse("{}").configured);
        const std::string typo = messageOf([] { TruenasSettings::parse(R"({"api_keyfile":"/etc/k"})"); });
        CPPUNIT_ASSERT(contains(typo, "unknown truenas setting 'api_keyfile'") && contains(typo, "api_key_file"));
        CPPUNIT_ASSERT(contains(kSettingsSchema, R"("api_key":{"type":"string","minLength":1,"maxLength":512,"writeOnly":true)"));
    }

    void testSettingsDefaultsAndLimits() {
        const TruenasSettings s = TruenasSettings::parse("{}");
        CPPUNIT_ASSERT_EQUAL(std::string("wss://localhost/api/current"), s.client.url.toString());
        CPPUNIT_ASSERT_EQUAL(int64_t(5000), static_cast<int64_t>(s.cacheTtl.count()));
        CPPUNIT_ASSERT_EQUAL(int64_t(50000), static_cast<int64_t>(s.client.connection.idleClose.count()));
        CPPUNIT_ASSERT_EQUAL(size_t(100), s.maxItems);
        CPPUNIT_ASSERT_EQUAL(HA_ERR_INVALID_ARGUMENT, statusOf([] { TruenasSettings::parse(R"({"cache_ttl_ms":-1})"); }));
        CPPUNIT_ASSERT_EQUAL(HA_ERR_INVALID_ARGUMENT, statusOf([] { TruenasSettings::parse(R"({"certificate_sha256":"AB:CD"})"); }));
        CPPUNIT_ASSERT_EQUAL(HA_ERR_INVALID_ARGUMENT, statusOf([] { TruenasSettings::parse(R"({"ca_file":"/nonexistent.pem"})"); }));
        test::TempDir dir;
        test::writeFile(dir.file("ca.pem"), "not a certificate\n");
        const std::string noCertificate = messageOf([&dir] { TruenasSettings::parse(R"({"ca_file":")" + dir.file("ca.pem") + R"("})"); });
        CPPUNIT_ASSERT_MESSAGE(noCertificate, contains(noCertificate, "'ca_file' " + dir.file("ca.pem") + " cannot be read or holds no PEM certificate"));
        test::writeFile(dir.file("ca.pem"), "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        CPPUNIT_ASSERT_EQUAL(dir.file("ca.pem"), TruenasSettings::parse(R"({"ca_file":")" + dir.file("ca.pem") + R"("})").client.caFile);
        const std::string pin = "D2:A8:B2:79:7F:FC:97:5D:22:00:56:46:C1:C0:3D:27:93:CB:96:B2:4E:F6:40:D6:84:88:0F:D4:0A:DD:99:FD";
        CPPUNIT_ASSERT_EQUAL(std::string("d2a8b2797ffc975d22005646c1c03d2793cb96b24ef640d684880fd40add99fd"),
                             TruenasSettings::parse(R"({"certificate_sha256":")" + pin + R"("})").client.pinnedSha256);
    }

    void testFingerprints() {
        const std::string hex = "d2a8b2797ffc975d22005646c1c03d2793cb96b24ef640d684880fd40add99fd";
        CPPUNIT_ASSERT_EQUAL(hex, parseFingerprint("D2:A8:B2:79:7F:FC:97:5D:22:00:56:46:C1:C0:3D:27:93:CB:96:B2:4E:F6:40:D6:84:88:0F:D4:0A:DD:99:FD").value());
        CPPUNIT_ASSERT_EQUAL(hex, parseFingerprint(hex).value());
        CPPUNIT_ASSERT_EQUAL(hex, parseFingerprint("d2 a8 b2 79 7f fc 97 5d 22 00 56 46 c1 c0 3d 27 93 cb 96 b2 4e f6 40 d6 84 88 0f d4 0a dd 99 fd").value());
        CPPUNIT_ASSERT_EQUAL(hex, parseFingerprint("sha256 Fingerprint=D2:A8:B2:79:7F:FC:97:5D:22:00:56:46:C1:C0:3D:27:93:CB:96:B2:4E:F6:40:D6:84:88:0F:D4:0A:DD:99:FD").value());
        CPPUNIT_ASSERT(!parseFingerprint(hex.substr(2)));           // 31 bytes
        CPPUNIT_ASSERT(!parseFingerprint(hex + "00"));              // 33 bytes
        CPPUNIT_ASSERT(!parseFingerprint("zz" + hex.substr(2)));    // not hex
        CPPUNIT_ASSERT_EQUAL(std::string("D2:A8:B2"), displayFingerprint("d2a8b2"));
        // The fingerprint of a real certificate, as `openssl x509 -fingerprint -sha256` shows it.
        FILE* f = std::fopen(HA_TEST_FIXTURES "/truenas/tls/pin-test-cert.pem", "r");
        CPPUNIT_ASSERT(f != nullptr);
        X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
        std::fclose(f);
        CPPUNIT_ASSERT(cert != nullptr);
        CPPUNIT_ASSERT_EQUAL(hex, fingerprintOf(cert));
        X509_free(cert);
        CPPUNIT_ASSERT_EQUAL(std::string(), fingerprintOf(nullptr));
    }

    void testCacheSendsOneRequestPerBurst() {
        ResultCache cache(std::chrono::milliseconds(5000));
        std::atomic<int> fetches{0};
        std::vector<std::thread> threads;
        std::atomic<int> ok{0};
        for (int i = 0; i < 8; ++i) {
            threads.emplace_back([&] {
                const Var v = cache.get("app.query []", inMs(5000), [&] {
                    ++fetches;
                    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // one slow middleware call
                    return Var(42);
                });
                if (v.convert<int>() == 42) ++ok;
            });
        }
        for (auto& t : threads) t.join();
        CPPUNIT_ASSERT_EQUAL(1, fetches.load());
        CPPUNIT_ASSERT_EQUAL(8, ok.load());
        // Another key is another request.
        cache.get("alert.list []", inMs(1000), [&] { ++fetches; return Var(1); });
        CPPUNIT_ASSERT_EQUAL(2, fetches.load());
    }

    void testCacheExpiresAndDoesNotKeepErrors() {
        ResultCache cache(std::chrono::milliseconds(50));
        int fetches = 0;
        const auto fetch = [&] { ++fetches; return Var(fetches); };
        CPPUNIT_ASSERT_EQUAL(1, cache.get("k", inMs(1000), fetch).convert<int>());
        CPPUNIT_ASSERT_EQUAL(1, cache.get("k", inMs(1000), fetch).convert<int>());
        std::this_thread::sleep_for(std::chrono::milliseconds(80));
        CPPUNIT_ASSERT_EQUAL(2, cache.get("k", inMs(1000), fetch).convert<int>());
        // What a memory-only call may take: a value still fresh, never a fetch.
        CPPUNIT_ASSERT_EQUAL(2, cache.kept("k").value().convert<int>());
        CPPUNIT_ASSERT(!cache.kept("other").has_value());
        std::this_thread::sleep_for(std::chrono::milliseconds(80));
        CPPUNIT_ASSERT(!cache.kept("k").has_value());
        CPPUNIT_ASSERT_EQUAL(2, fetches);
        ResultCache fresh(std::chrono::milliseconds(5000));
        CPPUNIT_ASSERT_EQUAL(HA_ERR_UNAVAILABLE, statusOf([&] {
            fresh.get("e", inMs(1000), []() -> Var { throw Error(HA_ERR_UNAVAILABLE, "down"); });
        }));
        CPPUNIT_ASSERT_EQUAL(7, fresh.get("e", inMs(1000), [] { return Var(7); }).convert<int>());  // the error was not kept
        ResultCache none(std::chrono::milliseconds(0));
        int calls = 0;
        none.get("k", inMs(1000), [&] { ++calls; return Var(1); });
        none.get("k", inMs(1000), [&] { ++calls; return Var(1); });
        CPPUNIT_ASSERT_EQUAL(2, calls);
        CPPUNIT_ASSERT(!none.kept("k").has_value());  // nothing is kept without a ttl
        // A waiter gives up at its own deadline while the fetch goes on.
        ResultCache slow(std::chrono::milliseconds(5000));
        std::thread leader([&] { slow.get("s", inMs(2000), [] { std::this_thread::sleep_for(std::chrono::milliseconds(300)); return Var(1); }); });
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        CPPUNIT_ASSERT_EQUAL(HA_ERR_TIMEOUT, statusOf([&] { slow.get("s", inMs(50), [] { return Var(2); }); }));
        leader.join();
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TruenasProtocolTest);

}  // namespace ha
