#!/bin/bash
# llm.provider: auto tries llm.auto_order and skips providers that say they are not ready (no
# key); with none ready it answers offline.
# usage: auto.sh BINARY PLUGIN_DIR FIXTURE_PLUGIN_DIR FAKE_SERVER RESPONSES_DIR
set -uo pipefail
HA_BINARY=$1 PLUGINS=$2 FIXTURES=$3 FAKE=$4 RESP=$5
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/fake-llm.sh"
provider_plugins
fake_tls fake "$OPENAI_KEY"
provider_policy auto
ha_start auto "plugins:
  directory: $PLUGIN_DIR
  settings:
    openai:
      ca_file: $FAKE_CA" API_KEY="$KEY" OPENAI_API_KEY="$OPENAI_KEY" OPENAI_BASE_URL="$FAKE_URL/v1" || exit 1
expect_grep "groq has no key: skipped with the reason" "LLM provider groq skipped: no api_key is configured for groq" "$LOG"
expect_grep "openai is next in the order and ready" "LLM provider: openai \(model gpt-4o-mini at $FAKE_URL/v1\)" "$LOG"
script "[$(step 200 openai_final.json)]"
chat "hello"
expect_jq "openai answers" '.provider == "openai"'
ha_stop "$PID"
provider_policy none
ha_start none "plugins:
  directory: $PLUGIN_DIR" API_KEY="$KEY" || exit 1
expect_grep "no provider ready: offline" "LLM provider: offline" "$LOG"
chat "What is the CPU usage?"
expect_jq "the offline provider answers" '.provider == "offline" and .tool_calls_made == ["cpu.usage"]'
check "the server stops cleanly" ha_stop "$PID"
expect_no_key_leak
finish
