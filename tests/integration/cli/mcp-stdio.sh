#!/bin/bash
# `homelab-assistant mcp`, the MCP stdio transport, relaying to the real server's /mcp (cpu,
# memory and disk plugins, a policy that denies memory.*): the official MCP TypeScript SDK's
# StdioClientTransport starts it as Claude Desktop would and connects, lists and calls tools;
# then plain shell feeds it hostile lines (not JSON, a batch, a body over the server's limit)
# and checks that stdout is strictly one JSON-RPC answer per request, that notifications get
# none, that a wrong key or a server that is down are JSON-RPC errors with the request's id, and
# that it exits 0 at the end of input. The calls are audited by the server as type "mcp".
# usage: mcp-stdio.sh BINARY PLUGIN_DIR SOURCE_DIR
set -uo pipefail
HA_BINARY=$1 PLUGINS=$2 SOURCE=$3
. "$(dirname "$0")/../lib.sh"
. "$SOURCE/tests/protocols/install-clients.sh"
KEY=mcp-stdio-key-$(openssl rand -hex 12)
ha_plugin_dir plugins "$PLUGINS"/tool-cpu.so "$PLUGINS"/tool-memory.so "$PLUGINS"/tool-disk.so
mkdir -p "$WORK/stdio" && printf 'allow: ["cpu.*", "disk.*"]\n' >"$WORK/stdio/policy.yaml"
ha_start stdio "plugins:
  directory: $PLUGIN_DIR" API_KEY="$KEY" LLM_PROVIDER=offline RATE_LIMIT_REQUESTS=1000 || exit 1
AUDIT=$DIR/audit.jsonl
(umask 077 && printf 'API_KEY=%s\n' "$KEY" >"$WORK/key.env")
MCP_ARGS=(mcp --url "$URL" --ca "$CACERT" --key-file "$WORK/key.env")

# bridge INPUT_FILE [args...]: runs `homelab-assistant mcp` with that stdin; RC, $OUT, $ERR.
OUT=$WORK/bridge.out ERR=$WORK/bridge.err
bridge() {
  local input=$1
  shift
  RC=0
  env -i PATH="$PATH" timeout 60 "$HA_BINARY" "$@" <"$input" >"$OUT" 2>"$ERR" || RC=$?
  cat "$OUT" "$ERR" >>"$WORK/all-output"
}
line() { sed -n "${1}p" "$OUT"; }
line_is() { line "$1" | jq -e "$2" >/dev/null 2>&1; }
expect_line() { check "$1" line_is "$2" "$3"; }  # expect_line DESC N FILTER
init='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"sh","version":"1"}}}'

echo "== the MCP TypeScript SDK client over stdio"
if ha_protocol_clients "$SOURCE"; then
  (cd "$CLIENTS" && timeout 120 node mcp-stdio-client.mjs "$WORK/client.json" "$HA_BINARY" "${MCP_ARGS[@]}") \
    >"$WORK/client.log" 2>&1
  check "the client ran through" [ -s "$WORK/client.json" ] || cat "$WORK/client.log"
  C=$WORK/client.json
  expect_jq "connected: the server's name and the tools capability" '.serverVersion.name == "homelab-assistant" and .serverCapabilities.tools != null and (.instructions | length) > 0' "$C"
  expect_jq "no transport errors" '.transportErrors == []' "$C"
  expect_jq "ping" '.ping == {}' "$C"
  expect_jq "listTools: what the policy allows (cpu, disk; not memory)" '[.tools[].name] | sort == ["cpu.usage", "disk.usage"]' "$C"
  expect_jq "  read-only annotations" 'all(.tools[]; .annotations.readOnlyHint == true and .annotations.destructiveHint == false)' "$C"
  expect_jq "disk.usage called: text content and structuredContent" '.call.isError == false and .call.content[0].type == "text" and (.call.structuredContent | type) == "object"' "$C"
  expect_jq "memory.usage (denied by the policy): McpError -32602" '.denied.raised == true and .denied.code == -32602 and (.denied.message | test("not offered"))' "$C"
  expect_jq "an unknown tool: McpError -32602" '.unknownTool.raised == true and .unknownTool.code == -32602' "$C"
  expect_jq "bad arguments: an isError result" '.badArguments.isError == true' "$C"
  expect_jq "an undeclared capability (resources): refused" '.unknownMethod.raised == true and .unknownMethod.code == -32601' "$C"
  expect_jq "diagnostics on stderr only" '.stderr | test("relaying stdin to https://127.0.0.1:[0-9]+/mcp")' "$C"
  expect_jq "the client's call audited by the server, with the negotiated version" \
    '[inputs | select(.type == "mcp" and .method == "tools/call" and .tool_call.name == "disk.usage" and .outcome == "ok" and .protocol_version == "2025-11-25")] | length >= 1' <(echo null; cat "$AUDIT")
  expect_jq "  and the denied one as denied" '[inputs | select(.type == "mcp" and .tool_call.name == "memory.usage" and .tool_call.decision == "denied")] | length == 1' <(echo null; cat "$AUDIT")
  jq -r .stderr "$C" >>"$WORK/all-output"
else
  check "the MCP SDK could be installed" false
fi

