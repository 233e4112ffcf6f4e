#include "plugin/OutputEvents.h"

namespace ha::plugin {

namespace {
constexpr int kMaxDepth = 64;  // as the host's own JSON reader
}  // namespace

bool OutputEvents::read(const std::string& function, std::string_view output, OutputEvents& events, std::string& error) {
    if (output.empty()) {
        error = function + "() returned invalid JSON: empty document";
        return false;
    }
    ha_plugins::JsonTextFailure failure;
    if (ha_plugins::readJsonEvents(output, kMaxDepth, events, failure)) return true;
    error = events.notAnObject_ ? function + "() returned JSON that is not an object"
                                : function + "() returned invalid JSON: " + ha_plugins::describe(failure, kMaxDepth);
    return false;
}

}  // namespace ha::plugin
