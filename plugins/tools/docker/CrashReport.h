// Recent container failures from the engine's event log plus the containers' current state:
// crashes (non-zero exits that nobody asked for), OOM kills, unhealthy turns and restart loops.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <vector>

namespace ha_plugins::docker {

struct ContainerState {
    Poco::JSON::Object::Ptr entry;    // from /containers/json
    Poco::JSON::Object::Ptr inspect;  // from /containers/{id}/json (may be null)
};

// events: container events of the window, oldest first. since/now: Unix seconds.
Poco::JSON::Object::Ptr buildCrashReport(const std::vector<Poco::JSON::Object::Ptr>& events,
                                         const std::vector<ContainerState>& containers, int64_t since, int64_t now);

}  // namespace ha_plugins::docker
