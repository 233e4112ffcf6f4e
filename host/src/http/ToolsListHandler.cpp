#include "http/ToolsListHandler.h"

namespace ha::http {

void ToolsListHandler::handle(HTTPServerRequest& request, HTTPServerResponse& response) {
    authenticate(request, response);
    auto tools = json::array();
    for (const auto& entry : ctx_.executor.catalog().entries()) {
        const ToolInfo& info = entry.tool->info();
        const Decision& decision = entry.decision;
        auto t = json::object();
        t->set("name", info.capability);
        t->set("function", info.function);
        t->set("plugin", info.pluginId);
        t->set("description", info.description);
        t->set("effect", info.effect == Effect::ReadOnly ? "read-only" : "mutating");
        t->set("timeout_ms", static_cast<Poco::Int64>(info.timeout.count()));
        t->set("input_schema", info.inputSchemaObject);
        t->set("allowed", decision.allowed);
        t->set("reason", decision.reason);
        tools->add(t);
    }
    auto plugins = json::array();
    for (const auto& p : ctx_.plugins) {
        auto o = json::object();
        o->set("file", p.file);
        if (!p.id.empty()) o->set("id", p.id);
        o->set("loaded", p.loaded);
        o->set("message", p.message);
        plugins->add(o);
    }
    auto body = json::object();
    body->set("tools", tools);
    body->set("plugins", plugins);
    body->set("provider", ctx_.orchestrator.provider().name());
    sendJson(response, 200, body);
}

}  // namespace ha::http
