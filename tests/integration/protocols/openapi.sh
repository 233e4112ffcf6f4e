#!/bin/bash
# GET /openapi.json: served without a key, an OpenAPI 3.1 document that a validator nobody here
# wrote accepts; every route the router knows is in it and every path in it is routed; and the
# server's real responses (recorded here) match the document's schemas. The checker is shown
# to fail on a broken document and on a response that does not match.
# usage: openapi.sh BINARY PLUGIN_DIR SOURCE_DIR
set -uo pipefail
HA_BINARY=$1 PLUGINS=$2 SOURCE=$3
. "$(dirname "$0")/../lib.sh"
. "$SOURCE/tests/protocols/install-clients.sh"
KEY=oa$(openssl rand -hex 16)
AUTH=(-H "X-API-Key: $KEY")
ha_plugin_dir plugins "$PLUGINS"/tool-cpu.so "$PLUGINS"/tool-memory.so "$PLUGINS"/tool-disk.so
ha_start openapi "plugins:
  directory: $PLUGIN_DIR" API_KEY="$KEY" LLM_PROVIDER=offline RATE_LIMIT_REQUESTS=1000 || exit 1
ha_protocol_clients "$SOURCE" || exit 1
SAMPLES=$WORK/samples
mkdir -p "$SAMPLES"
keep() { cp "$BODY_FILE" "$SAMPLES/$1.json"; }  # keep SCHEMA[.variant]: the last body as a sample

echo "== the document"
req GET /openapi.json
expect_status "GET /openapi.json without a key: 200" 200
check "  as JSON" header_has "Content-Type: application/json"
cp "$BODY_FILE" "$WORK/openapi.json"
expect_jq "OpenAPI 3.1.0" '.openapi == "3.1.0"'
version=$(jq -r .info.version "$WORK/openapi.json")
req GET /health
expect_jq "info.version is the server's version ($version)" ".version == \"$version\""
req POST /openapi.json
expect_status "POST /openapi.json: 405" 405
check "  as JSON" is_error_json

echo "== every route is documented, every documented path is routed"
routes=$(grep -oE '(only|routed)\("(/[^"]*|web page)"' "$SOURCE/host/src/http/RequestRouter.cpp" |
         sed -E 's/^(only|routed)\("//; s/"$//; s#^web page$#/#' | sort -u)
paths=$(jq -r '.paths | keys[]' "$WORK/openapi.json" | sort -u)
check "the router's $(echo "$routes" | wc -l) route patterns are the document's paths" [ "$routes" = "$paths" ]
[ "$routes" = "$paths" ] && true || diff <(echo "$routes") <(echo "$paths") | sed 's/^/       /'
check "each documented operation declares its security" \
  quiet_jq '[.paths[][] | has("security")] | all' "$WORK/openapi.json"

echo "== real responses, recorded"
req GET /health && keep Health
req POST /chat "${AUTH[@]}" -d '{"message":"How much disk space is left?"}' && keep ChatResponse.answer
req POST /chat "${AUTH[@]}" -d '{"message":"restart nginx"}' && keep ChatResponse.refusal
req POST /chat "${AUTH[@]}" -d '{"message":' && keep Error.bad-json
expect_status "  (bad JSON: 400)" 400
req POST /chat -d '{"message":"hi"}' && keep Error.no-key
req GET /v1/status "${AUTH[@]}" && keep StatusReport
req GET /v1/tools "${AUTH[@]}" && keep CapabilityList
req POST /v1/tools/disk.usage "${AUTH[@]}" -d '{"path":"/"}' && keep CapabilityResult
req POST /v1/tools/no.such "${AUTH[@]}" && keep CapabilityError
req GET /v1/models -H "Authorization: Bearer $KEY" && keep ModelList
req GET /v1/models/homelab-assistant -H "Authorization: Bearer $KEY" && keep Model
req GET /v1/models/gpt-4o -H "Authorization: Bearer $KEY" && keep OpenAiError.not-found
req POST /v1/chat/completions -H "Authorization: Bearer $KEY" -H "Content-Type: application/json" \
  -d '{"model":"homelab-assistant","messages":[{"role":"user","content":"How much memory is used?"}]}' && keep ChatCompletion
mcp=(-H "Authorization: Bearer $KEY" -H "Content-Type: application/json" -H "Accept: application/json, text/event-stream")
req POST /mcp "${mcp[@]}" -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}' && keep JsonRpcResponse.initialize
req POST /mcp "${mcp[@]}" -H "MCP-Protocol-Version: 2025-11-25" -d '{"jsonrpc":"2.0","id":2,"method":"tools/list"}' && keep JsonRpcResponse.tools-list
req POST /mcp "${mcp[@]}" -d '{"jsonrpc":' && keep JsonRpcResponse.parse-error
check "$(ls "$SAMPLES" | wc -l) responses recorded" [ "$(ls "$SAMPLES" | wc -l)" -eq 16 ]

echo "== checked with @seriousme/openapi-schema-validator $(jq -r .version "$CLIENTS/node_modules/@seriousme/openapi-schema-validator/package.json") and Ajv (JSON Schema 2020-12)"
(cd "$CLIENTS" && node openapi-check.mjs "$WORK/openapi.json" "$SAMPLES") >"$WORK/check.out" 2>&1
rc=$?
cat "$WORK/check.out"
check "the document and every response pass" [ "$rc" = 0 ]

echo "== the checker can fail"
jq 'del(.info)' "$WORK/openapi.json" >"$WORK/broken.json"
mkdir -p "$WORK/wrong" && echo '{"status":"sick","service":"homelab-assistant"}' >"$WORK/wrong/Health.json"
(cd "$CLIENTS" && node openapi-check.mjs "$WORK/broken.json" "$WORK/wrong") >"$WORK/check-broken.out" 2>&1
check "a document without info fails" grep -q "FAIL the document is valid" "$WORK/check-broken.out"
check "a response that does not match its schema fails" grep -q "FAIL Health.json" "$WORK/check-broken.out"

check "SIGTERM: clean exit" ha_stop "$PID"
finish
