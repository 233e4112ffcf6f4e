#!/bin/bash
# A local OpenAI-compatible server over http:// without a key (llama.cpp's shapes), set up only
# with the original service's environment variables (the alias table).
# usage: local.sh BINARY PLUGIN_DIR FIXTURE_PLUGIN_DIR FAKE_SERVER RESPONSES_DIR
set -uo pipefail
HA_BINARY=$1 PLUGINS=$2 FIXTURES=$3 FAKE=$4 RESP=$5
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/fake-llm.sh"
provider_plugins
fake_start local
FAKE_URL=http://127.0.0.1:$FAKE_PORT
FAKE_CA=/dev/null
provider_policy local
ha_start local "llm:
  fallback: error
plugins:
  directory: $PLUGIN_DIR" API_KEY="$KEY" LLM_PROVIDER=openai OPENAI_BASE_URL="$FAKE_URL/v1" LLM_MODEL=local || exit 1
expect_grep "the openai provider is used for the local server, keyless" "LLM provider: openai \(model local at $FAKE_URL/v1\)" "$LOG"
script "[$(step 200 llamacpp_tool_call.json), $(step 200 llamacpp_final.json)]"
chat "What is the memory usage?"
recorded
expect_jq "local: answered, the tool ran" '.message == "Done." and .tool_calls_made == ["memory.usage"]'
expect_eq "local: no Authorization header without a key" "$(rq '.[0].auth')" missing
expect_eq "local: model from LLM_MODEL" "$(rq '.[0].body.model')" local
script "[$(step 401 llamacpp_invalid_key.json)]"
chat "cpu?"
expect_status "local: llama.cpp's integer error code 401 is a credentials error (502)" 502
expect_jq "local: says the key was rejected" '.error | test("API key was rejected")'
check "the server stops cleanly" ha_stop "$PID"
finish
