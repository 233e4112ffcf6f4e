#!/bin/bash
# When the selected model fails (401, 5xx after retries, quota, a hung server), /chat answers
# from the offline provider with a one-line notice: 200, "degraded": true, the error audited.
# usage: fallback.sh BINARY PLUGIN_DIR FIXTURE_PLUGIN_DIR FAKE_SERVER RESPONSES_DIR
set -uo pipefail
HA_BINARY=$1 PLUGINS=$2 FIXTURES=$3 FAKE=$4 RESP=$5
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/fake-llm.sh"
provider_plugins
fake_tls fake "$GROQ_KEY"
provider_policy groq
ha_start groq "llm:
  provider: groq
  timeout: 10
plugins:
  directory: $PLUGIN_DIR
  settings:
    groq:
      base_url: $FAKE_URL/openai/v1
      ca_file: $FAKE_CA
      request_timeout_ms: 1000
      max_retries: 1" API_KEY="$KEY" GROQ_API_KEY="$GROQ_KEY" RATE_LIMIT_REQUESTS=1000 || exit 1

degraded() {  # degraded DESCRIPTION STATUS_WORD
  expect_status "$1: 200" 200
  expect_jq "$1: degraded, with the notice first" \
    ".degraded == true and (.message | startswith(\"The language model 'groq' is not answering ($2)\")) and .notice == (.message | split(\"\\n\")[0])"
  expect_jq "$1: the offline answer with real data" '.tool_calls_made == ["cpu.usage"] and (.message | test("CPU: "))'
  expect_jq "$1: the provider error is audited" ".degraded == true and .status == 200 and (.provider_error | test(\"groq\"))" <(tail -1 "$DIR/audit.jsonl")
}
script "[$(step 401 groq_invalid_key.json)]"
chat "What is the CPU usage?"
degraded "401" denied
script "[$(step 503 server_error.json)]"
chat "What is the CPU usage?"
degraded "5xx after retries" unavailable
script "[$(step 429 openai_insufficient_quota.json)]"
chat "What is the CPU usage?"
degraded "quota" quota_exceeded
script '[{"hang":true}]'
chat "What is the CPU usage?"
degraded "a hung model server" timeout
script "[$(step 200 groq_final.json)]"
chat "What is the CPU usage?"
expect_jq "once the model answers again: not degraded" '.provider == "groq" and (has("degraded") | not) and .message == "The CPU is almost idle."'
check "the server stops cleanly" ha_stop "$PID"
expect_no_key_leak
finish
