#!/bin/bash
# GET /v1/tools and direct capability calls, through the same gate as the assistant's calls.
# usage: tools-api.sh BINARY PLUGIN_DIR FIXTURE_PLUGIN_DIR
set -uo pipefail
HA_BINARY=$1 PLUGINS=$2 FIXTURES=$3
. "$(dirname "$0")/../lib.sh"
KEY=it-key-$(openssl rand -hex 16)
AUTH=(-H "X-API-Key: $KEY")
ha_start tools "plugins:
  directory: $PLUGINS" API_KEY="$KEY" || exit 1

req GET /v1/tools "${AUTH[@]}"
expect_jq "lists cpu.usage as allowed" '.tools[] | select(.name == "cpu.usage" and .allowed and .effect == "read-only" and .plugin == "cpu")'
expect_jq "shows the policy reason" '.tools[] | select(.name == "disk.usage") | .reason | test("policy.yaml:1")'
expect_jq "includes input schemas" '.tools[] | select(.name == "disk.usage") | .input_schema.properties.path'
expect_jq "names the provider" '.provider == "offline"'
req POST /v1/tools/cpu.usage "${AUTH[@]}"
expect_status "direct cpu.usage: 200" 200
expect_jq "direct cpu.usage: real core count" ".result.cores == $(nproc)"
req POST /v1/tools/disk.usage "${AUTH[@]}" -d '{"path":"/"}'
expect_status "direct disk.usage for /: 200" 200
expect_jq "direct disk.usage for /: mount point" '.result.filesystems[0].mount_point == "/"'
req POST /v1/tools/disk.usage "${AUTH[@]}" -d '{"path":5}'
expect_status "schema violation: 400" 400
expect_body "schema violation: names the field" '$.path'
req POST /v1/tools/disk.usage "${AUTH[@]}" -d '{"path":"/nonexistent/x"}'
expect_status "missing path: 404" 404
req POST /v1/tools/no.such "${AUTH[@]}"
expect_status "unknown capability: 404" 404
check "the server stops cleanly" ha_stop "$PID"
finish
