// All capabilities the loaded plugins provide, looked up by capability or LLM function name.
#pragma once

#include "tools/Tool.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ha {

class ToolRegistry {
public:
    ToolRegistry() = default;
    explicit ToolRegistry(std::vector<std::shared_ptr<Tool>> tools);

    // By capability ("disk.usage") or function name ("disk_usage"); nullptr when unknown.
    std::shared_ptr<Tool> find(const std::string& name) const;
    // Sorted by capability.
    const std::vector<std::shared_ptr<Tool>>& all() const { return tools_; }

private:
    std::vector<std::shared_ptr<Tool>> tools_;
    std::map<std::string, std::shared_ptr<Tool>> byName_;
};

}  // namespace ha
