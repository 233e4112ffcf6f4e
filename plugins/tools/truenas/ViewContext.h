// What the reducers of middleware results need besides the results: the time they are judged
// at and the limits from the plugin's settings.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ha_plugins::truenas {

struct ViewContext {
    int64_t nowMs = 0;           // wall clock, milliseconds since the epoch (middleware dates are UTC)
    size_t maxItems = 100;       // longest list in one result
    double staleFactor = 1.5;    // a task is late when its last success is older than this many intervals
};

}  // namespace ha_plugins::truenas
