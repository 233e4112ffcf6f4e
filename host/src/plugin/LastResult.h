// The checked, condensed value of a capability's last output, kept for the next call: a plugin
// that answers from its short cache (cache_ms) returns the same text again, and checking and
// condensing it again (json::verbatim, a fifth of a cached tool call) would give the same value.
#pragma once

#include "plugin/LastRead.h"
#include "util/Json.h"

#include <string>

namespace ha::plugin {

class LastResult {
public:
    // Outputs longer than this are condensed every time and never kept.
    static constexpr size_t kMaxKeptBytes = LastRead<json::Var>::kMaxKeptBytes;

    // json::verbatim(output): the kept value when `output` is byte for byte the last text seen,
    // else condensed anew and kept. Throws json::JsonError as json::verbatim does (nothing is
    // kept then). Thread-safe.
    json::Var verbatim(const std::string& output);

    // How often the kept value was reused (for tests).
    size_t reused() const { return last_.reused(); }

private:
    LastRead<json::Var> last_;
};

}  // namespace ha::plugin
