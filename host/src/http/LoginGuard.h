// Decides what a presented X-API-Key gets: through, 401, or 429 for an address that failed too
// often. The key is checked before the failure limit: it is the only thing that tells the owner
// from someone guessing at the same address (NAT, a shared host), so a valid key is never
// blocked by other people's failures. Wrong keys count per address; over the limit they get 429
// with Retry-After instead of 401, and are not logged one by one.
//
// Why wrong keys beyond the limit are still checked: answering them 429 without a check would
// also have to answer the right key 429 (that is the lock-out this class exists to prevent).
// The check costs one SHA-256 and a constant-time compare; the key itself (16+ characters,
// the package generates 192 random bits) is what makes guessing hopeless, at any rate.
#pragma once

#include "http/Authenticator.h"
#include "http/RateLimiter.h"

#include <optional>
#include <string>

namespace ha::http {

class LoginGuard {
public:
    enum class Outcome { Accepted, Missing, Invalid, Blocked };
    struct Verdict {
        Outcome outcome = Outcome::Accepted;
        int retryAfterSeconds = 0;  // Blocked
        bool firstBlocked = false;  // the failure that reached the limit (log it once)
    };

    LoginGuard(const Authenticator& authenticator, RateLimiter& failures)
        : authenticator_(authenticator), failures_(failures) {}

    // presented: the X-API-Key header, if any. client: the peer address. [thread-safe]
    Verdict check(const std::optional<std::string>& presented, const std::string& client) const;

private:
    const Authenticator& authenticator_;
    RateLimiter& failures_;
};

}  // namespace ha::http
