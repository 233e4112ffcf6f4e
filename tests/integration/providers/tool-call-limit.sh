#!/bin/bash
# Every tool call a model asks for is executed or refused, and audited either way: with 50 calls
# in one reply and llm.max_tool_calls 16, 16 run and 34 are refused with the reason, all 50 are in
# the audit line and all 50 get an answer in the next request to the model (none vanish).
# usage: tool-call-limit.sh BINARY PLUGIN_DIR FIXTURE_PLUGIN_DIR FAKE_SERVER RESPONSES_DIR
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
  timeout: 20
  max_tool_calls: 16
plugins:
  directory: $PLUGIN_DIR
  settings:
    groq:
      base_url: $FAKE_URL/openai/v1
      ca_file: $FAKE_CA
      request_timeout_ms: 5000" API_KEY="$KEY" GROQ_API_KEY="$GROQ_KEY" RATE_LIMIT_REQUESTS=1000 || exit 1

# The recorded Groq tool-call reply, with 50 calls instead of one.
fifty=$(jq -c '.choices[0].message.tool_calls = [range(50) | {id: "call_\(.)", type: "function",
  function: {name: "cpu_usage", arguments: "{}"}}]' "$RESP/groq_tool_call.json")
script "[{\"status\":200,\"body\":$fifty}, $(step 200 groq_final.json)]"
chat "What is the CPU usage?"
recorded
expect_status "50 tool calls in one reply: answered" 200
AUDIT_LINE=$WORK/line.json
tail -1 "$DIR/audit.jsonl" >"$AUDIT_LINE"
expect_eq "all 50 calls are in the audit line" "$(jq '.tool_call_details | length' "$AUDIT_LINE")" 50
expect_eq "16 ran" "$(jq '[.tool_call_details[] | select(.status == "ok")] | length' "$AUDIT_LINE")" 16
expect_eq "34 refused, each with the per-turn maximum as its reason" \
  "$(jq '[.tool_call_details[] | select(.status != "ok" and (.reason | test("at most 16 tool calls")))] | length' "$AUDIT_LINE")" 34
expect_eq "the model got an answer for each of the 50 calls" \
  "$(rq '[.[1].body.messages[] | select(.role == "tool")] | length')" 50
expect_eq "each answer for its own call id" \
  "$(rq '[.[1].body.messages[] | select(.role == "tool") | .tool_call_id] | unique | length')" 50
expect_jq "the refused ones say why" '[.[1].body.messages[] | select(.role == "tool") | .content | fromjson | select(.ok == false and (.error | test("at most 16")))] | length == 34' "$REQS"
check "the server stops cleanly" ha_stop "$PID"
finish
