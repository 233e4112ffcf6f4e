#include "tools/ToolCatalog.h"

namespace ha {

ToolCatalog::ToolCatalog(const ToolRegistry& registry, const Policy& policy) {
    for (const auto& tool : registry.all()) {
        const ToolInfo& info = tool->info();
        Entry e{tool, policy.decide(info.capability, info.effect), false};
        // Mutating capabilities are never offered, whatever the policy says.
        e.offered = info.effect == Effect::ReadOnly && e.decision.allowed;
        if (e.offered) offered_.push_back({info.function, info.capability, info.description, info.inputSchemaObject});
        entries_.push_back(std::move(e));
    }
}

const ToolCatalog::Entry* ToolCatalog::find(const std::string& name) const {
    for (const Entry& e : entries_) {
        if (e.tool->info().capability == name || e.tool->info().function == name) return &e;
    }
    return nullptr;
}

}  // namespace ha
