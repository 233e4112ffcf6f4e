#!/bin/bash
# The openai provider plugin with OpenAI's response shapes: round trip, quota, a rejected key.
# usage: openai.sh BINARY PLUGIN_DIR FIXTURE_PLUGIN_DIR FAKE_SERVER RESPONSES_DIR
set -uo pipefail
HA_BINARY=$1 PLUGINS=$2 FIXTURES=$3 FAKE=$4 RESP=$5
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/fake-llm.sh"
provider_plugins
fake_tls fake "$OPENAI_KEY"
provider_policy openai
ha_start openai "llm:
  provider: openai
  fallback: error
  timeout: 10
plugins:
  directory: $PLUGIN_DIR
  settings:
    openai:
      ca_file: $FAKE_CA
      request_timeout_ms: 2000" API_KEY="$KEY" OPENAI_API_KEY="$OPENAI_KEY" OPENAI_BASE_URL="$FAKE_URL/v1" || exit 1
script "[$(step 200 openai_tool_call.json), $(step 200 openai_final.json)]"
chat "How much disk space is left?"
recorded
expect_jq "openai: answered, content null + tool_calls handled" '.message == "The root filesystem has plenty of free space." and .tool_calls_made == ["disk.usage"]'
expect_eq "openai: arguments passed through" "$(rq '.[1].body.messages[-1].content | fromjson | .result.filesystems[0].mount_point')" /
expect_eq "openai: Authorization with OPENAI_API_KEY, the plugin's default model" "$(rq '.[0].auth + " " + .[0].body.model')" "ok gpt-4o-mini"
expect_eq "openai: 30-character tool_call_id round trip" "$(rq '.[1].body.messages[-1].tool_call_id')" call_Xy12Ab34Cd56Ef78Gh90Ij12
script "[$(step 429 openai_insufficient_quota.json)]"
chat "cpu?"
recorded
expect_status "insufficient_quota: 503" 503
expect_jq "insufficient_quota: a clear error" '.error | test("no quota")'
expect_eq "insufficient_quota: not retried" "$(nreq)" 1
script "[$(step 401 openai_invalid_key.json)]"
chat "cpu?"
expect_status "openai 401: 502" 502
expect_no_body "openai 401: the provider's text quoting the key is not passed on" "Incorrect API key"
check "the server stops cleanly" ha_stop "$PID"
expect_no_key_leak
finish
