// Read-only access to the Docker Engine API: version negotiation and the few GET endpoints the
// tools use. Returns parsed JSON; errors are homelab_assistant::Error with a clear message.
#pragma once

#include "tools/docker/UnixHttpClient.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

namespace ha_plugins::docker {

struct EngineVersion {
    std::string version;     // "20.10.24"
    std::string apiVersion;  // the version used in request paths, e.g. "1.41"
};

class DockerEngine {
public:
    // Oldest API we speak (Docker 20.10) and the newest we ask for (servers accept older
    // clients down to their MinAPIVersion: Docker 29 requires >= 1.44).
    static constexpr int kMinMinor = 41;
    static constexpr int kMaxMinor = 47;

    // requestTimeout bounds every single request to the engine (within the call's deadline).
    DockerEngine(std::string socketPath, std::chrono::milliseconds requestTimeout);

    EngineVersion version(uint64_t deadlineNs);
    Poco::JSON::Array::Ptr listContainers(bool all, uint64_t deadlineNs);
    // nullptr when the container does not exist.
    Poco::JSON::Object::Ptr inspect(const std::string& idOrName, uint64_t deadlineNs);
    // One stats sample with the previous one for CPU deltas (the engine waits ~1 s for it).
    Poco::JSON::Object::Ptr stats(const std::string& id, uint64_t deadlineNs);
    // Container events between two Unix times (fractional seconds), oldest first.
    std::vector<Poco::JSON::Object::Ptr> events(double since, double until, uint64_t deadlineNs);

    const std::string& socketPath() const { return client_.socketPath(); }

    // "1.41" from the server's ApiVersion/MinAPIVersion; throws when they do not overlap ours.
    static std::string negotiate(const std::string& serverApi, const std::string& serverMinApi);

private:
    Poco::Dynamic::Var getJson(const std::string& path, uint64_t deadlineNs, int* status = nullptr);
    std::string versioned(const std::string& path, uint64_t deadlineNs);
    HttpResponse request(const std::string& path, uint64_t deadlineNs);

    UnixHttpClient client_;
    uint64_t requestTimeoutNs_;
    std::mutex mutex_;
    EngineVersion cached_;
    std::chrono::steady_clock::time_point cachedAt_{};
};

}  // namespace ha_plugins::docker
