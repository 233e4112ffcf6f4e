#!/bin/bash
# POST /chat as Server-Sent Events with the embedded offline provider: the tool calls as they
# start and finish, the answer in word groups, the final event equal to the JSON answer, a
# refusal as its own event; errors found before the stream starts stay plain JSON errors.
# usage: stream-offline.sh BINARY PLUGIN_DIR FIXTURE_PLUGIN_DIR
set -uo pipefail
HA_BINARY=$1 PLUGINS=$2
. "$(dirname "$0")/../lib.sh"
KEY=stream-key-$(openssl rand -hex 12)
ha_start offline "plugins:
  directory: $PLUGINS" API_KEY="$KEY" LLM_PROVIDER=offline RATE_LIMIT_REQUESTS=1000 || exit 1

sse health "Is everything running correctly?"
expect_grep "200 text/event-stream" '^HTTP/1.1 200' "$SSE_HEADERS"
expect_grep "not cached" '^Cache-Control: no-store' "$SSE_HEADERS"
expect_event "start: conversation and request id" start '(.data.conversation_id | length) > 0 and (.data.request_id | length) == 16'
expect_jq "a start and a finish for every health check call" \
  '[inputs] | ([.[] | select(.event == "tool_call_started")] | length) as $s | ([.[] | select(.event == "tool_call_finished")] | length) as $f | $s >= 3 and $s == $f' \
  <(echo null; cat "$EVENTS")
expect_event "finished calls: decision, status, duration" \
  tool_call_finished '.data | has("id") and has("capability") and .decision == "allowed" and has("status") and (.duration_ms | type) == "number" and has("error")'
expect_jq "the answer in word groups" '[inputs | select(.event == "text_delta")] | length > 3' <(echo null; cat "$EVENTS")
expect_jq "deltas put together are the answer" \
  '[inputs] as $e | ([$e[] | select(.event == "text_delta") | .data.text] | add) == ($e[] | select(.event == "answer") | .data.message)' \
  <(echo null; cat "$EVENTS")
expect_eq "the answer is the last event" "$(tail -1 "$EVENTS" | jq -r .event)" answer
conv=$(jq -r 'select(.event == "answer") | .data.conversation_id' "$EVENTS")
expect_jq "the audit line came first and says streamed" ".streamed == true and .status == 200 and .conversation_id == \"$conv\"" <(tail -1 "$DIR/audit.jsonl")

chat "How much disk space is left?" "$conv"
plain=$(jq -S 'del(.message)' "$BODY_FILE")
sse again "How much disk space is left?" "$conv"
check "the final event has exactly the fields of the JSON answer" \
  bash -c '[ "$(jq -S "select(.event == \"answer\") | .data | del(.message)" "$0")" = "$1" ]' "$EVENTS" "$plain"

sse refusal "Restart the plex container"
expect_eq "a refusal: no tool runs" "$(event_names)" "start refusal answer"
expect_event "the refusal event: category, reason, the message" \
  refusal '.data.category == "service_lifecycle" and (.data.reason | length) > 0 and (.data.message | length) > 0'
expect_event "the answer says refused" answer '.data.refused == true'

KEY=wrong-key-0123456789 sse badkey "How much disk space is left?"
expect_grep "a wrong key: a plain 401 before any stream" '^HTTP/1.1 401' "$SSE_HEADERS"
sse badconv "hi" "not a valid id!"
expect_grep "a bad conversation id: a plain 400" '^HTTP/1.1 400' "$SSE_HEADERS"
req GET /health
expect_jq "the server is healthy" '.status == "healthy"'
check "the server stops cleanly" ha_stop "$PID"
finish
