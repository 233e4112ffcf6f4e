// The tool policy: default deny, allow/deny rules by capability name with '*' and '?' wildcards,
// deny wins, and mutating capabilities are refused whatever the rules say. Immutable.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ha {

enum class Effect { ReadOnly, Mutating };

struct PolicyRule {
    std::string pattern;
    std::string location;  // "policy.yaml:7"
};

struct Decision {
    bool allowed = false;
    std::string reason;
};

class Policy {
public:
    Policy() = default;  // denies everything
    Policy(std::vector<PolicyRule> allow, std::vector<PolicyRule> deny, std::string source);

    Decision decide(std::string_view capability, Effect effect) const;

    const std::vector<PolicyRule>& allowRules() const { return allow_; }
    const std::vector<PolicyRule>& denyRules() const { return deny_; }
    const std::string& source() const { return source_; }

    // Glob match over the whole text: '*' any run of characters, '?' one character.
    static bool matches(std::string_view pattern, std::string_view text);

private:
    std::vector<PolicyRule> allow_;
    std::vector<PolicyRule> deny_;
    std::string source_;
};

}  // namespace ha
