#!/bin/bash
# One redaction step for everything that leaves the process: marker secrets are planted in every
# place one can come from (the API key, a provider key, a plugin's secret setting), sent back in
# every way a client or a peer can (in the URL path, echoed by a tool, in a model's answer, streamed or not, in a
# provider's error body, cut right inside the secret), and every output is searched for them:
# the server log (access lines included), the audit log and every response body.
# (Docker labels and health-probe output: DockerViewTest, at the unit level.)
# usage: secrets.sh BINARY PLUGIN_DIR FIXTURE_PLUGIN_DIR FAKE_SERVER RESPONSES_DIR
set -uo pipefail
HA_BINARY=$1 PLUGINS=$2 FIXTURES=$3 FAKE=$4 RESP=$5
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/fake-llm.sh"
# Markers without a provider key's shape: only the configured-secret rule can catch them.
KEY=mkey$(openssl rand -hex 16)
GROQ_KEY=mgroq$(openssl rand -hex 16)
PLUGIN_SECRET=mplug$(openssl rand -hex 16)
AUTH=(-H "X-API-Key: $KEY")
MARKERS=("$KEY" "$GROQ_KEY" "$PLUGIN_SECRET")
BODIES=$WORK/bodies
mkdir -p "$BODIES"
provider_plugins
fake_tls fake "$GROQ_KEY"
mkdir -p "$WORK/secrets"
printf 'allow: ["cpu.*", "memory.*", "disk.*", "fixture.echo"]\n' >"$WORK/secrets/policy.yaml"
ha_start secrets "llm:
  provider: groq
  fallback: error
  timeout: 10
plugins:
  directory: $PLUGIN_DIR
  settings:
    fixture-good:
      password: $PLUGIN_SECRET
    groq:
      base_url: $FAKE_URL/openai/v1
      ca_file: $FAKE_CA
      request_timeout_ms: 1000
      max_retries: 1" API_KEY="$KEY" GROQ_API_KEY="$GROQ_KEY" RATE_LIMIT_REQUESTS=1000 || exit 1
keep() { cp "$BODY_FILE" "$BODIES/$1.json"; }  # keep DESC: every body is searched at the end

# A chat completion whose answer is TEXT, or an error body whose message is TEXT.
answer_step() { jq -nc --arg t "$1" '{status: 200, body: {id: "c1", object: "chat.completion", model: "m",
  choices: [{index: 0, message: {role: "assistant", content: $t}, finish_reason: "stop"}]}}'; }
error_step() { jq -nc --argjson s "$1" --arg t "$2" '{status: $s, body: {error: {message: $t, type: "invalid_request_error"}}}'; }
pad() { head -c "$1" /dev/zero | tr '\0' x; }

# In the URL path: whole, and cut by the access log's 200-byte limit 9 characters into the key.
req POST "/v1/tools/$KEY" "${AUTH[@]}"
expect_status "a key in the path: 404" 404
keep path
req POST "/v1/tools/$(pad 181)$KEY" "${AUTH[@]}"
keep path-cut
req POST "/v1/tools/$(pad 181)$KEY"
keep path-cut-no-key

# Echoed by a tool (the fixture's echo returns its input).
for m in "${MARKERS[@]}"; do
  req POST /v1/tools/fixture.echo "${AUTH[@]}" -d "{\"text\":\"a secret: $m\"}"
  expect_status "a tool echoing a secret: 200" 200
  expect_jq "the echoed secret arrives masked" '.result.text == "a secret: [REDACTED]"'
  keep "echo-${m:0:5}"
done

# In the model's answer.
script "[$(answer_step "Here: $KEY, $GROQ_KEY and $PLUGIN_SECRET.")]"
chat "What is the CPU usage?"
expect_status "a model answer echoing the secrets: 200" 200
expect_jq "the answer arrives masked" '.message == "Here: [REDACTED], [REDACTED] and [REDACTED]."'
keep answer

# In a streamed answer: the text events and the final answer event (one chunk holds all three).
jq -nc --arg t "Here: $KEY, $GROQ_KEY and $PLUGIN_SECRET." '{id: "c2", object: "chat.completion.chunk", created: 1,
  model: "m", choices: [{index: 0, delta: {role: "assistant", content: $t}, finish_reason: "stop"}]}' |
  awk '{ print "data: " $0; print ""; print "data: [DONE]"; print "" }' >"$WORK/answer.sse"
script "[{\"stream_file\":\"$WORK/answer.sse\"}]"
sse answer-stream "What is the CPU usage?"
expect_event "the streamed answer event arrives masked" answer '.data.message == "Here: [REDACTED], [REDACTED] and [REDACTED]."'
expect_jq "so do its text events" '[inputs | select(.event == "text_delta") | .data.text] | add == "Here: [REDACTED], [REDACTED] and [REDACTED]."' \
  <(echo null; cat "$EVENTS")
cp "$WORK/answer-stream.sse" "$BODIES/answer-stream.sse"

# In a provider's error body: whole, and where the plugin's 300-byte cut falls 9 characters into it.
script "[$(error_step 400 "Incorrect API key provided: $GROQ_KEY (also $KEY, $PLUGIN_SECRET)")]"
chat "What is the CPU usage?"
expect_status "a provider error echoing the secrets: 502" 502
expect_jq "the error names the provider" '.error | test("groq")'
keep provider-error
script "[$(error_step 400 "$(pad 291)$GROQ_KEY")]"
chat "What is the CPU usage?"
expect_status "a provider error cut inside the key: 502" 502
keep provider-error-cut
script "[$(error_step 500 "upstream failed for $(pad 285)$PLUGIN_SECRET")]"
chat "What is the CPU usage?"
expect_status "a retried 5xx echoing the plugin secret: 502" 502
keep provider-5xx

check "the server stops cleanly" ha_stop "$PID"
outputs=("$LOG" "$DIR/audit.jsonl" "$BODIES")
for m in "${MARKERS[@]}"; do
  # The first 9 characters: a secret cut before it was masked leaves its head.
  expect_no_grep "no output holds ${m:0:5}... (or its first 9 characters)" "${m:0:9}" "${outputs[@]}"
done
expect_grep "the access log has the masked path" '"POST /v1/tools/\[REDACTED\]" 404' "$LOG"
expect_grep "the audit log has the masked answer" 'Here: \[REDACTED\], \[REDACTED\] and \[REDACTED\]' "$DIR/audit.jsonl"
expect_eq "every response body was kept" "$(ls "$BODIES" | wc -l)" 11
finish
