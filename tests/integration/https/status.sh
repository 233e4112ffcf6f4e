#!/bin/bash
# GET /v1/status: every plugin's findings and the overall verdict, as JSON for dashboards.
# usage: status.sh BINARY PLUGIN_DIR FIXTURE_PLUGIN_DIR
set -uo pipefail
HA_BINARY=$1 PLUGINS=$2 FIXTURES=$3
. "$(dirname "$0")/../lib.sh"
KEY=it-key-$(openssl rand -hex 16)
AUTH=(-H "X-API-Key: $KEY")
# A UPS on battery (the SDK's C example plugin) makes a real warning; Docker is not there.
printf 'ups.status: OB DISCHRG\nbattery.charge: 41\nbattery.runtime: 720\n' >"$WORK/ups.status"
ha_plugin_dir plugins "$PLUGINS"/*.so "$FIXTURES/example_ups.so"
mkdir -p "$WORK/status" && printf 'allow: ["cpu.*", "memory.*", "disk.*", "docker.*", "ups.*"]\n' >"$WORK/status/policy.yaml"
ha_start status "plugins:
  directory: $PLUGIN_DIR
  settings:
    docker:
      socket: $WORK/no-docker.sock
    example-ups:
      status_file: $WORK/ups.status" API_KEY="$KEY" || exit 1

req GET /v1/status
expect_status "needs the key" 401
req GET /v1/status "${AUTH[@]}"
expect_status "200" 200
expect_jq "verdict warning (UPS on battery, Docker unreachable)" '.verdict == "warning"'
expect_jq "the summary comes first" '.summary | test("^[0-9]+ problems?: ")'
expect_jq "findings carry plugin, severity, check, subject, message" \
  '.findings | all(has("plugin") and has("severity") and has("check") and has("subject") and has("message"))'
expect_jq "the third-party plugin's check is in the verdict" '.findings[] | select(.plugin == "example-ups" and .severity == "warning" and .check == "ups.power")'
expect_jq "docker's outage is a warning finding" '.findings[] | select(.plugin == "docker" and .check == "docker.unreachable")'
expect_jq "problems come first, then what is fine" '[.findings[].severity] | . == (map(select(. != "ok")) + map(select(. == "ok")))'
expect_jq "counts per severity" '.counts.warning >= 2 and .counts.ok >= 2 and .counts.critical == 0'
expect_jq "every plugin with checks is a source" '[.sources[].plugin] | contains(["cpu","disk","docker","example-ups","memory"])'
expect_jq "a timestamp and a duration" '(.checked_at | test("Z$")) and .duration_ms >= 0'
chat "Is everything running correctly?"
expect_jq "the chat verdict says the same" '.message | test("The UPS is running on battery \\(41% left\\)")'
printf 'ups.status: OL\nbattery.charge: 100\n' >"$WORK/ups.status"
req GET /v1/status "${AUTH[@]}"
expect_jq "back on mains: the UPS finding is ok" '.findings[] | select(.plugin == "example-ups" and .severity == "ok")'
check "the server stops cleanly" ha_stop "$PID"
finish
