// How capabilities look to an MCP client: a tool per capability the policy offers (read-only and
// allowed), named by the capability, with its description, input schema, a title and the four
// annotations set explicitly (MCP's defaults are the pessimistic ones); and a call's result as
// text content plus structuredContent, or a tool failure as an isError result.
#pragma once

#include "tools/Tool.h"
#include "tools/ToolExecution.h"
#include "util/Json.h"

#include <string>

namespace ha::http {

class McpTools {
public:
    // "disk.usage" -> "Disk usage", "systemd.failed_units" -> "Systemd failed units".
    static std::string title(const std::string& capability);
    // One entry of tools/list.
    static json::Object::Ptr describe(const ToolInfo& info);
    // The tools/call result of a call that ran or failed while running (status other than
    // Denied, or NotFound for an unknown name: those are protocol errors).
    static json::Object::Ptr callResult(const ToolExecution& execution);
};

}  // namespace ha::http
