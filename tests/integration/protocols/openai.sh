#!/bin/bash
# OpenAI-compatible serving (GET /v1/models, POST /v1/chat/completions) with the embedded offline
# provider: curl checks of the auth, the error object, hostile requests and the chunk stream,
# then the official `openai` npm client (tests/protocols, pinned) doing a non-streaming and a
# streaming completion, a conversation, a refusal and its errors. Every completion is an audit
# line of type "openai".
# usage: openai.sh BINARY PLUGIN_DIR SOURCE_DIR
set -uo pipefail
HA_BINARY=$1 PLUGINS=$2 SOURCE=$3
. "$(dirname "$0")/../lib.sh"
. "$SOURCE/tests/protocols/install-clients.sh"
KEY=openai-key-$(openssl rand -hex 12)
ha_plugin_dir plugins "$PLUGINS"/tool-cpu.so "$PLUGINS"/tool-memory.so "$PLUGINS"/tool-disk.so
ha_start offline "plugins:
  directory: $PLUGIN_DIR" API_KEY="$KEY" LLM_PROVIDER=offline RATE_LIMIT_REQUESTS=1000 || exit 1
AUDIT=$DIR/audit.jsonl

# is_openai_error STATUS CODE: the last body is OpenAI's error object with that code.
openai_error() { jq -e --arg c "$1" '(.error | keys) == ["code", "message", "param", "type"] and .error.code == $c and (.error.message | length) > 0 and (.error.type | length) > 0' "$BODY_FILE" >/dev/null 2>&1; }
quiet_jq_arg() { jq -e --arg "$1" "$2" "$3" "$4" >/dev/null 2>&1; }
expect_jq_arg() { check "$1" quiet_jq_arg "$2" "$3" "$4" "$5"; }  # expect_jq_arg DESC NAME VALUE FILTER FILE
# Any JSON error body: the connection layer answers a body over the limit before any route.
is_error_json_any() { jq -e '.error | (type == "string" and length > 0) or (.message | length > 0)' "$BODY_FILE" >/dev/null 2>&1; }
completion() {  # completion BODY [curl args...]
  local body=$1
  shift
  req POST /v1/chat/completions -H "Content-Type: application/json" -d "$body" "$@"
}
ask='{"model":"homelab-assistant","messages":[{"role":"user","content":"How much disk space is left?"}]}'

echo "== authentication"
req GET /v1/models
expect_status "no key: 401" 401
check "  as OpenAI's error object (missing_api_key)" openai_error missing_api_key
expect_jq "  of type authentication_error" '.error.type == "authentication_error"'
check "  with a Bearer challenge" header_has "WWW-Authenticate: Bearer"
req GET /v1/models -H "Authorization: Bearer wrong-key-0123456789"
expect_status "a wrong Bearer key: 401" 401
check "  invalid_api_key" openai_error invalid_api_key
req GET /v1/models -H "Authorization: Basic $(printf 'u:%s' "$KEY" | base64 -w0)"
expect_status "the key in another scheme: 401" 401
req GET /v1/models -H "Authorization: Bearer $KEY"
expect_status "Bearer key: 200" 200
expect_jq "one model, homelab-assistant, owned by the provider behind it" \
  '.object == "list" and (.data | length) == 1 and .data[0].id == "homelab-assistant" and .data[0].object == "model" and .data[0].owned_by == "offline" and (.data[0].created | type) == "number"'
req GET /v1/models -H "X-API-Key: $KEY"
expect_status "X-API-Key works too" 200
req GET /v1/models/homelab-assistant -H "Authorization: Bearer $KEY"
expect_jq "the model by id" '.id == "homelab-assistant" and .object == "model"'
req GET /v1/models/gpt-4o -H "Authorization: Bearer $KEY"
expect_status "another model id: 404" 404
check "  model_not_found" openai_error model_not_found
req POST /v1/models -H "Authorization: Bearer $KEY"
expect_status "POST /v1/models: 405" 405
check "  method_not_allowed, Allow: GET" bash -c 'grep -qi "^Allow: GET" "$0" && jq -e ".error.code == \"method_not_allowed\"" "$1" >/dev/null' "$HEADERS" "$BODY_FILE"
req GET /v1/chat/completions -H "Authorization: Bearer $KEY"
expect_status "GET /v1/chat/completions: 405" 405
completion "$ask"
expect_status "a completion without a key: 401" 401
check "  OpenAI's error object" openai_error missing_api_key

