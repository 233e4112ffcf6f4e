#!/bin/bash
# The groq and openai provider plugins and the tool-calling loop, through the real HTTPS /chat,
# against a local OpenAI-compatible fake server (127.0.0.1) that replays recorded Groq, OpenAI
# and llama.cpp response shapes and records what it was sent.
# usage: test-llm-providers.sh BINARY PLUGIN_DIR FIXTURE_PLUGIN_DIR FAKE_SERVER RESPONSES_DIR
set -uo pipefail
HA_BINARY=$1
PLUGINS=$2
FIXTURES=$3
FAKE=$4
RESP=$5
. "$(dirname "$0")/lib.sh"

KEY=llm-key-$(openssl rand -hex 12)
GROQ_KEY=gsk_test$(openssl rand -hex 20)
OPENAI_KEY=sk-test-$(openssl rand -hex 20)
AUTH=(-H "X-API-Key: $KEY")
REQS=$WORK/requests.json

mkdir -p "$WORK/plugins"
cp "$PLUGINS"/*.so "$FIXTURES/good_tools.so" "$WORK/plugins/"
chmod 755 "$WORK/plugins"

# fake_start NAME [fake args...]: starts a fake server; sets FAKE_URL, FAKE_CA.
fake_start() {
  local name=$1
  shift
  mkdir -p "$WORK/$name"
  "$FAKE" --port-file "$WORK/$name/port" "$@" >"$WORK/$name/fake.log" 2>&1 &
  HA_PIDS="${HA_PIDS:-} $!"
  local i
  for i in $(seq 1 50); do [ -s "$WORK/$name/port" ] && break; sleep 0.1; done
  FAKE_PORT=$(cat "$WORK/$name/port")
}
script() {  # script JSON: load the fake's next responses
  curl -sf --cacert "$FAKE_CA" -d "$1" "$FAKE_URL/__control/script" -o /dev/null || echo "cannot load script"
}
recorded() { curl -sf --cacert "$FAKE_CA" "$FAKE_URL/__control/requests" -o "$REQS"; }
step() { printf '{"status":%s,"body_file":"%s/%s"%s}' "$1" "$RESP" "$2" "${3:+,$3}"; }
ask() {  # ask MESSAGE [conversation id]
  local body
  body=$(jq -nc --arg m "$1" --arg c "${2:-}" 'if $c == "" then {message: $m} else {message: $m, conversation_id: $c} end')
  req POST /chat "${AUTH[@]}" -d "$body"
}
nreq() { jq length "$REQS"; }
rq() { jq -r "$1" "$REQS"; }

ha_make_cert "$WORK/fake"
fake_start fake --tls "$WORK/fake/tls/cert.pem" "$WORK/fake/tls/key.pem" --expect-key "$GROQ_KEY"
FAKE_URL=https://127.0.0.1:$FAKE_PORT
FAKE_CA=$WORK/fake/tls/cert.pem

mkdir -p "$WORK/groq"
printf 'allow: ["cpu.*", "memory.*", "disk.*", "fixture.*"]\ndeny: ["fixture.echo"]\n' >"$WORK/groq/policy.yaml"
GROQ_CONFIG="llm:
  provider: groq
  timeout: 10
  request_timeout: 1
  max_tool_rounds: 3
  ca_file: $FAKE_CA
  groq:
    base_url: $FAKE_URL/openai/v1
plugins:
  directory: $WORK/plugins"
ha_start groq "$GROQ_CONFIG" API_KEY="$KEY" GROQ_API_KEY="$GROQ_KEY" RATE_LIMIT_REQUESTS=1000 || exit 1
GROQ_DIR=$DIR
check "the groq provider is selected" grep -q "LLM provider: groq" "$LOG"

echo "== groq: a full tool-calling round trip"
script "[$(step 200 groq_tool_call.json), $(step 200 groq_final.json)]"
ask "What is the CPU usage?"
recorded
check "answer: 200" status_is 200
check "answer: the model's final text" json_eq .message "The CPU is almost idle."
check "answer: the tool that ran" json_eq '.tool_calls_made | join(",")' cpu.usage
check "answer: provider groq" json_eq .provider groq
check "two requests to the model" [ "$(nreq)" = 2 ]
check "to /openai/v1/chat/completions" [ "$(rq '.[0].path')" = /openai/v1/chat/completions ]
check "Authorization: Bearer <GROQ_API_KEY>" [ "$(rq '[.[].auth] | unique | join(",")')" = ok ]
check "the configured model" [ "$(rq '.[0].body.model')" = llama-3.3-70b-versatile ]
check "the system prompt comes first and says read-only" bash -c 'jq -e ".[0].body.messages[0].role == \"system\" and (.[0].body.messages[0].content | test(\"read-only\"))" "$0" >/dev/null' "$REQS"
check "the user's question is the last message" [ "$(rq '.[0].body.messages[-1].content')" = "What is the CPU usage?" ]
check "tools offered as functions with JSON Schemas" bash -c 'jq -e ".[0].body.tools | map(select(.type == \"function\" and .function.parameters.type == \"object\")) | length > 0" "$0" >/dev/null' "$REQS"
check "allowed read-only tools offered" [ "$(rq '[.[0].body.tools[].function.name] | map(select(. == "cpu_usage" or . == "disk_usage" or . == "memory_usage")) | length')" = 3 ]
check "mutating, denied and not-allowed tools never offered" [ "$(rq '[.[0].body.tools[].function.name] | map(select(. == "fixture_mutate" or . == "fixture_echo" or startswith("docker_"))) | length')" = 0 ]
check "tool_choice auto" [ "$(rq '.[0].body.tool_choice')" = auto ]
check "the configured temperature (default 0.2), no streaming" [ "$(rq '.[0].body | "\(.temperature) \(.stream)"')" = "0.2 false" ]
check "the assistant tool call goes back with its id" [ "$(rq '.[1].body.messages[-2].tool_calls[0].id')" = call_groq_1 ]
check "its content is a string, not null (Groq rejects null)" [ "$(rq '.[1].body.messages[-2].content | type')" = string ]
check "the tool result is role tool with the same tool_call_id" [ "$(rq '.[1].body.messages[-1] | .role + " " + .tool_call_id')" = "tool call_groq_1" ]
check "the tool result is JSON with real data" [ "$(rq '.[1].body.messages[-1].content | fromjson | .result.cores')" = "$(nproc)" ]
check "audit: tool call with arguments, decision and duration" bash -c 'tail -1 "$0" | jq -e ".provider == \"groq\" and .tool_call_details[0].id == \"call_groq_1\" and .tool_call_details[0].decision == \"allowed\" and (.tool_call_details[0] | has(\"arguments\") and has(\"duration_ms\"))" >/dev/null' "$GROQ_DIR/audit.jsonl"

echo "== groq: history per conversation"
script "[$(step 200 groq_final.json)]"
ask "First question" "conv-history-1"
ask "Second question" "conv-history-1"
recorded
check "the second turn carries the first question and answer" bash -c 'jq -e "[.[1].body.messages[].content] | index(\"First question\") != null and index(\"The CPU is almost idle.\") != null" "$0" >/dev/null' "$REQS"
ask "Unrelated" "conv-history-2"
recorded
check "another conversation starts fresh" [ "$(rq '[.[2].body.messages[] | select(.content == "First question")] | length')" = 0 ]

echo "== groq: content missing, invalid tool arguments, forbidden tools"
script "[$(step 200 groq_no_content.json)]"
ask "Say nothing"
check "missing content: still an answer" json_eq .message "I have no answer to that."
script "[$(step 200 groq_bad_arguments.json), $(step 200 groq_final.json)]"
ask "How much disk space is left?"
recorded
check "invalid tool-call JSON: answered" status_is 200
check "invalid tool-call JSON: not executed" json_eq '.tool_calls_made | length' 0
check "invalid tool-call JSON: the model is told why" bash -c 'jq -e ".[1].body.messages[-1].content | fromjson | .ok == false and (.error | test(\"not valid JSON\"))" "$0" >/dev/null' "$REQS"
script "[$(step 200 groq_forbidden_tools.json), $(step 200 groq_final.json)]"
ask "What do you see in the logs?"
recorded
check "forbidden tools: answered" status_is 200
check "forbidden tools: none ran" json_eq '.tool_calls_made | length' 0
check "forbidden tools: three refusals sent back" [ "$(rq '[.[1].body.messages[] | select(.role == "tool") | .content | fromjson | select(.ok == false)] | length')" = 3 ]
check "forbidden tools: the mutating one never executed" bash -c '! grep -q mutated "$0"' "$REQS"
last=$(tail -1 "$GROQ_DIR/audit.jsonl")
check "audit: mutating call denied with the reason" bash -c 'jq -e ".tool_call_details[] | select(.id == \"call_mut_1\") | .decision == \"denied\" and (.reason | test(\"read-only\"))" <<<"$0" >/dev/null' "$last"
check "audit: unknown tool recorded as unknown" bash -c 'jq -e ".tool_call_details[] | select(.id == \"call_unknown_1\") | .decision == \"unknown\"" <<<"$0" >/dev/null' "$last"
check "audit: policy-denied tool with its rule" bash -c 'jq -e ".tool_call_details[] | select(.id == \"call_denied_1\") | .reason | test(\"denied by rule\")" <<<"$0" >/dev/null' "$last"

echo "== groq: errors and retries"
script "[$(step 401 groq_invalid_key.json)]"
ask "cpu?"
recorded
check "401: a 502 with a clear error" bash -c '[ "$0" = 502 ] && jq -e ".error | test(\"API key was rejected\")" "$1" >/dev/null' "$STATUS" "$BODY_FILE"
check "401: not retried" [ "$(nreq)" = 1 ]
script "[$(step 429 groq_rate_limited.json '"headers":{"retry-after":"1"}'), $(step 200 groq_final.json)]"
start=$(date +%s%N)
ask "cpu?"
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
recorded
check "429 with retry-after: answered after a retry" status_is 200
check "429: waited retry-after (${elapsed} ms)" [ "$elapsed" -ge 1000 ]
check "429: two requests" [ "$(nreq)" = 2 ]
script "[$(step 429 groq_rate_limited.json '"headers":{"retry-after":"60"}')]"
ask "cpu?"
check "429 longer than the deadline: 503 rate limited" bash -c '[ "$0" = 503 ] && jq -e ".error | test(\"rate limit\")" "$1" >/dev/null' "$STATUS" "$BODY_FILE"
script "[$(step 500 server_error.json), $(step 503 server_error.json), $(step 200 groq_final.json)]"
ask "cpu?"
recorded
check "5xx twice: answered on the third try" status_is 200
check "5xx: three requests (max_retries 2)" [ "$(nreq)" = 3 ]
script "[$(step 502 server_error.json)]"
ask "cpu?"
recorded
check "5xx always: 502" status_is 502
check "5xx always: bounded at 3 requests" [ "$(nreq)" = 3 ]
script "[$(step 400 groq_tool_use_failed.json), $(step 200 groq_final.json)]"
ask "cpu?"
recorded
check "tool_use_failed: retried once, answered" status_is 200
check "tool_use_failed: two requests" [ "$(nreq)" = 2 ]
script "[$(step 400 groq_tool_use_failed.json)]"
ask "cpu?"
recorded
check "tool_use_failed twice: an error, no third try" bash -c '[ "$0" = 502 ] && [ "$1" = 2 ]' "$STATUS" "$(nreq)"
script '[{"hang":true}]'
start=$(date +%s%N)
ask "cpu?"
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
recorded
check "hung model server: 504" status_is 504
check "hung model server: bounded retries (${elapsed} ms, $(nreq) requests)" bash -c '[ "$0" -lt 9000 ] && [ "$1" = 3 ]' "$elapsed" "$(nreq)"
check "hung model server: server still healthy" curl -sf --cacert "$CACERT" "$URL/health" -o /dev/null

echo "== groq: the tool loop is bounded"
script "[$(step 200 groq_tool_call.json)]"
ask "loop forever"
recorded
check "max_tool_rounds 3: four model calls" [ "$(nreq)" = 4 ]
check "the last call offers no tools" [ "$(rq '.[3].body | has("tools")')" = false ]
check "the answer says why it stopped" body_has "after 3 rounds"
ha_stop "$PID"

echo "== TLS verification"
mkdir -p "$WORK/wrongname/tls"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=example.invalid" \
  -addext "subjectAltName=DNS:example.invalid" -keyout "$WORK/wrongname/tls/key.pem" -out "$WORK/wrongname/tls/cert.pem" 2>/dev/null
fake_start wrongfake --tls "$WORK/wrongname/tls/cert.pem" "$WORK/wrongname/tls/key.pem"
WRONG_URL=https://127.0.0.1:$FAKE_PORT
ha_start untrusted "$(sed "s|  ca_file: .*|  ca_file: \"\"|" <<<"$GROQ_CONFIG")" API_KEY="$KEY" GROQ_API_KEY="$GROQ_KEY" || exit 1
ask "cpu?"
check "self-signed server without ca_file: refused (502)" status_is 502
check "and the error says the certificate was rejected" body_has "certificate"
ha_stop "$PID"
ha_start wronghost "$(sed -e "s|  ca_file: .*|  ca_file: $WORK/wrongname/tls/cert.pem|" -e "s|base_url: .*|base_url: $WRONG_URL/openai/v1|" <<<"$GROQ_CONFIG")" API_KEY="$KEY" GROQ_API_KEY="$GROQ_KEY" || exit 1
ask "cpu?"
check "trusted certificate for another host name: refused (502)" status_is 502
check "and the error says the certificate was rejected" body_has "certificate"
ha_stop "$PID"

echo "== openai: round trip with OpenAI shapes, quota"
FAKE_URL=https://127.0.0.1:$(cat "$WORK/fake/port")
OPENAI_CONFIG="llm:
  provider: openai
  timeout: 10
  request_timeout: 2
  ca_file: $FAKE_CA
  openai:
    base_url: $FAKE_URL/v1
plugins:
  directory: $WORK/plugins"
"$FAKE" --port-file "$WORK/fake/port2" --tls "$FAKE_CA" "$WORK/fake/tls/key.pem" --expect-key "$OPENAI_KEY" >/dev/null 2>&1 &
HA_PIDS="$HA_PIDS $!"
for i in $(seq 1 50); do [ -s "$WORK/fake/port2" ] && break; sleep 0.1; done
FAKE_URL=https://127.0.0.1:$(cat "$WORK/fake/port2")
cp "$WORK/groq/policy.yaml" "$WORK/openai-policy.yaml"
mkdir -p "$WORK/openai" && cp "$WORK/groq/policy.yaml" "$WORK/openai/policy.yaml"
ha_start openai "$(sed "s|base_url: .*|base_url: $FAKE_URL/v1|" <<<"$OPENAI_CONFIG")" API_KEY="$KEY" OPENAI_API_KEY="$OPENAI_KEY" || exit 1
script "[$(step 200 openai_tool_call.json), $(step 200 openai_final.json)]"
ask "How much disk space is left?"
recorded
check "openai: answered" json_eq .message "The root filesystem has plenty of free space."
check "openai: content null + tool_calls handled" json_eq '.tool_calls_made | join(",")' disk.usage
check "openai: arguments passed through" [ "$(rq '.[1].body.messages[-1].content | fromjson | .result.filesystems[0].mount_point')" = / ]
check "openai: Authorization with OPENAI_API_KEY, default model" [ "$(rq '.[0].auth + " " + .[0].body.model')" = "ok gpt-4o-mini" ]
check "openai: 30-character tool_call_id round trip" [ "$(rq '.[1].body.messages[-1].tool_call_id')" = call_Xy12Ab34Cd56Ef78Gh90Ij12 ]
script "[$(step 429 openai_insufficient_quota.json)]"
ask "cpu?"
recorded
check "insufficient_quota: 503 with a clear error" bash -c '[ "$0" = 503 ] && jq -e ".error | test(\"no quota\")" "$1" >/dev/null' "$STATUS" "$BODY_FILE"
check "insufficient_quota: not retried" [ "$(nreq)" = 1 ]
script "[$(step 401 openai_invalid_key.json)]"
ask "cpu?"
check "openai 401: 502" status_is 502
check "openai 401: the provider's text quoting the key is not passed on" bash -c '! grep -q "Incorrect API key" "$0"' "$BODY_FILE"
ha_stop "$PID"

echo "== a local OpenAI-compatible server over http:// without a key (llama.cpp shapes)"
fake_start local
FAKE_URL=http://127.0.0.1:$FAKE_PORT
FAKE_CA=/dev/null
mkdir -p "$WORK/local" && cp "$WORK/groq/policy.yaml" "$WORK/local/policy.yaml"
ha_start local "plugins:
  directory: $WORK/plugins" API_KEY="$KEY" LLM_PROVIDER=openai OPENAI_BASE_URL="$FAKE_URL/v1" LLM_MODEL=local || exit 1
check "openai provider used for the local server" grep -q "LLM provider: openai (model local at $FAKE_URL/v1)" "$LOG"
script "[$(step 200 llamacpp_tool_call.json), $(step 200 llamacpp_final.json)]"
ask "What is the memory usage?"
recorded
check "local: answered" json_eq .message "Done."
check "local: the tool ran" json_eq '.tool_calls_made | join(",")' memory.usage
check "local: no Authorization header without a key" [ "$(rq '.[0].auth')" = missing ]
check "local: model from LLM_MODEL" [ "$(rq '.[0].body.model')" = local ]
script "[$(step 401 llamacpp_invalid_key.json)]"
ask "cpu?"
check "local: llama.cpp's integer error code 401 is a credentials error" bash -c '[ "$0" = 502 ] && jq -e ".error | test(\"API key was rejected\")" "$1" >/dev/null' "$STATUS" "$BODY_FILE"
ha_stop "$PID"

echo "== secrets"
check "provider keys never in a server log" bash -c '! grep -rqF -e "$0" -e "$1" "$2"/*/server.log' "$GROQ_KEY" "$OPENAI_KEY" "$WORK"
check "provider keys never in an audit log" bash -c '! grep -rqF -e "$0" -e "$1" --include=audit.jsonl "$2"' "$GROQ_KEY" "$OPENAI_KEY" "$WORK"
check "provider keys never in what the fake server recorded" bash -c '! grep -rqF -e "$0" -e "$1" "$2/requests.json"' "$GROQ_KEY" "$OPENAI_KEY" "$WORK"

finish
