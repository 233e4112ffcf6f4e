#!/bin/bash
# End to end through the real HTTPS /chat against a REAL llama.cpp llama-server (Debian sid's
# llama.cpp-tools unpacked without installing) serving a tiny scripted GGUF model: offered
# tools it calls one, after the tool result it answers "Done.". This exercises the protocol
# against an independent implementation, not a model's judgement. Exits 77 (skipped) when the
# server cannot be had on this machine.
# usage: test-llama-server.sh BINARY PLUGIN_DIR SOURCE_DIR
set -uo pipefail
HA_BINARY=$1
PLUGINS=$2
SOURCE=$3
. "$(dirname "$0")/lib.sh"

skip() {
  echo "SKIPPED: $1"
  echo "         the providers were NOT tested against a real llama.cpp server here."
  exit 77
}

LLM_DIR=$SOURCE/../shared/llm
[ -x "$LLM_DIR/setup-llama-server.sh" ] || LLM_DIR=$SOURCE/tests/llm
CACHE=${HA_LLAMA_CACHE:-/var/tmp/homelab-assistant-tests/llama-sid}

if ! command -v node >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs >/dev/null 2>&1 || true
  fi
  command -v node >/dev/null || skip "node is needed to write the test model (apt-get install nodejs)"
fi
if ! "$CACHE/llama-server" --version >/dev/null 2>&1; then
  echo "== fetching llama.cpp's llama-server from Debian sid into $CACHE"
  "$LLM_DIR/setup-llama-server.sh" "$CACHE" >"$WORK/setup.log" 2>&1 || { tail -5 "$WORK/setup.log"; skip "llama-server could not be fetched from Debian sid here"; }
fi
node "$LLM_DIR/make-scripted-gguf.mjs" "$WORK/scripted.gguf" >/dev/null || skip "the test model could not be written"

LLAMA_KEY=llama-key-$(openssl rand -hex 12)
start_llama() {  # start_llama PORT_VAR
  local port
  for attempt in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 20000))
    "$CACHE/llama-server" -m "$WORK/scripted.gguf" --host 127.0.0.1 --port "$port" --jinja -t 2 -c 4096 \
      --api-key "$LLAMA_KEY" >"$WORK/llama.log" 2>&1 &
    LLAMA_PID=$!
    HA_PIDS="${HA_PIDS:-} $LLAMA_PID"
    for i in $(seq 1 300); do
      curl -sf "http://127.0.0.1:$port/health" -o /dev/null && { LLAMA_PORT=$port; return 0; }
      kill -0 "$LLAMA_PID" 2>/dev/null || break
      sleep 0.1
    done
    { kill "$LLAMA_PID" && wait "$LLAMA_PID"; } 2>/dev/null
  done
  return 1
}
start_llama || { tail -5 "$WORK/llama.log"; skip "llama-server did not start"; }
echo "== llama-server $("$CACHE/llama-server" --version 2>&1 | head -1) on 127.0.0.1:$LLAMA_PORT"

KEY=e2e-key-$(openssl rand -hex 12)
mkdir -p "$WORK/e2e" && printf 'allow: ["cpu.*", "memory.*", "disk.*"]\n' >"$WORK/e2e/policy.yaml"
# Greedy sampling: the scripted model's choices are ties that only greedy decoding breaks the same
# way every time.
ha_start e2e "plugins:
  directory: $PLUGINS
  settings:
    openai:
      temperature: 0" API_KEY="$KEY" LLM_PROVIDER=openai OPENAI_BASE_URL="http://127.0.0.1:$LLAMA_PORT/v1" \
  OPENAI_API_KEY="$LLAMA_KEY" LLM_MODEL=scripted || exit 1
req POST /chat -H "X-API-Key: $KEY" -d '{"message":"How much disk space is left?"}'
check "chat through llama-server: 200" status_is 200
check "the model called one of the offered tools" bash -c 'jq -e ".tool_calls_made | length == 1 and (.[0] | IN(\"cpu.usage\",\"memory.usage\",\"disk.usage\"))" "$0" >/dev/null' "$BODY_FILE"
check "and answered after the tool result" json_eq .message "Done."
line=$(tail -1 "$DIR/audit.jsonl")
check "audit: two model rounds, tool call allowed and ok, provider openai" bash -c 'jq -e ".rounds == 2 and .provider == \"openai\" and .tool_call_details[0].status == \"ok\" and (.tool_call_details[0].id | length) > 0" <<<"$0" >/dev/null' "$line"
# The same question streamed: the plugin asks llama-server for "stream": true and assembles its
# SSE deltas (the tool call's arguments come in fragments), the host streams events to curl.
sse e2e-stream "How much disk space is left?"
expect_eq "streamed through llama-server: events in order" "$(event_names)" \
  "start tool_call_started tool_call_finished text_delta answer"
expect_jq "the streamed text is llama.cpp's answer" \
  '[inputs] as $e | ([$e[] | select(.event == "text_delta") | .data.text] | add) == "Done." and ($e[] | select(.event == "answer") | .data.message == "Done.")' \
  <(echo null; cat "$EVENTS")
expect_event "the streamed tool call ran" tool_call_finished '.data.status == "ok" and .data.decision == "allowed"'
check "audit: streamed, two rounds" bash -c 'tail -1 "$0" | jq -e ".streamed == true and .rounds == 2 and .status == 200" >/dev/null' "$DIR/audit.jsonl"
check "the llama.cpp key is in no log" bash -c '! grep -qF "$0" "$1" "$2/audit.jsonl"' "$LLAMA_KEY" "$LOG" "$DIR"
ha_stop "$PID"

ha_start wrongkey "llm:
  fallback: error
plugins:
  directory: $PLUGINS" API_KEY="$KEY" LLM_PROVIDER=openai OPENAI_BASE_URL="http://127.0.0.1:$LLAMA_PORT/v1" \
  OPENAI_API_KEY=wrong-key-0123456789 LLM_MODEL=scripted || exit 1
req POST /chat -H "X-API-Key: $KEY" -d '{"message":"How much disk space is left?"}'
check "a wrong key: llama-server's real 401 becomes a clear 502" bash -c '[ "$0" = 502 ] && jq -e ".error | test(\"API key was rejected\")" "$1" >/dev/null' "$STATUS" "$BODY_FILE"
ha_stop "$PID"

ha_start fallback "plugins:
  directory: $PLUGINS" API_KEY="$KEY" LLM_PROVIDER=openai OPENAI_BASE_URL="http://127.0.0.1:$LLAMA_PORT/v1" \
  OPENAI_API_KEY=wrong-key-0123456789 LLM_MODEL=scripted || exit 1
req POST /chat -H "X-API-Key: $KEY" -d '{"message":"How much disk space is left?"}'
check "with the default fallback the same 401 is answered offline, degraded" \
  bash -c '[ "$0" = 200 ] && jq -e ".degraded == true and .tool_calls_made == [\"disk.usage\"]" "$1" >/dev/null' "$STATUS" "$BODY_FILE"
ha_stop "$PID"

finish
