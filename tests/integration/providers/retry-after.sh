#!/bin/bash
# Numbers a model server sends are clamped before any arithmetic: a huge retry-after-ms (the
# issue's 18446744073610) or retry-after no longer overflows the deadline sum, so the provider
# answers "rate limited, no time left to retry" at once instead of sleeping forever (which, after
# four such replies, left every /chat at 502 until a restart). Waits that fit are still waited.
# usage: retry-after.sh BINARY PLUGIN_DIR FIXTURE_PLUGIN_DIR FAKE_SERVER RESPONSES_DIR
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
  timeout: 8
plugins:
  directory: $PLUGIN_DIR
  settings:
    groq:
      base_url: $FAKE_URL/openai/v1
      ca_file: $FAKE_CA
      request_timeout_ms: 1000" API_KEY="$KEY" GROQ_API_KEY="$GROQ_KEY" RATE_LIMIT_REQUESTS=1000 || exit 1

timed_chat() {  # timed_chat MESSAGE: chat, with the time it took in $ELAPSED (ms)
  local start
  start=$(date +%s%N)
  chat "$1"
  ELAPSED=$(( ($(date +%s%N) - start) / 1000000 ))
}

for value in 18446744073610 99999999999999999999999 1e309; do
  script "[$(step 429 groq_rate_limited.json "\"headers\":{\"retry-after-ms\":\"$value\"}")]"
  for i in 1 2 3 4 5; do
    timed_chat "cpu?"
    expect_status "retry-after-ms: $value (#$i): 503 rate limited" 503
    check "  answered at once (${ELAPSED} ms), not after the turn deadline" [ "$ELAPSED" -lt 4000 ]
  done
  expect_jq "  says there is no time left to retry" '.error | test("rate limit") and test("no time left to retry")'
done
for value in 1e300 9223372036854775807 -5 soon; do
  script "[$(step 429 groq_rate_limited.json "\"headers\":{\"retry-after\":\"$value\"}"), $(step 200 groq_final.json)]"
  timed_chat "cpu?"
  case $value in
    -5 | soon)
      expect_status "retry-after: $value is no number to wait for: backoff, then answered" 200 ;;
    *)
      expect_status "retry-after: $value: 503 at once" 503
      check "  in ${ELAPSED} ms" [ "$ELAPSED" -lt 4000 ] ;;
  esac
done

# After all of that the provider still answers: no thread is stuck sleeping inside it.
script "[$(step 200 groq_final.json)]"
chat "What is the CPU usage?"
expect_status "the model answers again: 200" 200
expect_jq "with its text" '.message == "The CPU is almost idle." and .provider == "groq"'
# A wait that fits before the deadline is waited, and a retry follows.
script "[$(step 429 groq_rate_limited.json '"headers":{"retry-after-ms":"1200"}'), $(step 200 groq_final.json)]"
timed_chat "cpu?"
recorded
expect_status "retry-after-ms 1200 within an 8 s turn: answered after the wait" 200
check "  waited (${ELAPSED} ms)" [ "$ELAPSED" -ge 1200 ]
expect_eq "  two requests" "$(nreq)" 2
check "the server is healthy" curl -sf --cacert "$CACERT" "$URL/health" -o /dev/null
check "the server stops cleanly" ha_stop "$PID"
expect_no_grep "no stuck plugin calls" "did not return before the deadline" "$LOG"
finish