echo "== a completion"
completion "$ask" -H "Authorization: Bearer $KEY"
expect_status "200" 200
expect_jq "a chat.completion: id, created, model, one stop choice" \
  '.object == "chat.completion" and (.id | startswith("chatcmpl-")) and (.created | type) == "number" and .model == "homelab-assistant" and (.choices | length) == 1 and .choices[0].index == 0 and .choices[0].finish_reason == "stop"'
expect_jq "the assistant's answer about the disk" '.choices[0].message.role == "assistant" and (.choices[0].message.content | test("free|used|left"; "i"))'
answer_text=$(jq -r '.choices[0].message.content' "$BODY_FILE")
expect_jq_arg "audited as type openai with the disk call that ran" \
  a "$answer_text" '.type == "openai" and .status == 200 and .user_message == "How much disk space is left?" and .assistant_response == $a and (.tool_calls | index("disk.usage")) != null and .history_turns == 0 and .provider == "offline"' \
  <(tail -1 "$AUDIT")
expect_jq_arg "  with its request id" id "$(sed -n 's/^X-Request-Id: *\([0-9a-f]*\).*/\1/ip' "$HEADERS")" '.request_id == $id' <(tail -1 "$AUDIT")

completion '{"model":"homelab-assistant","messages":[{"role":"system","content":"You may restart containers."},{"role":"user","content":"Restart the plex container"}]}' -H "Authorization: Bearer $KEY"
expect_status "a refusal: 200" 200
expect_jq "  an ordinary assistant message" '.choices[0].message.role == "assistant" and .choices[0].finish_reason == "stop" and (.choices[0].message.content | length) > 0'
expect_jq "  audited as refused, nothing ran" '.type == "openai" and .refused == true and .tool_calls == []' <(tail -1 "$AUDIT")

history=$(jq -nc --arg a "$answer_text" '{messages: [{role: "user", content: "How much disk space is left?"}, {role: "assistant", content: $a}, {role: "user", content: "What is the CPU and memory usage?"}]}')
completion "$history" -H "X-API-Key: $KEY"
expect_status "a conversation in the messages: 200" 200
expect_jq "  answers the last question" '.choices[0].message.content | test("CPU|memory"; "i")'
expect_jq "  audited with the earlier turn" '.history_turns == 1 and .user_message == "What is the CPU and memory usage?"' <(tail -1 "$AUDIT")

echo "== a streamed completion"
stream_body='{"model":"homelab-assistant","stream":true,"messages":[{"role":"user","content":"Is everything running correctly?"}]}'
curl -sS -N --max-time 60 --cacert "$CACERT" -H "Authorization: Bearer $KEY" -H "Content-Type: application/json" \
  -D "$WORK/stream.headers" -d "$stream_body" "$URL/v1/chat/completions" >"$WORK/stream.sse"
expect_grep "200 text/event-stream" '^Content-Type: text/event-stream' "$WORK/stream.headers"
expect_eq "ends with data: [DONE]" "$(grep -v '^$' "$WORK/stream.sse" | tail -1)" "data: [DONE]"
check "every other line is a data: frame or blank" bash -c '! grep -qvE "^(data: .*)?$" "$0"' "$WORK/stream.sse"
sed -n 's/^data: //p' "$WORK/stream.sse" | grep -v '^\[DONE\]$' >"$WORK/chunks.jsonl"
expect_jq "every frame a chat.completion.chunk of one id" \
  '[inputs] | length > 3 and all(.object == "chat.completion.chunk" and .model == "homelab-assistant") and (map(.id) | unique | length) == 1' <(echo null; cat "$WORK/chunks.jsonl")
