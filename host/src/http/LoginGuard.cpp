#include "http/LoginGuard.h"

namespace ha::http {

LoginGuard::Verdict LoginGuard::check(const std::optional<std::string>& presented, const std::string& client) const {
    Verdict v;
    if (presented && authenticator_.verify(*presented)) return v;
    const RateLimiter::Verdict failure = failures_.acquire(client);
    if (!failure.allowed) {
        v.outcome = Outcome::Blocked;
        v.retryAfterSeconds = failure.retryAfterSeconds;
        return v;
    }
    v.outcome = presented ? Outcome::Invalid : Outcome::Missing;
    v.firstBlocked = failure.remaining == 0;
    return v;
}

}  // namespace ha::http
