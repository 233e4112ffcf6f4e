// The systemd plugin's side of the answers interface (answers.h): which capability answers a
// question, the plain-language answer to each result, and the health findings. Pure: JSON in,
// JSON out; the plugin supplies whether a unit exists.
#pragma once

#include "common/Answers.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace ha_plugins::systemd {

struct SystemdCheckSettings {
    uint64_t crashLoopRestarts = 5;
    uint64_t windowMinutes = 1440;
};

std::string answersProfile();

// knownUnit("nginx.service") tells whether such a unit is loaded or installed here.
std::string answersMatch(const answers::Question& q, const std::function<bool(const std::string&)>& knownUnit);

std::string answersSummarize(const answers::SummaryRequest& request);

std::string answersChecks(const answers::CheckResults& results, const SystemdCheckSettings& settings);

// The unit names a question asks about, as written ("is nginx running?" -> {"nginx"},
// "why did php8.2-fpm.service fail?" -> {"php8.2-fpm.service"}); only valid unit names.
std::vector<std::string> mentionedUnits(const answers::Question& q);

}  // namespace ha_plugins::systemd
