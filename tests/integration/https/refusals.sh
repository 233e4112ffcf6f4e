#!/bin/bash
# Requests to change anything are refused before any model or tool runs, and audited.
# usage: refusals.sh BINARY PLUGIN_DIR FIXTURE_PLUGIN_DIR
set -uo pipefail
HA_BINARY=$1 PLUGINS=$2 FIXTURES=$3
. "$(dirname "$0")/../lib.sh"
KEY=it-key-$(openssl rand -hex 16)
ha_start refusals "plugins:
  directory: $PLUGINS" API_KEY="$KEY" || exit 1

chat "Please restart the nginx container"
expect_status "restart request: answered (200)" 200
expect_jq "restart request: refused, no tool ran" '.refused == true and (.tool_calls_made | length) == 0'
expect_body "restart request: says read-only" "read-only"
expect_jq "restart request: audited with the reason" '.refused == true and (.refusal_reason | test("restart"))' <(tail -1 "$DIR/audit.jsonl")
chat "sudo zfs destroy tank/media"
expect_jq "command line: refused" '.refused == true'
check "the server stops cleanly" ha_stop "$PID"
finish