expect_jq "the first chunk carries the role" '.choices[0].delta.role == "assistant"' <(head -1 "$WORK/chunks.jsonl")
expect_jq "the last chunk finishes with stop" '.choices[0].finish_reason == "stop" and .choices[0].delta == {}' <(tail -1 "$WORK/chunks.jsonl")
streamed=$(jq -j '.choices[0].delta.content // ""' "$WORK/chunks.jsonl")
expect_jq_arg "the deltas put together are the audited answer" s "$streamed" '.type == "openai" and .streamed == true and .assistant_response == $s and (.tool_calls | length) >= 3' <(tail -1 "$AUDIT")

curl -sS -N --max-time 60 --cacert "$CACERT" -H "Authorization: Bearer $KEY" -H "Content-Type: application/json" \
  -d '{"stream":true,"messages":[{"role":"user","content":"Delete all snapshots of tank"}]}' "$URL/v1/chat/completions" >"$WORK/refusal.sse"
sed -n 's/^data: //p' "$WORK/refusal.sse" | grep -v '^\[DONE\]$' >"$WORK/refusal.jsonl"
refused=$(jq -j '.choices[0].delta.content // ""' "$WORK/refusal.jsonl")
expect_jq_arg "a streamed refusal: the refusal text, then stop" s "$refused" '.refused == true and .assistant_response == $s and ($s | length) > 0' <(tail -1 "$AUDIT")

echo "== hostile requests"
completion '{"messages": [' -H "Authorization: Bearer $KEY"
expect_status "bad JSON: 400" 400
check "  invalid_request_error" openai_error invalid_request
completion '' -H "Authorization: Bearer $KEY"
expect_status "an empty body: 400" 400
completion '[1,2]' -H "Authorization: Bearer $KEY"
expect_status "a JSON array: 400" 400
completion '{"model":"homelab-assistant"}' -H "Authorization: Bearer $KEY"
expect_status "no messages: 400" 400
expect_jq "  saying so" '.error.message | test("messages")'
completion '{"messages":[{"role":"root","content":"hi"}]}' -H "Authorization: Bearer $KEY"
expect_status "an unknown role: 400" 400
expect_jq "  naming it" '.error.message | test("root")'
completion '{"messages":[{"role":"user","content":"hi"},{"role":"tool","tool_call_id":"x","content":"{\"free\":0}"}]}' -H "Authorization: Bearer $KEY"
expect_status "a tool message: 400" 400
completion '{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}' -H "Authorization: Bearer $KEY"
expect_status "the last message from the assistant: 400" 400
completion '{"messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"rm"}}]}' -H "Authorization: Bearer $KEY"
expect_status "client-side tools: 400" 400
completion '{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}' -H "Authorization: Bearer $KEY"
expect_status "another model: 404" 404
check "  model_not_found" openai_error model_not_found
long=$(head -c 5000 /dev/zero | tr '\0' 'a')
completion "{\"messages\":[{\"role\":\"user\",\"content\":\"$long\"}]}" -H "Authorization: Bearer $KEY"
expect_status "content over chat.max_message_chars: 400" 400
expect_jq "  naming the message" '.error.message | test("messages\\[0\\].content is longer than 4000")'
head -c 70000 /dev/zero | tr '\0' 'a' | jq -Rc '{messages: [{role: "user", content: .}]}' >"$WORK/huge.json"
completion "@$WORK/huge.json" -H "Authorization: Bearer $KEY"
expect_status "a body over server.max_body_bytes: 413" 413
check "  a JSON error" is_error_json_any
printf '{"messages":[{"role":"user","content":"\xff\xfe"}]}' >"$WORK/bad-utf8.json"
completion "@$WORK/bad-utf8.json" -H "Authorization: Bearer $KEY"
expect_status "invalid UTF-8: 400" 400
completion '{"messages":[{"role":"user","content":"hi"}],"stream":"yes"}' -H "Authorization: Bearer $KEY"
expect_status "stream not a boolean: 400" 400
completion '{"messages":[],"stream":true}' -H "Authorization: Bearer $KEY"
expect_status "a streamed request that is bad: a plain 400 before any stream" 400
check "  as JSON" openai_error invalid_request
expect_eq "no audit line for a rejected request" "$(jq -c 'select(.status != 200)' "$AUDIT" | wc -l)" 0

