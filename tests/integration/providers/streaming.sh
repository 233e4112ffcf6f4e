#!/bin/bash
# POST /chat as Server-Sent Events through a provider plugin that streams: the fake model server
# replays recorded OpenAI, Groq and llama.cpp streams chunk by chunk with a delay, and curl -N
# stamps every event as it arrives. Events come incrementally and in order, the final event is
# today's JSON answer, the audit line comes first (a broken audit log ends the stream with the
# 500 error), failures retry only before any text went out, and a client that hangs up cancels
# the turn: the plugin drops its connection to the model server, the audit line says so, the
# server stays healthy.
# usage: streaming.sh BINARY PLUGIN_DIR FIXTURE_PLUGIN_DIR FAKE_SERVER RESPONSES_DIR
set -uo pipefail
HA_BINARY=$1 PLUGINS=$2 FIXTURES=$3 FAKE=$4 RESP=$5
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/fake-llm.sh"
provider_plugins
fake_tls fake "$OPENAI_KEY"
provider_policy openai
ha_start openai "llm:
  provider: openai
  timeout: 20
plugins:
  directory: $PLUGIN_DIR
  settings:
    openai:
      base_url: $FAKE_URL/v1
      ca_file: $FAKE_CA
      request_timeout_ms: 8000
      max_retries: 2" API_KEY="$KEY" OPENAI_API_KEY="$OPENAI_KEY" RATE_LIMIT_REQUESTS=1000 || exit 1
sstep() { printf '{"stream_file":"%s/%s"%s}' "$RESP" "$1" "${2:+,$2}"; }
audit_last() { tail -1 "$DIR/audit.jsonl"; }

echo "== OpenAI: two tool calls streamed in fragments, then the answer 80 ms a chunk"
script "[$(sstep openai_stream_tool_call.sse), $(sstep openai_stream_final.sse '"chunk_delay_ms":80')]"
sse openai "How much disk space and memory is left?"
expect_grep "the stream is text/event-stream, chunked" '^[Cc]ontent-[Tt]ype: text/event-stream' "$SSE_HEADERS"
expect_eq "events in order" "$(event_names)" \
  "start tool_call_started tool_call_finished tool_call_started tool_call_finished text_delta answer"
expect_jq "tool calls: capability, arguments as JSON, decision, status, duration" \
  '[inputs | select(.event == "tool_call_finished") | .data] as $f | $f[0].capability == "disk.usage" and $f[0].decision == "allowed"
   and $f[0].status == "ok" and ($f[0].duration_ms | type) == "number" and $f[0].error == null and $f[1].capability == "memory.usage"' \
  <(echo null; cat "$EVENTS")
expect_event "the start event names the arguments as the model sent them" \
  tool_call_started 'select(.data.capability == "disk.usage") | .data.arguments == {"path": "/"}'
expect_jq "deltas put together are the answer" \
  '[inputs] as $e | ([$e[] | select(.event == "text_delta") | .data.text] | add) == ($e[] | select(.event == "answer") | .data.message)' \
  <(echo null; cat "$EVENTS")
first=$(jq -s '[.[] | select(.event == "text_delta")][0].t' "$EVENTS")
last=$(jq -s '.[] | select(.event == "answer") | .t' "$EVENTS")
ndeltas=$(jq -s '[.[] | select(.event == "text_delta")] | length' "$EVENTS")
echo "   first text at ${first} ms, answer at ${last} ms, ${ndeltas} text events"
check "text arrives incrementally: the first delta over a second before the answer" [ $((last - first)) -ge 1000 ]
check "in several events" [ "$ndeltas" -ge 5 ]
expect_event "the final event is the JSON answer" \
  answer '.data | (keys == ["conversation_id","message","provider","refused","tool_calls_made"]) and .provider == "openai"
   and .tool_calls_made == ["disk.usage","memory.usage"] and .refused == false and (.message | startswith("The root filesystem has 42.1 GiB free"))'
recorded
expect_jq "the model was asked to stream" '.[0].body.stream == true and .[1].body.stream == true' "$REQS"
expect_jq "the audit line: streamed, both calls, status 200" \
  '.streamed == true and .status == 200 and .tool_calls == ["disk.usage","memory.usage"] and (.assistant_response | startswith("The root"))' <(audit_last)
conv=$(jq -r 'select(.event == "start") | .data.conversation_id' "$EVENTS")
check "the start event carries the conversation id" [ -n "$conv" ]

echo "== the same answer for a client that does not stream"
script "[$(step 200 openai_final.json)]"
chat "How much disk space is left?"
expect_status "plain /chat: 200" 200
expect_jq "plain /chat: today's fields, nothing more" \
  'keys == ["conversation_id","message","provider","refused","tool_calls_made"] and .message == "The root filesystem has plenty of free space."' 
expect_grep "plain /chat: application/json" '^[Cc]ontent-[Tt]ype: application/json' "$HEADERS"
recorded
expect_jq "plain /chat asks the model for no stream" '.[0].body.stream == false' "$REQS"
req POST /chat "${AUTH[@]}" -d '{"message":"hi","stream":"yes"}'
expect_status "\"stream\" that is not a boolean: 400" 400
script "[$(sstep openai_stream_final.sse)]"
req POST /chat "${AUTH[@]}" -N -d '{"message":"How much disk space is left?","stream":true}'
expect_grep "\"stream\": true without the Accept header streams too" '^event: answer' "$BODY_FILE"

