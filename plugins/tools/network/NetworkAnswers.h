// The network plugin's side of the answers interface: which capability answers a question (and
// for which interface), the answer in words, and the health findings (a watched interface down
// or missing -> critical, errors or drops over their rate thresholds -> warning).
#pragma once

#include "common/Answers.h"

#include <string>
#include <vector>

namespace ha_plugins::network {

struct NetworkCheckSettings {
    double errorsPerSecond = 1.0;
    double dropsPerSecond = 100.0;
};

// interfaceNames: the interfaces this machine has (their [a-z0-9] names join the vocabulary).
std::string answersProfile(const std::vector<std::string>& interfaceNames);
std::string answersMatch(const answers::Question& q, const std::vector<std::string>& interfaceNames);
std::string answersSummarize(const answers::SummaryRequest& request);
std::string answersChecks(const answers::CheckResults& results, const NetworkCheckSettings& settings);

}  // namespace ha_plugins::network
