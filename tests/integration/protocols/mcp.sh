#!/bin/bash
# The MCP server at /mcp (Streamable HTTP, stateless) with the cpu, memory and disk plugins and a
# policy that denies memory.*: curl checks of initialize's version negotiation, the
# MCP-Protocol-Version header, JSON and SSE answers, the auth, the Origin check, JSON-RPC errors
# and hostile messages; then the official MCP TypeScript SDK client (tests/protocols, pinned)
# connects, lists the tools, checks their annotations and calls each one. Every request is an
# audit line of type "mcp".
# usage: mcp.sh BINARY PLUGIN_DIR SOURCE_DIR
set -uo pipefail
HA_BINARY=$1 PLUGINS=$2 SOURCE=$3
. "$(dirname "$0")/../lib.sh"
. "$SOURCE/tests/protocols/install-clients.sh"
KEY=mcp-key-$(openssl rand -hex 12)
ha_plugin_dir plugins "$PLUGINS"/tool-cpu.so "$PLUGINS"/tool-memory.so "$PLUGINS"/tool-disk.so
mkdir -p "$WORK/mcp" && printf 'allow: ["cpu.*", "disk.*"]\n' >"$WORK/mcp/policy.yaml"
ha_start mcp "plugins:
  directory: $PLUGIN_DIR" API_KEY="$KEY" LLM_PROVIDER=offline RATE_LIMIT_REQUESTS=1000 || exit 1
AUDIT=$DIR/audit.jsonl

# rpc BODY [curl args...]: one JSON-RPC POST with the key, as MCP clients send it.
rpc() {
  local body=$1
  shift
  req POST /mcp -H "Authorization: Bearer $KEY" -H "Content-Type: application/json" \
    -H "Accept: application/json, text/event-stream" -d "$body" "$@"
}
quiet_jq_arg() { jq -e --arg "$1" "$2" "$3" "$4" >/dev/null 2>&1; }
rpc_error() { jq -e --argjson c "$1" '.jsonrpc == "2.0" and .error.code == $c and (.error.message | length) > 0' "$BODY_FILE" >/dev/null 2>&1; }
init() { printf '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"%s","capabilities":{},"clientInfo":{"name":"curl","version":"1"}}}' "$1"; }

echo "== initialize and the protocol version"
for v in 2025-03-26 2025-06-18 2025-11-25; do
  rpc "$(init $v)"
  expect_jq "initialize $v: answered with $v" ".jsonrpc == \"2.0\" and .id == 1 and .result.protocolVersion == \"$v\""
done
expect_jq "  server info, the tools capability, instructions" \
  '.result.serverInfo.name == "homelab-assistant" and (.result.serverInfo.version | length) > 0 and .result.capabilities.tools.listChanged == false and (.result.instructions | length) > 0'
check "  stateless: no Mcp-Session-Id" bash -c '! grep -qi "^Mcp-Session-Id" "$0"' "$HEADERS"
rpc "$(init 2024-11-05)"
expect_jq "an older version: answered with the newest, 2025-11-25" '.result.protocolVersion == "2025-11-25"'
rpc "$(init 2031-01-01)"
expect_jq "a future version: the newest too" '.result.protocolVersion == "2025-11-25"'
rpc '{"jsonrpc":"2.0","id":"a","method":"initialize","params":{}}'
expect_jq "initialize without protocolVersion: invalid params" '.id == "a" and .error.code == -32602'
rpc '{"jsonrpc":"2.0","method":"notifications/initialized"}' -H "MCP-Protocol-Version: 2025-11-25"
expect_status "notifications/initialized: 202" 202
expect_eq "  with no body" "$BODY" ""
rpc '{"jsonrpc":"2.0","id":2,"method":"ping"}' -H "MCP-Protocol-Version: 2025-06-18"
expect_jq "ping: an empty result" '.id == 2 and .result == {}'
rpc '{"jsonrpc":"2.0","id":3,"method":"ping"}' -H "MCP-Protocol-Version: 2099-01-01"
expect_status "an unsupported MCP-Protocol-Version: 400" 400
check "  as a JSON-RPC error naming the versions" bash -c 'jq -e ".error.code == -32600 and (.error.message | test(\"2025-03-26, 2025-06-18, 2025-11-25\"))" "$0" >/dev/null' "$BODY_FILE"
rpc '{"jsonrpc":"2.0","id":3,"method":"ping"}'
expect_jq "no MCP-Protocol-Version header: 2025-03-26 assumed" '.result == {}'
expect_jq "  and audited so" '.type == "mcp" and .method == "ping" and .protocol_version == "2025-03-26"' <(tail -1 "$AUDIT")