echo "== Groq and llama.cpp streams"
provider_policy groq
ha_stop "$PID"
ha_start groq "llm:
  provider: groq
plugins:
  directory: $PLUGIN_DIR
  settings:
    groq:
      base_url: $FAKE_URL/openai/v1
      ca_file: $FAKE_CA" API_KEY="$KEY" GROQ_API_KEY="$GROQ_KEY" RATE_LIMIT_REQUESTS=1000 || exit 1
script "[$(sstep groq_stream_tool_call.sse), $(sstep groq_stream_final.sse '"chunk_delay_ms":20')]"
sse groq "What is the CPU usage?"
expect_eq "groq: events in order" "$(event_names)" "start tool_call_started tool_call_finished text_delta answer"
expect_event "groq: a whole tool call in one delta, then the answer" \
  answer '.data.tool_calls_made == ["cpu.usage"] and .data.message == "CPU usage is 7% over the last sample, with a load average of 0.42."'
script "[$(sstep llamacpp_stream_tool_call.sse), $(sstep llamacpp_stream_final.sse)]"
sse llama "How much disk space is left?"
expect_event "llama.cpp: arguments in two fragments, a tool call, then \"Done.\"" \
  answer '.data.tool_calls_made == ["disk.usage"] and .data.message == "Done."'

echo "== failures: retried only before any text went out"
script "[$(step 503 server_error.json), $(sstep groq_stream_final.sse)]"
sse retry "What is the CPU usage?"
recorded
expect_eq "a 503 before the stream: asked again" "$(nreq)" 2
expect_event "and answered, not degraded" answer '.data.provider == "groq" and (.data | has("degraded") | not)'
script "[$(sstep openai_stream_error.sse), $(sstep groq_stream_final.sse)]"
sse midstream "What is the CPU usage?"
recorded
expect_eq "an error after part of the text: not asked again" "$(nreq)" 1
expect_eq "the offline provider takes over" "$(event_names)" "start text_delta degraded tool_call_started tool_call_finished text_delta answer"
expect_jq "degraded: the notice, then the answer says so" \
  '[inputs] as $e | ($e[] | select(.event == "degraded") | .data.provider == "groq" and .data.status == "unavailable")
   and ($e[] | select(.event == "answer") | .data.degraded == true and (.data.message | test("CPU: ")))' <(echo null; cat "$EVENTS")
expect_jq "the audit line has the provider's error" '.degraded == true and (.provider_error | test("failed while streaming"))' <(audit_last)

echo "== a broken audit log: the 500 error is the last event, no answer after it"
script "[$(sstep groq_stream_final.sse)]"
mv "$DIR/audit.jsonl" "$DIR/audit.saved" && mkdir "$DIR/audit.jsonl"
sse noaudit "Is the CPU busy?"
expect_event "error 500: withheld" error '.data.status == 500 and (.data.error | test("answer was withheld"))'
expect_eq "no answer event" "$(jq -r 'select(.event == "answer") | .event' "$EVENTS")" ""
rmdir "$DIR/audit.jsonl" && mv "$DIR/audit.saved" "$DIR/audit.jsonl"

echo "== the client hangs up: the turn is cancelled"
# When the plugin hung up on the fake (ms into its hang), "never" if not within 3 s of asking:
# the cancel travels from the event loop through the turn to the plugin's next look at it.
closed_after() {
  local i v=never
  for i in $(seq 1 30); do
    recorded
    v=$(jq -r '.[0].closed_after_ms // "never"' "$REQS")
    [ "$v" != never ] && break
    sleep 0.1
  done
  echo "$v"
}
script "[$(sstep groq_stream_final.sse '"chunk_delay_ms":100,"hang_after":6')]"
sse hangup "What is the CPU usage?" "" --max-time 2
closed=$(closed_after)
echo "   the plugin closed its connection to the model ${closed} ms into the hang"
check "mid-stream: the provider call saw the cancel and hung up on the model server" \
  bash -c '[ "$0" != never ] && [ "$0" -lt 2500 ]' "$closed"
expect_jq "mid-stream: the audit line records the cancel" \
  '.cancelled == true and .status == 499 and .streamed == true and (.error | test("client went away"))' <(audit_last)
script '[{"hang":true}]'
sse hung "What is the CPU usage?" "" --max-time 1.5
closed=$(closed_after)
echo "   a model server that never answers: dropped ${closed} ms into the hang"
check "a hung model server: dropped once the client left" bash -c '[ "$0" != never ] && [ "$0" -lt 2500 ]' "$closed"
expect_jq "a hung model server: cancelled, not degraded" '.cancelled == true and .status == 499 and (has("degraded") | not)' <(audit_last)
script '[{"hang":true}]'
req POST /chat "${AUTH[@]}" --max-time 1.5 -d '{"message":"What is the CPU usage?"}'
sleep 0.5
expect_jq "a plain client that hangs up is audited as cancelled too" '.cancelled == true and .status == 499 and (has("streamed") | not)' <(audit_last)
script "[$(sstep groq_stream_final.sse)]"
sse after "What is the CPU usage?"
expect_event "the server still answers afterwards" answer '.data.provider == "groq"'
expect_no_grep "no plugin call was left stuck" "earlier calls are still running" "$LOG"
check "the server stops cleanly" ha_stop "$PID"
expect_no_key_leak
finish
