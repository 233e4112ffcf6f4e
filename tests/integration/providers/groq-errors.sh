#!/bin/bash
# How groq's errors reach the client when the fallback is off (llm.fallback: error): 401 is not
# retried, 429 waits retry-after, 5xx and timeouts retry with bounded backoff, tool_use_failed is
# retried once.
# usage: groq-errors.sh BINARY PLUGIN_DIR FIXTURE_PLUGIN_DIR FAKE_SERVER RESPONSES_DIR
set -uo pipefail
HA_BINARY=$1 PLUGINS=$2 FIXTURES=$3 FAKE=$4 RESP=$5
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/fake-llm.sh"
provider_plugins
fake_tls fake "$GROQ_KEY"
provider_policy groq
ha_start groq "llm:
  provider: groq
  fallback: error
  timeout: 10
plugins:
  directory: $PLUGIN_DIR
  settings:
    groq:
      base_url: $FAKE_URL/openai/v1
      ca_file: $FAKE_CA
      request_timeout_ms: 1000" API_KEY="$KEY" GROQ_API_KEY="$GROQ_KEY" RATE_LIMIT_REQUESTS=1000 || exit 1

script "[$(step 401 groq_invalid_key.json)]"
chat "cpu?"
recorded
expect_status "401: 502" 502
expect_jq "401: a clear error" '.error | test("API key was rejected")'
expect_eq "401: not retried" "$(nreq)" 1
script "[$(step 429 groq_rate_limited.json '"headers":{"retry-after":"1"}'), $(step 200 groq_final.json)]"
start=$(date +%s%N)
chat "cpu?"
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
recorded
expect_status "429 with retry-after: answered after a retry" 200
check "429: waited retry-after (${elapsed} ms)" [ "$elapsed" -ge 1000 ]
expect_eq "429: two requests" "$(nreq)" 2
script "[$(step 429 groq_rate_limited.json '"headers":{"retry-after":"60"}')]"
chat "cpu?"
expect_status "429 longer than the deadline: 503" 503
expect_jq "429: says rate limited" '.error | test("rate limit")'
script "[$(step 500 server_error.json), $(step 503 server_error.json), $(step 200 groq_final.json)]"
chat "cpu?"
recorded
expect_status "5xx twice: answered on the third try" 200
expect_eq "5xx: three requests (max_retries 2)" "$(nreq)" 3
script "[$(step 502 server_error.json)]"
chat "cpu?"
recorded
expect_status "5xx always: 502" 502
expect_eq "5xx always: bounded at 3 requests" "$(nreq)" 3
script "[$(step 400 groq_tool_use_failed.json), $(step 200 groq_final.json)]"
chat "cpu?"
recorded
expect_status "tool_use_failed: retried once, answered" 200
expect_eq "tool_use_failed: two requests" "$(nreq)" 2
script "[$(step 400 groq_tool_use_failed.json)]"
chat "cpu?"
recorded
expect_status "tool_use_failed twice: an error" 502
expect_eq "tool_use_failed twice: no third try" "$(nreq)" 2
script '[{"hang":true}]'
start=$(date +%s%N)
chat "cpu?"
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
recorded
expect_status "hung model server: 504" 504
check "hung model server: bounded retries (${elapsed} ms, $(nreq) requests)" [ "$elapsed" -lt 9000 -a "$(nreq)" = 3 ]
check "hung model server: server still healthy" curl -sf --cacert "$CACERT" "$URL/health" -o /dev/null
expect_jq "the error is audited" '.status == 504 and (.error | test("did not answer in time"))' <(tail -1 "$DIR/audit.jsonl")
check "the server stops cleanly" ha_stop "$PID"
expect_no_key_leak
finish
