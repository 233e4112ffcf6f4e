#!/bin/bash
# The groq provider plugin and the tool-calling loop through the real HTTPS /chat, against the
# local fake replaying recorded Groq response shapes: a full round trip, history, odd replies.
# usage: groq-round-trip.sh BINARY PLUGIN_DIR FIXTURE_PLUGIN_DIR FAKE_SERVER RESPONSES_DIR
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
  max_tool_rounds: 3
plugins:
  directory: $PLUGIN_DIR
  settings:
    groq:
      base_url: $FAKE_URL/openai/v1
      ca_file: $FAKE_CA
      request_timeout_ms: 1000" API_KEY="$KEY" GROQ_API_KEY="$GROQ_KEY" RATE_LIMIT_REQUESTS=1000 || exit 1
expect_grep "the groq provider is selected, with its model and endpoint" \
  "LLM provider: groq \(model llama-3.3-70b-versatile at $FAKE_URL/openai/v1\), fallback offline" "$LOG"

script "[$(step 200 groq_tool_call.json), $(step 200 groq_final.json)]"
chat "What is the CPU usage?"
recorded
expect_status "answer: 200" 200
expect_jq "answer: the model's final text from groq, the tool that ran" \
  '.message == "The CPU is almost idle." and .tool_calls_made == ["cpu.usage"] and .provider == "groq" and (has("degraded") | not)'
expect_eq "two requests to the model" "$(nreq)" 2
expect_eq "to /openai/v1/chat/completions" "$(rq '.[0].path')" /openai/v1/chat/completions
expect_eq "Authorization: Bearer <GROQ_API_KEY>" "$(rq '[.[].auth] | unique | join(",")')" ok
expect_eq "the plugin's default model" "$(rq '.[0].body.model')" llama-3.3-70b-versatile
expect_jq "the system prompt comes first and says read-only" '.[0].body.messages[0].role == "system" and (.[0].body.messages[0].content | test("read-only"))' "$REQS"
expect_eq "the user's question is the last message" "$(rq '.[0].body.messages[-1].content')" "What is the CPU usage?"
expect_jq "tools offered as functions with JSON Schemas" '.[0].body.tools | map(select(.type == "function" and .function.parameters.type == "object")) | length > 0' "$REQS"
expect_eq "allowed read-only tools offered" "$(rq '[.[0].body.tools[].function.name] | map(select(. == "cpu_usage" or . == "disk_usage" or . == "memory_usage")) | length')" 3
expect_eq "mutating, denied and not-allowed tools never offered" "$(rq '[.[0].body.tools[].function.name] | map(select(. == "fixture_mutate" or . == "fixture_echo" or startswith("docker_"))) | length')" 0
expect_eq "tool_choice auto" "$(rq '.[0].body.tool_choice')" auto
expect_eq "the default temperature, no streaming" "$(rq '.[0].body | "\(.temperature) \(.stream)"')" "0.2 false"
expect_eq "the assistant tool call goes back with its id" "$(rq '.[1].body.messages[-2].tool_calls[0].id')" call_groq_1
expect_eq "its content is a string, not null (Groq rejects null)" "$(rq '.[1].body.messages[-2].content | type')" string
expect_eq "the tool result is role tool with the same tool_call_id" "$(rq '.[1].body.messages[-1] | .role + " " + .tool_call_id')" "tool call_groq_1"
expect_eq "the tool result is JSON with real data" "$(rq '.[1].body.messages[-1].content | fromjson | .result.cores')" "$(nproc)"
expect_jq "audit: tool call with arguments, decision and duration" \
  '.provider == "groq" and .tool_call_details[0].id == "call_groq_1" and .tool_call_details[0].decision == "allowed" and (.tool_call_details[0] | has("arguments") and has("duration_ms"))' \
  <(tail -1 "$DIR/audit.jsonl")

script "[$(step 200 groq_final.json)]"
chat "First question" "conv-history-1"
chat "Second question" "conv-history-1"
recorded
expect_jq "the second turn carries the first question and answer" '[.[1].body.messages[].content] | index("First question") != null and index("The CPU is almost idle.") != null' "$REQS"
chat "Unrelated" "conv-history-2"
recorded
expect_eq "another conversation starts fresh" "$(rq '[.[2].body.messages[] | select(.content == "First question")] | length')" 0

script "[$(step 200 groq_no_content.json)]"
chat "Say nothing"
expect_jq "missing content: still an answer" '.message == "I have no answer to that."'
script "[$(step 200 groq_bad_arguments.json), $(step 200 groq_final.json)]"
chat "How much disk space is left?"
recorded
expect_jq "invalid tool-call JSON: answered, not executed" '.tool_calls_made == []'
expect_jq "invalid tool-call JSON: the model is told why" '.[1].body.messages[-1].content | fromjson | .ok == false and (.error | test("not valid JSON"))' "$REQS"
script "[$(step 200 groq_forbidden_tools.json), $(step 200 groq_final.json)]"
chat "What do you see in the logs?"
recorded
expect_jq "forbidden tools: answered, none ran" '.tool_calls_made == []'
expect_eq "forbidden tools: three refusals sent back" "$(rq '[.[1].body.messages[] | select(.role == "tool") | .content | fromjson | select(.ok == false)] | length')" 3
expect_no_grep "forbidden tools: the mutating one never executed" mutated "$REQS"
last=$WORK/last-audit && tail -1 "$DIR/audit.jsonl" >"$last"
expect_jq "audit: mutating call denied with the reason" '.tool_call_details[] | select(.id == "call_mut_1") | .decision == "denied" and (.reason | test("read-only"))' "$last"
expect_jq "audit: unknown tool recorded as unknown" '.tool_call_details[] | select(.id == "call_unknown_1") | .decision == "unknown"' "$last"
expect_jq "audit: policy-denied tool with its rule" '.tool_call_details[] | select(.id == "call_denied_1") | .reason | test("denied by rule")' "$last"

script "[$(step 200 groq_tool_call.json)]"
chat "loop forever"
recorded
expect_eq "max_tool_rounds 3: four model calls" "$(nreq)" 4
expect_eq "the last call offers no tools" "$(rq '.[3].body | has("tools")')" false
expect_body "the answer says why it stopped" "after 3 rounds"
check "the server stops cleanly" ha_stop "$PID"
expect_no_key_leak
expect_no_grep "the key never reaches what the model server recorded" "$GROQ_KEY" "$REQS"
finish