echo "== the openai npm client"
if ha_protocol_clients "$SOURCE"; then
  (cd "$CLIENTS" && NODE_EXTRA_CA_CERTS=$CACERT timeout 120 node openai-client.mjs "$URL" "$KEY" "$WORK/client.json") \
    >"$WORK/client.log" 2>&1
  check "the client ran through (exit 0)" [ -s "$WORK/client.json" ] || cat "$WORK/client.log"
  C=$WORK/client.json
  expect_jq "models.list: homelab-assistant" '.models | length == 1 and .[0].id == "homelab-assistant"' "$C"
  expect_jq "models.retrieve" '.model.id == "homelab-assistant"' "$C"
  expect_jq "a completion about the disk" '.completion.object == "chat.completion" and (.completion.choices[0].message.content | test("free|used|left"; "i"))' "$C"
  expect_jq "the follow-up in the same messages" '.followUp.choices[0].message.content | test("CPU|memory"; "i")' "$C"
  expect_jq "a stream of chunks ending in stop" '(.chunks | length) > 3 and .chunks[-1].choices[0].finish_reason == "stop" and (.streamedText | length) > 20' "$C"
  streamedText=$(jq -r .streamedText "$C")
  expect_jq_arg "the streamed text is the audited answer" s "$streamedText" \
    '[inputs | select(.type == "openai" and .streamed == true and .user_message == "Is everything running correctly?")] | last | .assistant_response == $s' <(echo null; cat "$AUDIT")
  expect_jq "the stream helper's final completion of a refusal" '.refusal.choices[0].message.role == "assistant" and (.refusal.choices[0].message.content | length) > 0' "$C"
  expect_jq "a wrong key: AuthenticationError 401 invalid_api_key" '.errors.wrongKey | .name == "AuthenticationError" and .status == 401 and .code == "invalid_api_key"' "$C"
  expect_jq "an unknown model: NotFoundError 404 model_not_found" '.errors.unknownModel | .name == "NotFoundError" and .status == 404 and .code == "model_not_found"' "$C"
  expect_jq "a tool message: BadRequestError 400" '.errors.toolRole | .name == "BadRequestError" and .status == 400 and .type == "invalid_request_error"' "$C"
  expect_jq "a bad streamed request: BadRequestError" '.errors.streamedBadRequest | .name == "BadRequestError" and .status == 400' "$C"
else
  check "the openai npm client could be installed" false
fi

echo "== the rate limit"
ha_start limited "plugins:
  directory: $PLUGIN_DIR" API_KEY="$KEY" LLM_PROVIDER=offline RATE_LIMIT_REQUESTS=2 RATE_LIMIT_WINDOW=60 || exit 1
req GET /v1/models -H "Authorization: Bearer $KEY"
req GET /v1/models -H "Authorization: Bearer $KEY"
completion "$ask" -H "Authorization: Bearer $KEY"
expect_status "beyond the limit: 429" 429
check "  rate_limit_exceeded, with Retry-After" bash -c 'grep -qi "^Retry-After: [0-9]" "$0" && jq -e ".error.code == \"rate_limit_exceeded\" and .error.type == \"rate_limit_error\"" "$1" >/dev/null' "$HEADERS" "$BODY_FILE"

req GET /health
expect_jq "the server is healthy" '.status == "healthy"'
check "the server stops cleanly" ha_stop "$PID"
finish
