// Fuzz target: what the Docker engine sends. The input is read as an inspect document and a list
// entry (container views and usage), as a stream of events (one JSON object per line) for the
// crash report, as the two API versions of /version (first two lines) and as a time.
#include "common/SecretText.h"
#include "tools/docker/ContainerView.h"
#include "tools/docker/CrashReport.h"
#include "tools/docker/DockerEngine.h"

#include <homelab_assistant/plugin.hpp>

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

namespace {

Poco::JSON::Object::Ptr parseObject(const std::string& text) {
    try {
        Poco::JSON::Parser parser;
        Poco::Dynamic::Var v = parser.parse(text);
        if (v.type() == typeid(Poco::JSON::Object::Ptr)) return v.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
    }
    return nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace ha_plugins::docker;
    const std::string input(reinterpret_cast<const char*>(data), size);
    constexpr int64_t now = 1795510000;

    if (auto doc = parseObject(input)) {
        (void)containerDetails(doc, now);
        (void)containerSummary(doc, doc, now);
        (void)containerUsage("fuzz", doc);
        (void)buildCrashReport({doc}, {ContainerState{doc, doc}}, now - 3600, now);
    }

    std::vector<Poco::JSON::Object::Ptr> events;
    std::vector<std::string> lines;
    std::istringstream in(input);
    for (std::string line; std::getline(in, line) && lines.size() < 64;) {
        lines.push_back(line);
        if (auto e = parseObject(line)) events.push_back(e);
    }
    std::vector<ContainerState> states;
    for (const auto& e : events) states.push_back({e, e});
    (void)buildCrashReport(events, states, now - 86400, now);

    try {
        (void)DockerEngine::negotiate(lines.empty() ? "" : lines[0], lines.size() > 1 ? lines[1] : "");
    } catch (const homelab_assistant::Error&) {
        // versions we cannot speak are a documented outcome
    }
    (void)formatUtc(parseDockerTime(input));
    (void)looksSecret(lines.empty() ? "" : lines[0], input);
    (void)ha_plugins::redactSecrets(input);
    return 0;
}
