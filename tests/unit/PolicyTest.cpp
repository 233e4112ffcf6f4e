#include "policy/PolicyLoader.h"

#include <cppunit/extensions/HelperMacros.h>

namespace ha {

class PolicyTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(PolicyTest);
    CPPUNIT_TEST(testGlobMatching);
    CPPUNIT_TEST(testDefaultDeny);
    CPPUNIT_TEST(testAllowAndDenyWithLocations);
    CPPUNIT_TEST(testMutatingAlwaysRefused);
    CPPUNIT_TEST(testInvalidYamlNamesLine);
    CPPUNIT_TEST(testSchemaErrorsNameLine);
    CPPUNIT_TEST(testEmptyFileDeniesEverything);
    CPPUNIT_TEST_SUITE_END();

public:
    void testGlobMatching() {
        CPPUNIT_ASSERT(Policy::matches("disk.*", "disk.usage"));
        CPPUNIT_ASSERT(Policy::matches("*", "docker.containers"));
        CPPUNIT_ASSERT(Policy::matches("docker.?nspect", "docker.inspect"));
        CPPUNIT_ASSERT(Policy::matches("*.usage", "cpu.usage"));
        CPPUNIT_ASSERT(Policy::matches("a*b*c", "axxbyyc"));
        CPPUNIT_ASSERT(!Policy::matches("disk.*", "diskx.usage"));
        CPPUNIT_ASSERT(!Policy::matches("disk.usage", "disk.usage2"));
        CPPUNIT_ASSERT(!Policy::matches("cpu", "cpu.usage"));
        CPPUNIT_ASSERT(!Policy::matches("a*b*c", "axxbyy"));
        CPPUNIT_ASSERT(Policy::matches("", ""));
        CPPUNIT_ASSERT(!Policy::matches("", "x"));
    }

    void testDefaultDeny() {
        const Policy p = PolicyLoader::loadText("allow: [\"cpu.*\"]\n", "policy.yaml");
        const Decision d = p.decide("disk.usage", Effect::ReadOnly);
        CPPUNIT_ASSERT(!d.allowed);
        CPPUNIT_ASSERT_EQUAL(std::string("no allow rule matches (default deny)"), d.reason);
        CPPUNIT_ASSERT(!Policy().decide("cpu.usage", Effect::ReadOnly).allowed);
    }

    void testAllowAndDenyWithLocations() {
        const Policy p = PolicyLoader::loadText(
            "version: 1\nallow:\n  - \"docker.*\"\n  - cpu.usage\ndeny:\n  - docker.inspect\n", "/etc/x/policy.yaml");
        const Decision a = p.decide("docker.containers", Effect::ReadOnly);
        CPPUNIT_ASSERT(a.allowed);
        CPPUNIT_ASSERT_EQUAL(std::string("allowed by rule 'docker.*' (policy.yaml:3)"), a.reason);
        const Decision d = p.decide("docker.inspect", Effect::ReadOnly);
        CPPUNIT_ASSERT(!d.allowed);
        CPPUNIT_ASSERT_EQUAL(std::string("denied by rule 'docker.inspect' (policy.yaml:6)"), d.reason);
        CPPUNIT_ASSERT(p.decide("cpu.usage", Effect::ReadOnly).allowed);
    }

    void testMutatingAlwaysRefused() {
        const Policy p = PolicyLoader::loadText("allow: [\"*\"]\n", "policy.yaml");
        const Decision d = p.decide("docker.restart", Effect::Mutating);
        CPPUNIT_ASSERT(!d.allowed);
        CPPUNIT_ASSERT(d.reason.find("always refused") != std::string::npos);
        CPPUNIT_ASSERT(p.decide("docker.containers", Effect::ReadOnly).allowed);
    }

    void testInvalidYamlNamesLine() {
        try {
            PolicyLoader::loadText("allow:\n  - cpu.*\n  - [unclosed\ndeny: []\n", "policy.yaml");
            CPPUNIT_FAIL("invalid YAML was accepted");
        } catch (const PolicyError& e) {
            const std::string msg = e.what();
            CPPUNIT_ASSERT_MESSAGE(msg, msg.rfind("policy.yaml:", 0) == 0);
            CPPUNIT_ASSERT_MESSAGE(msg, msg.find("invalid YAML") != std::string::npos);
        }
    }

    void testSchemaErrorsNameLine() {
        const auto expectError = [](const std::string& text, const std::string& fragment) {
            try {
                PolicyLoader::loadText(text, "policy.yaml");
                CPPUNIT_FAIL("accepted: " + text);
            } catch (const PolicyError& e) {
                const std::string msg = e.what();
                CPPUNIT_ASSERT_MESSAGE(msg, msg.find(fragment) != std::string::npos);
            }
        };
        expectError("allow:\n  - cpu.*\nalow: []\n", "policy.yaml:3: unknown key 'alow'");
        expectError("allow:\n  - \"Disk Usage\"\n", "policy.yaml:2: invalid pattern");
        expectError("allow: cpu.*\n", "policy.yaml:1: 'allow' must be a list");
        expectError("default: allow\n", "'default' can only be 'deny'");
        expectError("version: 2\n", "policy.yaml:1");
    }

    void testEmptyFileDeniesEverything() {
        const Policy p = PolicyLoader::loadText("", "policy.yaml");
        CPPUNIT_ASSERT(!p.decide("cpu.usage", Effect::ReadOnly).allowed);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PolicyTest);

}  // namespace ha
