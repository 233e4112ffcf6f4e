#include "http/McpTools.h"

#include <cctype>

namespace ha::http {

std::string McpTools::title(const std::string& capability) {
    std::string out;
    for (char c : capability) out += (c == '.' || c == '_' || c == '-') ? ' ' : c;
    if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
    return out;
}

json::Object::Ptr McpTools::describe(const ToolInfo& info) {
    auto annotations = json::object();
    annotations->set("title", title(info.capability));
    // Every capability the policy offers is read-only (Effect::ReadOnly): it changes nothing, so
    // calling it again is harmless, and it only looks at this server.
    annotations->set("readOnlyHint", true);
    annotations->set("destructiveHint", false);
    annotations->set("idempotentHint", true);
    annotations->set("openWorldHint", false);
    auto tool = json::object();
    tool->set("name", info.capability);
    tool->set("title", title(info.capability));
    tool->set("description", info.description);
    tool->set("inputSchema", info.inputSchemaObject ? json::Var(info.inputSchemaObject) : json::Var(json::object()));
    tool->set("annotations", annotations);
    return tool;
}

json::Object::Ptr McpTools::callResult(const ToolExecution& execution) {
    const ToolCallRecord& record = execution.record;
    auto text = json::object();
    text->set("type", "text");
    auto content = json::array();
    auto result = json::object();
    if (record.status == CallStatus::Ok) {
        text->set("text", json::stringify(execution.result));
        content->add(text);
        result->set("content", content);
        // structuredContent must be an object: a result of another type is wrapped.
        if (json::isObject(execution.result)) {
            result->set("structuredContent", execution.result);
        } else {
            auto wrapped = json::object();
            wrapped->set("result", execution.result);
            result->set("structuredContent", wrapped);
        }
        result->set("isError", false);
        return result;
    }
    text->set("text", std::string(toString(record.status)) + ": " + record.error);
    content->add(text);
    result->set("content", content);
    result->set("isError", true);
    return result;
}

}  // namespace ha::http