echo "== tools"
rpc '{"jsonrpc":"2.0","id":4,"method":"tools/list"}' -H "MCP-Protocol-Version: 2025-11-25"
expect_jq "tools/list: exactly what the policy allows (cpu, disk; not memory)" '[.result.tools[].name] | sort == ["cpu.usage", "disk.usage"]'
expect_jq "  each with title, description, an object inputSchema" 'all(.result.tools[]; (.title | length) > 0 and (.description | length) > 0 and .inputSchema.type == "object")'
expect_jq "  and the four annotations set" 'all(.result.tools[]; .annotations.readOnlyHint == true and .annotations.destructiveHint == false and .annotations.idempotentHint == true and .annotations.openWorldHint == false)'
rpc '{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"disk.usage","arguments":{"path":"/"}}}' -H "MCP-Protocol-Version: 2025-11-25"
expect_jq "tools/call disk.usage: text content and structuredContent" \
  '.id == 5 and .result.isError == false and .result.content[0].type == "text" and (.result.content[0].text | fromjson) == .result.structuredContent'
expect_jq "  audited with the call" '.type == "mcp" and .method == "tools/call" and .tool_call.name == "disk.usage" and .tool_call.decision == "allowed" and .outcome == "ok" and .protocol_version == "2025-11-25"' <(tail -1 "$AUDIT")
rpc '{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"disk.usage","arguments":{"path":7}}}'
expect_jq "arguments against the schema: an isError result" '.result.isError == true and (.result.content[0].text | test("invalid_argument"))'
expect_jq "  audited as a tool error" '.outcome == "tool_error" and .tool_call.status == "invalid_argument"' <(tail -1 "$AUDIT")
rpc '{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"memory.usage","arguments":{}}}'
expect_jq "a capability the policy denies: a JSON-RPC error" '.id == 7 and .error.code == -32602 and (.error.message | test("not offered"))'
expect_jq "  audited as denied, never run" '.tool_call.decision == "denied" and .outcome == "error"' <(tail -1 "$AUDIT")
rpc '{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"docker.restart"}}'
expect_jq "an unknown tool: -32602" '.error.code == -32602 and (.error.message | test("Unknown tool"))'
rpc '{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"disk_usage"}}'
expect_jq "a model function name is not a tool name" '.error.code == -32602'
rpc '{"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"disk.usage","arguments":[1]}}'
expect_jq "arguments not an object: -32602" '.error.code == -32602'
rpc '{"jsonrpc":"2.0","id":11,"method":"resources/list"}'
expect_jq "an unknown method: -32601" '.id == 11 and .error.code == -32601'

echo "== JSON or SSE, as the client accepts"
req POST /mcp -H "X-API-Key: $KEY" -H "Content-Type: application/json" -H "Accept: text/event-stream" \
  -d '{"jsonrpc":"2.0","id":12,"method":"tools/call","params":{"name":"cpu.usage"}}'
check "only text/event-stream accepted: an SSE answer" header_has "Content-Type: text/event-stream"
check "  one message event carrying the response" bash -c 'grep -q "^event: message" "$0" && sed -n "s/^data: //p" "$0" | jq -e ".id == 12 and .result.isError == false" >/dev/null' "$BODY_FILE"
rpc '{"jsonrpc":"2.0","id":13,"method":"ping"}'
check "both accepted: JSON" header_has "Content-Type: application/json"
req POST /mcp -H "X-API-Key: $KEY" -H "Content-Type: application/json" -H "Accept: text/html" -d '{"jsonrpc":"2.0","id":14,"method":"ping"}'
expect_status "neither accepted: 406" 406

echo "== authentication and Origin"
req POST /mcp -H "Content-Type: application/json" -d "$(init 2025-11-25)"
expect_status "no key: 401" 401
check "  a JSON-RPC error with id null, and a Bearer challenge" bash -c 'jq -e ".jsonrpc == \"2.0\" and .id == null and .error.code == -32000" "$0" >/dev/null && grep -qi "^WWW-Authenticate: Bearer" "$1"' "$BODY_FILE" "$HEADERS"
req POST /mcp -H "Authorization: Bearer wrong-key-0123456789" -H "Content-Type: application/json" -d "$(init 2025-11-25)"
expect_status "a wrong key: 401" 401
rpc "$(init 2025-11-25)" -H "Origin: https://evil.example"
expect_status "a foreign Origin: 403" 403
check "  a JSON-RPC error" rpc_error -32000
expect_eq "  and nothing audited for it" "$(grep -c 'evil' "$AUDIT")" 0
rpc "$(init 2025-11-25)" -H "Origin: http://${URL#https://}"
expect_status "the server's host over http: 403" 403
rpc "$(init 2025-11-25)" -H "Origin: $URL"
expect_status "the server's own origin: 200" 200
req POST /mcp -H "Origin: https://evil.example" -H "Content-Type: application/json" -d "$(init 2025-11-25)"
expect_status "a foreign Origin without a key: 403 before the key is checked" 403
req GET /mcp -H "Authorization: Bearer $KEY" -H "Accept: text/event-stream"
expect_status "GET /mcp (no server stream): 405" 405
check "  Allow: POST" header_has "Allow: POST"
req DELETE /mcp -H "Authorization: Bearer $KEY"
expect_status "DELETE /mcp (no sessions): 405" 405

