// POST /mcp: the Model Context Protocol over Streamable HTTP, stateless (no Mcp-Session-Id):
// one JSON-RPC 2.0 message per POST, answered as application/json or, for a client that only
// accepts text/event-stream, as one SSE `message` event; notifications and responses get 202.
// Methods: initialize (McpVersion picks the revision), ping, tools/list (McpTools: exactly the
// capabilities the policy offers), tools/call (through the ToolExecutor gate, as POST
// /v1/tools/<capability>). The key comes as Authorization: Bearer or X-API-Key; a foreign
// Origin is a 403 (DNS rebinding); a later request naming an unsupported MCP-Protocol-Version is
// a 400. Every request is an audit line of type "mcp", written before the answer leaves.
// Errors before a message is read are JSON-RPC error objects with id null.
#pragma once

#include "http/ApiHandler.h"

namespace ha::http {

class McpHandler : public ApiHandler {
public:
    using ApiHandler::ApiHandler;

    // Whether a request with this Origin header may use /mcp: no Origin (not a browser), or the
    // server's own origin (https://<Host>).
    static bool originAllowed(const std::string& origin, const std::string& host);

protected:
    void handle(HTTPServerRequest& request, HTTPServerResponse& response) override;
    json::Object::Ptr errorBody(int status, const std::string& message, const std::string& code) const override;
    bool acceptsBearer() const override { return true; }

private:
    // The result of one request, or throws McpHandler's JSON-RPC error (see the .cpp).
    json::Var dispatch(const std::string& method, const json::Object::Ptr& params, json::Object& audit);
    json::Object::Ptr initializeResult(const json::Object::Ptr& params) const;
    json::Object::Ptr toolsList() const;
    json::Object::Ptr callTool(const json::Object::Ptr& params, json::Object& audit);
    void reply(HTTPServerResponse& response, const json::Object::Ptr& message, bool eventStream);
};

}  // namespace ha::http
