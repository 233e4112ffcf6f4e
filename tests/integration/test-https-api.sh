#!/bin/bash
# Integration test: the real homelab-assistant binary over HTTPS on 127.0.0.1, driven with curl
# and openssl. usage: test-https-api.sh BINARY PLUGIN_DIR FIXTURE_PLUGIN_DIR
set -uo pipefail
HA_BINARY=$1
PLUGINS=$2
FIXTURES=$3
. "$(dirname "$0")/lib.sh"

KEY=it-key-$(openssl rand -hex 16)
AUTH=(-H "X-API-Key: $KEY")

echo "== start-up checks"
out=$("$HA_BINARY" --version)
check "--version names the ABI" grep -q "plugin ABI 1.1" <<<"$out"
mkdir -p "$WORK/startup" && ha_make_cert "$WORK/startup"
printf 'allow: ["cpu.*"]\n' >"$WORK/startup/policy.yaml"
printf 'server:\n  listen: "127.0.0.1:0"\naudit:\n  path: audit.jsonl\nplugins:\n  directory: %s\n' "$PLUGINS" >"$WORK/startup/config.yaml"
out=$(env -u API_KEY "$HA_BINARY" --config "$WORK/startup/config.yaml" 2>&1); rc=$?
check "refuses to start without an API key (exit 78)" [ "$rc" = 78 ]
check "says which variable to set" grep -q "no API key configured: set the API_KEY" <<<"$out"
out=$(API_KEY=short "$HA_BINARY" --config "$WORK/startup/config.yaml" 2>&1); rc=$?
check "refuses a short API key" [ "$rc" = 78 ]
out=$(API_KEY=$KEY "$HA_BINARY" --config "$WORK/startup/config.yaml" --check-config 2>&1); rc=$?
check "--check-config accepts a good configuration" [ "$rc" = 0 ]
check "--check-config summarises" grep -q "configuration OK" <<<"$out"
out=$("$HA_BINARY" --config "$WORK/startup/config.yaml" --list-plugins 2>/dev/null); rc=$?
check "--list-plugins lists the built plugins" grep -q "loaded   tool-cpu.so" <<<"$out"
check "--list-plugins shows the policy decision" grep -q "cpu.usage \[read-only\] allowed" <<<"$out"
printf 'allow:\n  - cpu.*\n - disk.*\n' >"$WORK/startup/policy.yaml"
out=$(API_KEY=$KEY "$HA_BINARY" --config "$WORK/startup/config.yaml" 2>&1); rc=$?
check "invalid policy YAML is a start-up error" [ "$rc" = 78 ]
check "the error names the policy file and line" grep -q "policy.yaml:3:2: invalid YAML" <<<"$out"
printf 'server:\n  threads: lots\n' >"$WORK/startup/bad.yaml"
out=$(API_KEY=$KEY "$HA_BINARY" --config "$WORK/startup/bad.yaml" 2>&1); rc=$?
check "invalid config is a start-up error naming the line" bash -c '[ "$0" = 78 ] && grep -q "bad.yaml:2" <<<"$1"' "$rc" "$out"

echo "== main server (offline provider)"
ha_start main "plugins:
  directory: $PLUGINS" API_KEY="$KEY" RATE_LIMIT_REQUESTS=1000 || exit 1
MAIN_PID=$PID MAIN_DIR=$DIR MAIN_URL=$URL MAIN_CA=$CACERT

req GET /health
check "GET /health needs no key" status_is 200
check "health says healthy" json_eq .status healthy

