// First refusal layer: a deterministic check of the user's text for requests to change state
// (restart/stop containers, delete files, snapshots, firewall, shell commands, scheduling ...),
// applied before any model or tool runs. Questions about state ("did nginx restart?",
// "why did it stop?", "restart count?") pass; imperatives ("restart nginx", "can you stop it",
// "check X and delete Y") and command lines ("docker rm", "zfs destroy", "sudo ...") do not.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ha {

struct Refusal {
    std::string category;  // "service_lifecycle", "data", "snapshot", "network", "shell", "schedule", "system"
    std::string trigger;   // the words that matched
    std::string reason;    // one sentence for the audit log
};

class RequestGuard {
public:
    std::optional<Refusal> check(std::string_view message) const;

    // The answer given to the user for a refusal.
    static std::string answerFor(const Refusal& refusal);

private:
    static std::vector<std::string> tokenize(std::string_view clause);
};

}  // namespace ha
