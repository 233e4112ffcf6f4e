// Raises the soft RLIMIT_NOFILE at start-up so the configured connection cap can be reached
// (systemd's default soft limit is 1024: one descriptor per connection plus the plugins' own).
#pragma once

#include <cstddef>

namespace ha::net {

class OpenFileLimit {
public:
    // Raises the soft limit towards `wanted` (never above the hard limit) and returns the soft
    // limit in force afterwards.
    static size_t raiseTo(size_t wanted);
};

}  // namespace ha::net