echo "-- TLS"
out=$(echo | timeout 10 openssl s_client -connect "${URL#https://}" -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0' 2>&1)
check "TLS 1.1 is refused by the server (protocol version alert)" grep -q "alert protocol version" <<<"$out"
check "TLS 1.2 works" curl -sf --cacert "$CACERT" --tlsv1.2 --tls-max 1.2 "$URL/health" -o /dev/null
check "TLS 1.3 works" curl -sf --cacert "$CACERT" --tlsv1.3 "$URL/health" -o /dev/null
plain=$(curl -sS --max-time 5 -w '\n%{http_code}' "http://${URL#https://}/health" 2>&1)
check "plain HTTP gets a 400, not a reset" bash -c '[ "$(tail -1 <<<"$0")" = 400 ]' "$plain"
check "plain HTTP: a JSON error saying to use https://" bash -c 'head -1 <<<"$0" | jq -e ".error | test(\"use https://127.0.0.1:[0-9]+/\")" >/dev/null' "$plain"

echo "-- authentication"
req POST /chat -d '{"message":"How much disk space is left?"}'
check "no key: 401" status_is 401
check "no key: JSON error" is_error_json
check "no key: says which header" body_has "X-API-Key"
req POST /chat -H "X-API-Key: wrong-key-0123456789" -d '{"message":"hi"}'
check "wrong key: 401" status_is 401
check "wrong key: JSON error" json_eq .error "invalid API key"
req GET /v1/tools -H "X-API-Key: ${KEY}x"
check "key with a suffix: 401" status_is 401
req GET /v1/tools "${AUTH[@]}"
check "right key: 200" status_is 200
check "rate limit headers" header_has "X-RateLimit-Remaining"
check "no CORS wildcard" bash -c '! grep -qi "^Access-Control-Allow-Origin" "$0"' "$HEADERS"

echo "-- bad input gets clear JSON errors"
req POST /chat "${AUTH[@]}" -d '{"message": "unterminated'
check "malformed JSON: 400" status_is 400
check "malformed JSON: says so" body_has "invalid JSON"
req POST /chat "${AUTH[@]}" -d '["message"]'
check "not an object: 400" bash -c '[ "$0" = 400 ]' "$STATUS"
check "not an object: says so" body_has "must be a JSON object"
req POST /chat "${AUTH[@]}" -d '{"msg":"hello"}'
check "missing message: 400" status_is 400
check "missing message: names the field" body_has "'message' is required"
req POST /chat "${AUTH[@]}" -d '{"message":42}'
check "message not a string: 400" status_is 400
req POST /chat "${AUTH[@]}" -d '{"message":"   "}'
check "blank message: 400" status_is 400
long=$(head -c 4001 /dev/zero | tr '\0' 'a')
req POST /chat "${AUTH[@]}" -d "{\"message\":\"$long\"}"
check "message over 4000 characters: 400" status_is 400
req POST /chat "${AUTH[@]}" -d '{"message":"hi","conversation_id":"../../etc/passwd"}'
check "bad conversation_id: 400" status_is 400
printf '{"message":"\xff\xfe"}' >"$WORK/bad-utf8.json"
req POST /chat "${AUTH[@]}" --data-binary @"$WORK/bad-utf8.json"
check "invalid UTF-8: 400" status_is 400
head -c 70000 /dev/zero | tr '\0' 'x' >"$WORK/big.json"
req POST /chat "${AUTH[@]}" --data-binary @"$WORK/big.json"
check "body over 64 KiB: 413" status_is 413
check "body over 64 KiB: JSON error" is_error_json
req POST /chat "${AUTH[@]}" -H "Transfer-Encoding: chunked" --data-binary @"$WORK/big.json"
check "chunked body over 64 KiB: 413" status_is 413
req GET /chat "${AUTH[@]}"
check "GET /chat: 405" status_is 405
check "405 names the allowed method" header_has "Allow: POST"
req GET /nowhere
check "unknown path: 404 JSON" bash -c '[ "$0" = 404 ]' "$STATUS"
check "unknown path: JSON error" is_error_json
check "server still alive after bad input" curl -sf --cacert "$CACERT" "$URL/health" -o /dev/null

echo "-- the example questions, answered offline with real numbers"
chats=0
ask() {
  req POST /chat "${AUTH[@]}" -H "Content-Type: application/json" -d "$(jq -nc --arg m "$1" '{message: $m}')"
  [ "$STATUS" = 200 ] && chats=$((chats + 1))
}
ask "Is everything running correctly?"
check "health question: 200" status_is 200
check "health question: a verdict" bash -c 'grep -qE "looks healthy|need(s)? attention" "$0"' "$BODY_FILE"
check "health question: used cpu, memory and disk" bash -c 'jq -e ".tool_calls_made | contains([\"cpu.usage\",\"memory.usage\",\"disk.usage\"])" "$0" >/dev/null' "$BODY_FILE"
check "health question: has a conversation id" bash -c '[ -n "$(jq -r .conversation_id "$0")" ]' "$BODY_FILE"

ask "What is the CPU and memory usage?"
answer=$(jq -r .message "$BODY_FILE")
check "cpu/memory question: 200" status_is 200
check "cpu/memory: core count of this machine" grep -q "across $(nproc) core" <<<"$answer"
mem_total=$(awk '/^MemTotal:/ {print $2 * 1024}' /proc/meminfo)
check "cpu/memory: total memory of this machine ($(human_bytes "$mem_total"))" grep -qF "of $(human_bytes "$mem_total") used" <<<"$answer"
check "cpu/memory: load average" grep -q "load average" <<<"$answer"

ask "How much disk space is left?"
answer=$(jq -r .message "$BODY_FILE")
root_total=$(df -B1 --output=size / | tail -1 | tr -d ' ')
check "disk question: 200" status_is 200
check "disk question: root filesystem size ($(human_bytes "$root_total"))" grep -qF "free of $(human_bytes "$root_total")" <<<"$answer"
check "disk question: lists /" grep -q "^- / (" <<<"$answer"

ask "What containers are running?"
check "container question: 200" status_is 200
check "container question: plain words" bash -c '[ -n "$(jq -r .message "$0")" ]' "$BODY_FILE"
ask "Did any service crash recently?"
check "crash question: 200" status_is 200

conv=$(jq -r .conversation_id "$BODY_FILE")
req POST /chat "${AUTH[@]}" -d "{\"message\":\"And the disk space?\",\"conversation_id\":\"$conv\"}"
[ "$STATUS" = 200 ] && chats=$((chats + 1))
check "a conversation continues under its id" json_eq .conversation_id "$conv"

echo "-- refusals"
ask "Please restart the nginx container"
check "restart request: answered (200)" status_is 200
check "restart request: refused" json_eq .refused true
check "restart request: no tool ran" json_eq '.tool_calls_made | length' 0
check "restart request: says read-only" body_has "read-only"
refusal_line=$(tail -1 "$MAIN_DIR/audit.jsonl")
check "restart request: audited with the reason" bash -c 'jq -e ".refused == true and (.refusal_reason | test(\"restart\"))" <<<"$0" >/dev/null' "$refusal_line"
ask "sudo zfs destroy tank/media"
check "command line: refused" json_eq .refused true

echo "-- tools API"
req GET /v1/tools "${AUTH[@]}"
check "lists cpu.usage as allowed" bash -c 'jq -e ".tools[] | select(.name == \"cpu.usage\" and .allowed and .effect == \"read-only\")" "$0" >/dev/null' "$BODY_FILE"
check "shows the policy reason" bash -c 'jq -e ".tools[] | select(.name == \"disk.usage\") | .reason | test(\"policy.yaml:1\")" "$0" >/dev/null' "$BODY_FILE"
check "includes input schemas" bash -c 'jq -e ".tools[] | select(.name == \"disk.usage\") | .input_schema.properties.path" "$0" >/dev/null' "$BODY_FILE"
req POST /v1/tools/cpu.usage "${AUTH[@]}"
check "direct cpu.usage: 200" status_is 200
check "direct cpu.usage: real core count" json_eq .result.cores "$(nproc)"
req POST /v1/tools/disk.usage "${AUTH[@]}" -d '{"path":"/"}'
check "direct disk.usage for /: 200" status_is 200
check "direct disk.usage for /: mount point" json_eq '.result.filesystems[0].mount_point' /
req POST /v1/tools/disk.usage "${AUTH[@]}" -d '{"path":5}'
check "schema violation: 400" status_is 400
check "schema violation: names the field" body_has '$.path'
req POST /v1/tools/disk.usage "${AUTH[@]}" -d '{"path":"/nonexistent/x"}'
check "missing path: 404" status_is 404
req POST /v1/tools/no.such "${AUTH[@]}"
check "unknown capability: 404" status_is 404

echo "-- audit log"
AUDIT=$MAIN_DIR/audit.jsonl
chat_lines=$(jq -c 'select(.type == "chat")' "$AUDIT" | wc -l)
check "one audit line per answered /chat ($chats)" [ "$chat_lines" = "$chats" ]
check "every line is JSON with the original fields" bash -c 'jq -e "select(.type == \"chat\") | has(\"timestamp\") and has(\"conversation_id\") and has(\"user_message\") and has(\"assistant_response\") and has(\"tool_calls\")" "$0" | grep -qv true && exit 1 || exit 0' "$AUDIT"
check "tool calls carry arguments, decision and duration" bash -c 'jq -e "select(.type == \"chat\") | .tool_call_details[] | has(\"arguments\") and has(\"decision\") and has(\"duration_ms\")" "$0" | grep -qv true && exit 1 || exit 0' "$AUDIT"
check "direct tool calls are audited" bash -c '[ "$(jq -c "select(.type == \"tool\")" "$0" | wc -l)" -ge 5 ]' "$AUDIT"
check "the API key is not in the audit log" bash -c '! grep -qF "$0" "$1"' "$KEY" "$AUDIT"
check "the API key is not in the server log" bash -c '! grep -qF "$0" "$1"' "$KEY" "$LOG"
check "audit log mode 0640" [ "$(stat -c %a "$AUDIT")" = 640 ]

echo "-- an unwritable audit log withholds answers"
mv "$AUDIT" "$AUDIT.saved" && mkdir "$AUDIT"
req POST /chat "${AUTH[@]}" -d '{"message":"How much disk space is left?"}'
check "chat: 500 instead of an unaudited answer" bash -c '[ "$0" = 500 ] && jq -e ".error | test(\"answer was withheld\")" "$1" >/dev/null' "$STATUS" "$BODY_FILE"
req POST /v1/tools/cpu.usage "${AUTH[@]}"
check "direct tool call: 500, result withheld" bash -c '[ "$0" = 500 ] && ! grep -q "\"result\"" "$1"' "$STATUS" "$BODY_FILE"
rmdir "$AUDIT" && mv "$AUDIT.saved" "$AUDIT"
req POST /chat "${AUTH[@]}" -d '{"message":"How much disk space is left?"}'
check "answers again once the log is writable" status_is 200

echo "-- concurrency: more clients than request threads"
start=$(date +%s%N)
clients=()
for i in $(seq 1 40); do
  curl -s --cacert "$CACERT" "${AUTH[@]}" -o /dev/null -w '%{http_code}\n' "$URL/v1/tools/memory.usage" -X POST \
    >>"$WORK/concurrent" 2>&1 &
  clients+=($!)
done
wait "${clients[@]}"
check "40 parallel direct calls all succeed" [ "$(grep -c "^200$" "$WORK/concurrent")" = 40 ]
echo "       (took $(( ($(date +%s%N) - start) / 1000000 )) ms)"

echo "-- shutdown"
check "SIGTERM stops the server cleanly" ha_stop "$MAIN_PID"

echo "== rate limit, policy denials and misbehaving plugins"
mkdir -p "$WORK/limits/plugins"
cp "$PLUGINS"/*.so "$FIXTURES/hangs.so" "$FIXTURES/good_tools.so" "$FIXTURES/wrong_major.so" "$WORK/limits/plugins/"
chmod 755 "$WORK/limits/plugins"
printf 'allow: ["*"]\ndeny: ["memory.*"]\n' >"$WORK/limits/policy.yaml"
ha_start limits "plugins:
  directory: $WORK/limits/plugins" API_KEY="$KEY" RATE_LIMIT_REQUESTS=6 RATE_LIMIT_WINDOW=120 || exit 1
req POST /v1/tools/memory.usage "${AUTH[@]}"
check "denied capability: 403" status_is 403
check "denied capability: the rule is named" body_has "denied by rule 'memory.*'"
req POST /v1/tools/fixture.mutate "${AUTH[@]}"
check "mutating capability allowed by '*': still 403" status_is 403
check "mutating capability: never executed" bash -c '! grep -q mutated "$0"' "$BODY_FILE"
start=$(date +%s%N)
req POST /v1/tools/fixture.hang "${AUTH[@]}"
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
check "hanging plugin: 504 at its deadline" status_is 504
check "hanging plugin: answered within 2 s (${elapsed} ms)" [ "$elapsed" -lt 2000 ]
req GET /v1/tools "${AUTH[@]}"
check "wrong-ABI plugin is reported as refused" bash -c 'jq -e ".plugins[] | select(.file == \"wrong_major.so\" and (.loaded | not)) | .message | test(\"built for ABI 2.0\")" "$0" >/dev/null' "$BODY_FILE"
check "the refusal is logged precisely" grep -q "wrong_major.so refused: built for ABI 2.0, host provides ABI 1.1" "$LOG"
req POST /chat "${AUTH[@]}" -d '{"message":"What is the memory usage?"}'
check "chat with a denied capability still answers" status_is 200
check "and says it is not available" body_has "memory.usage' is not available"
req POST /chat "${AUTH[@]}" -d '{"message":"How much disk space is left?"}'
check "6th request in the window: allowed" status_is 200
req POST /chat "${AUTH[@]}" -d '{"message":"How much disk space is left?"}'
check "7th request in the window: 429" status_is 429
check "429 carries Retry-After" header_has "Retry-After: [0-9]"
check "429 is a JSON error" body_has "rate limit exceeded"
req GET /health
check "health is not rate limited" status_is 200
for i in $(seq 1 21); do curl -s --cacert "$CACERT" -H "X-API-Key: bad-$i-0123456789" "$URL/v1/tools" -o /dev/null; done
req GET /v1/tools "${AUTH[@]}"
check "after 20 failed logins the client is blocked (429)" status_is 429
check "SIGTERM with a plugin call still stuck" ha_stop "$PID"

finish
