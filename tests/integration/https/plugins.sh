#!/bin/bash
# Misbehaving and denied plugins: a wrong ABI is refused precisely, an ABI 1.0 plugin still
# works, a mutating capability never runs, a hanging one times out, a denied one is named.
# usage: plugins.sh BINARY PLUGIN_DIR FIXTURE_PLUGIN_DIR
set -uo pipefail
HA_BINARY=$1 PLUGINS=$2 FIXTURES=$3
. "$(dirname "$0")/../lib.sh"
KEY=it-key-$(openssl rand -hex 16)
AUTH=(-H "X-API-Key: $KEY")
ha_plugin_dir plugins "$PLUGINS"/*.so "$FIXTURES/hangs.so" "$FIXTURES/good_tools.so" "$FIXTURES/wrong_major.so" \
  "$FIXTURES/abi10_tools.so" "$FIXTURES/intruder.so"
mkdir -p "$WORK/limits" && printf 'allow: ["*"]\ndeny: ["memory.*"]\n' >"$WORK/limits/policy.yaml"
ha_start limits "plugins:
  directory: $PLUGIN_DIR" API_KEY="$KEY" RATE_LIMIT_REQUESTS=1000 || exit 1

req POST /v1/tools/memory.usage "${AUTH[@]}"
expect_status "denied capability: 403" 403
expect_body "denied capability: the rule is named" "denied by rule 'memory.*'"
req POST /v1/tools/fixture.mutate "${AUTH[@]}"
expect_status "mutating capability allowed by '*': still 403" 403
expect_no_body "mutating capability: never executed" mutated
start=$(date +%s%N)
req POST /v1/tools/fixture_hangs.hang "${AUTH[@]}"
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
expect_status "hanging plugin: 504 at its deadline" 504
check "hanging plugin: answered within 2 s (${elapsed} ms)" [ "$elapsed" -lt 2000 ]
# A client that hangs up while its tool call runs: audited as cancelled, with the 499 that /chat
# gives it (not the 504 of the call it cancelled); nothing is sent.
req POST /v1/tools/fixture_hangs.hang "${AUTH[@]}" --max-time 0.1
expect_status "a client that hangs up gets nothing" 000
for i in $(seq 1 30); do
  [ "$(tail -1 "$WORK/limits/audit.jsonl" | jq -r .status)" = 499 ] && break
  sleep 0.1
done
expect_jq "the tool call it left is audited as cancelled, 499 as for /chat" \
  '.type == "tool" and .status == 499 and .cancelled == true and .tool_call.name == "fixture_hangs.hang"' \
  <(tail -1 "$WORK/limits/audit.jsonl")
expect_grep "the access log line says 499 too" '"POST /v1/tools/fixture_hangs.hang[^"]*" 499' "$LOG"
req POST /v1/tools/fixture_abi10.echo "${AUTH[@]}" -d '{"text":"from 1.0"}'
expect_jq "an ABI 1.0 plugin works on the 1.3 host" '.result.text == "from 1.0"'
req GET /v1/tools "${AUTH[@]}"
expect_jq "wrong-ABI plugin is reported as refused" '.plugins[] | select(.file == "wrong_major.so" and (.loaded | not)) | .message | test("built for ABI 2.0")'
expect_grep "the refusal is logged precisely" "wrong_major.so refused: built for ABI 2.0, host provides ABI 1.3" "$LOG"
expect_jq "a plugin claiming another plugin's group is refused" '.plugins[] | select(.file == "intruder.so" and (.loaded | not)) | .message | test("belongs to plugin .fixture-hangs.")'
chat "What is the memory usage?"
expect_status "chat about a denied capability: answered" 200
expect_jq "and says the policy does not allow it" '.message | test("the policy does not allow .memory.usage.")'
check "SIGTERM with a plugin call still stuck" ha_stop "$PID"
finish