echo "== hostile messages"
rpc '{"jsonrpc":"2.0","id":1,'
expect_status "bad JSON: 400" 400
check "  parse error -32700, id null" bash -c 'jq -e ".error.code == -32700 and .id == null" "$0" >/dev/null' "$BODY_FILE"
rpc '[{"jsonrpc":"2.0","id":1,"method":"ping"}]'
expect_status "a batch: 400" 400
check "  invalid request" rpc_error -32600
rpc '{"id":1,"method":"ping"}'
expect_status "no jsonrpc member: 400" 400
rpc '{"jsonrpc":"1.0","id":1,"method":"ping"}'
expect_status "jsonrpc 1.0: 400" 400
rpc '{"jsonrpc":"2.0","id":{"x":1},"method":"ping"}'
expect_status "an object as id: 400" 400
rpc '{"jsonrpc":"2.0","id":1,"method":42}'
expect_status "a numeric method: 400" 400
rpc '{"jsonrpc":"2.0","id":1,"method":"tools/list","params":"all"}'
expect_jq "params not an object: -32602" '.error.code == -32602'
rpc '{"jsonrpc":"2.0","id":1,"result":{}}'
expect_status "a client's response: 202" 202
req POST /mcp -H "Authorization: Bearer $KEY" -H "Content-Type: text/plain" -d '{"jsonrpc":"2.0","id":1,"method":"ping"}'
expect_status "not application/json: 415" 415
printf '{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"\xff"}}' >"$WORK/bad-utf8.json"
rpc "@$WORK/bad-utf8.json"
expect_status "invalid UTF-8: 400" 400
head -c 70000 /dev/zero | tr '\0' 'a' | jq -Rc '{jsonrpc: "2.0", id: 1, method: "tools/call", params: {name: "disk.usage", arguments: {path: .}}}' >"$WORK/huge.json"
rpc "@$WORK/huge.json"
expect_status "a body over server.max_body_bytes: 413" 413
rpc "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"disk.usage\",\"arguments\":{\"path\":\"$(head -c 5000 /dev/zero | tr '\0' 'a')\"}}}"
expect_jq "a path over the schema's maxLength: an isError result" '.result.isError == true'

echo "== the MCP TypeScript SDK client"
if ha_protocol_clients "$SOURCE"; then
  (cd "$CLIENTS" && NODE_EXTRA_CA_CERTS=$CACERT timeout 120 node mcp-client.mjs "$URL" "$KEY" "$WORK/client.json") \
    >"$WORK/client.log" 2>&1
  check "the client ran through" [ -s "$WORK/client.json" ] || cat "$WORK/client.log"
  C=$WORK/client.json
  expect_jq "connected with 2025-11-25, stateless" '.protocolVersion == "2025-11-25" and .sessionId == null and .serverVersion.name == "homelab-assistant"' "$C"
  expect_jq "no transport errors (the 405 for GET is taken as no server stream)" '.transportErrors == []' "$C"
  expect_jq "ping" '.ping == {}' "$C"
  expect_jq "listTools: cpu.usage and disk.usage" '[.tools[].name] | sort == ["cpu.usage", "disk.usage"]' "$C"
  expect_jq "  annotations read-only, not destructive, idempotent, closed world" 'all(.tools[]; .annotations.readOnlyHint == true and .annotations.destructiveHint == false and .annotations.idempotentHint == true and .annotations.openWorldHint == false and (.title | length) > 0)' "$C"
  expect_jq "each tool called: text content and structuredContent" '(.calls | length) == 2 and all(.calls[]; .isError == false and .content[0].type == "text" and (.structuredContent | type) == "object")' "$C"
  expect_jq "  cpu.usage reports the CPU" '.calls["cpu.usage"].structuredContent | tostring | test("cpu|core|load"; "i")' "$C"
  expect_jq "bad arguments: an isError result" '.badArguments.isError == true' "$C"
  expect_jq "an unknown tool: McpError -32602" '.unknownTool.raised == true and .unknownTool.code == -32602' "$C"
  expect_jq "an undeclared capability (resources) refused" '.unknownMethod.raised == true' "$C"
  expect_jq "a wrong key: connect fails with 401" '.wrongKey.raised == true and .wrongKey.code == 401 and (.wrongKey.message | test("invalid API key"))' "$C"
  expect_jq "the client's calls audited as mcp" \
    '[inputs | select(.type == "mcp" and .method == "tools/call" and .protocol_version == "2025-11-25" and .outcome == "ok")] | length >= 3' <(echo null; cat "$AUDIT")
else
  check "the MCP SDK could be installed" false
fi

expect_jq "every audit line is whole JSON of type mcp with a request id" '[inputs] | all(.type == "mcp" and (.request_id | length) == 16)' <(echo null; cat "$AUDIT")
req GET /health
expect_jq "the server is healthy" '.status == "healthy"'
check "the server stops cleanly" ha_stop "$PID"
finish
