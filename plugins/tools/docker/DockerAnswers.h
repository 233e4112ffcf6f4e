// The docker plugin's answers (answers.h): which questions are about containers (by word, by a
// container's name, or by a follow-up on the last answer), its wording of every docker.*
// result, and its health checks. Pure: JSON in, JSON out; the container names come in.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ha_plugins::docker {

struct DockerCheckSettings {
    int64_t crashWindowMinutes = 1440;  // the crash report the health check reads
};

std::string dockerProfile(const DockerCheckSettings& settings);
// containerNames: the engine's current container names (may be empty when it is down).
std::string dockerMatch(std::string_view input, const std::vector<std::string>& containerNames);
std::string dockerSummary(std::string_view input);
std::string dockerChecks(std::string_view input);

}  // namespace ha_plugins::docker
