#include "tools/ToolRegistry.h"

#include <algorithm>

namespace ha {

ToolRegistry::ToolRegistry(std::vector<std::shared_ptr<Tool>> tools) : tools_(std::move(tools)) {
    std::sort(tools_.begin(), tools_.end(),
              [](const auto& a, const auto& b) { return a->info().capability < b->info().capability; });
    for (const auto& t : tools_) {
        byName_.emplace(t->info().capability, t);
        byName_.emplace(t->info().function, t);
    }
}

std::shared_ptr<Tool> ToolRegistry::find(const std::string& name) const {
    auto it = byName_.find(name);
    return it == byName_.end() ? nullptr : it->second;
}

}  // namespace ha
