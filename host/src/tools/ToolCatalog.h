// Every capability with the policy's decision, computed once (the policy is immutable): what
// --list-plugins, GET /v1/tools and the start-up log show, and the functions a model is offered.
#pragma once

#include "policy/Policy.h"
#include "tools/FunctionSpec.h"
#include "tools/ToolRegistry.h"

#include <memory>
#include <string>
#include <vector>

namespace ha {

class ToolCatalog {
public:
    struct Entry {
        std::shared_ptr<Tool> tool;
        Decision decision;
        bool offered = false;  // read-only and allowed: a model may be offered it
    };

    ToolCatalog(const ToolRegistry& registry, const Policy& policy);

    // Sorted by capability.
    const std::vector<Entry>& entries() const { return entries_; }
    // The read-only capabilities the policy allows, as model functions.
    const std::vector<FunctionSpec>& offered() const { return offered_; }
    // By capability or function name; nullptr when unknown.
    const Entry* find(const std::string& name) const;

private:
    std::vector<Entry> entries_;
    std::vector<FunctionSpec> offered_;
};

}  // namespace ha
