// The sensors plugin's side of the answers interface: which capability answers a question, the
// answer in words, and the health findings (over critical -> critical, over max or the
// configured threshold -> warning, a fan at 0 RPM with a minimum set -> warning).
#pragma once

#include "common/Answers.h"

#include <optional>
#include <string>

namespace ha_plugins::sensors {

struct SensorCheckSettings {
    std::optional<double> warningCelsius;  // applies to sensors without a plausible max
};

std::string answersProfile();
std::string answersMatch(const answers::Question& q);
std::string answersSummarize(const answers::SummaryRequest& request);
std::string answersChecks(const answers::CheckResults& results, const SensorCheckSettings& settings);

}  // namespace ha_plugins::sensors
