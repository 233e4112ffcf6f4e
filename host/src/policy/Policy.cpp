#include "policy/Policy.h"

namespace ha {

Policy::Policy(std::vector<PolicyRule> allow, std::vector<PolicyRule> deny, std::string source)
    : allow_(std::move(allow)), deny_(std::move(deny)), source_(std::move(source)) {}

Decision Policy::decide(std::string_view capability, Effect effect) const {
    if (effect == Effect::Mutating) {
        return {false, "state-changing capability: always refused (this assistant is read-only)"};
    }
    for (const PolicyRule& r : deny_) {
        if (matches(r.pattern, capability)) return {false, "denied by rule '" + r.pattern + "' (" + r.location + ")"};
    }
    for (const PolicyRule& r : allow_) {
        if (matches(r.pattern, capability)) return {true, "allowed by rule '" + r.pattern + "' (" + r.location + ")"};
    }
    return {false, "no allow rule matches (default deny)"};
}

bool Policy::matches(std::string_view pattern, std::string_view text) {
    // Iterative wildcard matching with single-star backtracking: O(|p|*|t|) worst case.
    size_t p = 0, t = 0, starP = std::string_view::npos, starT = 0;
    while (t < text.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
            ++p;
            ++t;
        } else if (p < pattern.size() && pattern[p] == '*') {
            starP = p++;
            starT = t;
        } else if (starP != std::string_view::npos) {
            p = starP + 1;
            t = ++starT;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

}  // namespace ha