echo "== plain lines, hostile ones among them"
{
  echo "$init"
  echo 'this is not JSON'
  echo '{"jsonrpc":"2.0","method":"notifications/initialized"}'
  printf '%s\r\n' '{"jsonrpc":"2.0","id":2,"method":"tools/list"}'
  echo ''
  echo '[{"jsonrpc":"2.0","id":3,"method":"ping"}]'
  echo '{"jsonrpc":"2.0","id":"four","method":"tools/call","params":{"name":"memory.usage","arguments":{}}}'
  echo '{"jsonrpc":"2.0","id":1,'
  head -c 70000 /dev/zero | tr '\0' 'a' | jq -Rc '{jsonrpc: "2.0", id: 5, method: "tools/call", params: {name: "disk.usage", arguments: {path: .}}}'
  echo '{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"cpu.usage","arguments":{}}}'
  printf '%s' '{"jsonrpc":"2.0","id":7,"method":"ping"}'
} >"$WORK/hostile.in"
bridge "$WORK/hostile.in" "${MCP_ARGS[@]}"
expect_eq "end of input: exit 0" "$RC" 0
expect_eq "one line per request and per bad line, none for the notification or the blank line" "$(wc -l <"$OUT")" 9
check "every stdout line is one JSON-RPC 2.0 message" bash -c 'jq -e -s "length == 9 and all(.jsonrpc == \"2.0\")" "$0" >/dev/null' "$OUT"
expect_line "initialize: the server's answer" 1 '.id == 1 and .result.protocolVersion == "2025-11-25"'
expect_line "not JSON: a parse error, id null, and it keeps going" 2 '.id == null and .error.code == -32700'
expect_line "tools/list (a CRLF line end): the allowed tools" 3 '.id == 2 and ([.result.tools[].name] | sort) == ["cpu.usage", "disk.usage"]'
expect_line "a batch: the server's invalid request" 4 '.id == null and .error.code == -32600'
expect_line "a denied capability: -32602 with the request's id" 5 '.id == "four" and .error.code == -32602'
expect_line "truncated JSON: a parse error" 6 '.id == null and .error.code == -32700'
expect_line "a message over the server's body limit: an error with its id, the 413 in its words" 7 '.id == 5 and .error.code == -32000 and (.error.message | test("413"))'
expect_line "cpu.usage after all that: answered" 8 '.id == 6 and .result.isError == false'
expect_line "the last line, without its newline, is answered too" 9 '.id == 7 and .result == {}'
expect_jq "tools/list was sent with the negotiated MCP-Protocol-Version" \
  '[inputs | select(.type == "mcp" and .method == "tools/list" and .protocol_version == "2025-11-25")] | length >= 1' <(echo null; cat "$AUDIT")

echo "== a wrong key, a server that is down"
printf 'API_KEY=wrong-key-0123456789abcdef\n' >"$WORK/wrong.env"
printf '%s\n%s\n' "$init" '{"jsonrpc":"2.0","method":"notifications/initialized"}' >"$WORK/init.in"
bridge "$WORK/init.in" mcp --url "$URL" --ca "$CACERT" --key-file "$WORK/wrong.env"
expect_eq "a wrong key: exit 0 at the end of input" "$RC" 0
expect_eq "  one line, for the request" "$(wc -l <"$OUT")" 1
expect_line "  the server's 401 as a JSON-RPC error carrying the request's id" 1 '.id == 1 and .error.code == -32000 and (.error.message | test("API key"))'
ha_make_cert "$WORK/down"
socat -d -d TCP-LISTEN:0,bind=127.0.0.1 /dev/null 2>"$WORK/socat.log" &
holder=$!
for i in $(seq 1 50); do grep -q 'listening on' "$WORK/socat.log" && break; sleep 0.1; done
closed_port=$(sed -n 's/.*listening on AF=2 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/socat.log" | head -1)
kill "$holder"; wait "$holder" 2>/dev/null
bridge "$WORK/init.in" mcp --url "https://127.0.0.1:$closed_port" --ca "$CACERT" --key-file "$WORK/key.env"
expect_eq "the server down: exit 0 at the end of input, no crash" "$RC" 0
expect_eq "  one line, for the request (none for the notification)" "$(wc -l <"$OUT")" 1
expect_line "  a JSON-RPC error with the request's id saying the server is unavailable" 1 \
  '.id == 1 and .error.code == -32000 and (.error.message | test("unavailable: cannot connect"))'
expect_grep "  and a line on stderr" 'initialize: cannot connect' "$ERR"
bridge /dev/null "${MCP_ARGS[@]}"
expect_eq "empty input: exit 0, nothing on stdout" "$RC:$(wc -c <"$OUT")" "0:0"
bridge /dev/null mcp --url "$URL" --ca "$CACERT" --key-file "$WORK/missing.env"
expect_eq "no key: a usage error (1)" "$RC" 1

check "the key never shows in any output" not_in_file "$KEY" "$WORK/all-output" "$WORK/client.log"
check "nor in the audit log" not_in_file "$KEY" "$AUDIT"
req GET /health
expect_jq "the server is healthy" '.status == "healthy"'
check "the server stops cleanly" ha_stop "$PID"
finish
