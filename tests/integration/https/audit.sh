#!/bin/bash
# The audit log: one JSON line per answer with the original service's fields, no credentials,
# and no answer at all when it cannot be written.
# usage: audit.sh BINARY PLUGIN_DIR FIXTURE_PLUGIN_DIR
set -uo pipefail
HA_BINARY=$1 PLUGINS=$2 FIXTURES=$3
. "$(dirname "$0")/../lib.sh"
KEY=it-key-$(openssl rand -hex 16)
AUTH=(-H "X-API-Key: $KEY")
ha_start audit "plugins:
  directory: $PLUGINS" API_KEY="$KEY" RATE_LIMIT_REQUESTS=1000 || exit 1
AUDIT=$DIR/audit.jsonl

for q in "Is everything running correctly?" "How much disk space is left?" "What is the CPU usage?"; do chat "$q"; done
for c in cpu.usage memory.usage disk.usage; do req POST /v1/tools/$c "${AUTH[@]}"; done
req GET /v1/status "${AUTH[@]}"

expect_eq "one chat line per answered /chat" "$(jq -c 'select(.type == "chat")' "$AUDIT" | wc -l)" 3
expect_eq "every chat line has the original fields" \
  "$(jq -c 'select(.type == "chat") | select(has("timestamp") and has("conversation_id") and has("user_message") and has("assistant_response") and has("tool_calls"))' "$AUDIT" | wc -l)" 3
expect_eq "every tool call carries arguments, plugin, decision and duration" \
  "$(jq -c 'select(.type == "chat") | .tool_call_details[] | select((has("arguments") and has("plugin") and has("decision") and has("duration_ms")) | not)' "$AUDIT" | wc -l)" 0
expect_eq "direct tool calls are audited" "$(jq -c 'select(.type == "tool")' "$AUDIT" | wc -l)" 3
expect_eq "GET /v1/status is audited with its calls" "$(jq -c 'select(.type == "status" and (.tool_call_details | length) >= 5)' "$AUDIT" | wc -l)" 1
expect_no_grep "the API key is not in the audit log" "$KEY" "$AUDIT"
expect_no_grep "the API key is not in the server log" "$KEY" "$LOG"
expect_eq "audit log mode 0640" "$(stat -c %a "$AUDIT")" 640

mv "$AUDIT" "$AUDIT.saved" && mkdir "$AUDIT"
chat "How much disk space is left?"
expect_status "chat: 500 instead of an unaudited answer" 500
expect_jq "chat: says the answer was withheld" '.error | test("answer was withheld")'
req POST /v1/tools/cpu.usage "${AUTH[@]}"
expect_status "direct tool call: 500" 500
expect_no_body "direct tool call: the result is withheld" '"result"'
req GET /v1/status "${AUTH[@]}"
expect_status "status: 500, withheld too" 500
rmdir "$AUDIT" && mv "$AUDIT.saved" "$AUDIT"
chat "How much disk space is left?"
expect_status "answers again once the log is writable" 200
check "the server stops cleanly" ha_stop "$PID"
finish
