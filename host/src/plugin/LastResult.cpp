#include "plugin/LastResult.h"

namespace ha::plugin {

json::Var LastResult::verbatim(const std::string& output) {
    if (output.size() > kMaxKeptBytes) return json::verbatim(output);
    // Compared outside any lock: the kept text is immutable and shared.
    if (const std::shared_ptr<const Kept> kept = last_.load(); kept && kept->output == output) {
        reused_.fetch_add(1, std::memory_order_relaxed);
        return kept->value;
    }
    json::Var value = json::verbatim(output);
    last_.store(std::make_shared<const Kept>(Kept{output, value}));
    return value;
}

}  // namespace ha::plugin
