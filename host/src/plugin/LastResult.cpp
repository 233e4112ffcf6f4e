#include "plugin/LastResult.h"

namespace ha::plugin {

json::Var LastResult::verbatim(const std::string& output) {
    return *last_.get(output, [](const std::string& text) { return std::optional<json::Var>(std::in_place, json::verbatim(text)); });
}

}  // namespace ha::plugin
