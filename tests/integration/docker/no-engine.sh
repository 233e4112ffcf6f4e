#!/bin/bash
# Without an engine, or with one that never answers: clear errors within the deadline, and the
# assistant still answers everything else (Docker's outage is a finding, not health).
# usage: no-engine.sh BINARY PLUGIN_DIR SILENT_SOCKET_HELPER
set -uo pipefail
HA_BINARY=$1 PLUGINS=$2 SILENT=$3
. "$(dirname "$0")/../lib.sh"
KEY=docker-key-$(openssl rand -hex 12)
AUTH=(-H "X-API-Key: $KEY")
"$SILENT" "$WORK/silent.sock" &
HA_PIDS="${HA_PIDS:-} $!"
ha_start nodocker "plugins:
  directory: $PLUGINS
  settings:
    docker:
      socket: /nonexistent/docker.sock" API_KEY="$KEY" || exit 1
req POST /v1/tools/docker.containers "${AUTH[@]}"
expect_status "no engine: 503" 503
expect_body "no engine: says where it looked" "Docker is not reachable at /nonexistent/docker.sock"
chat "Is everything running correctly?"
expect_status "no engine: the assistant still answers" 200
expect_jq "no engine: the rest of the health check is there" '.message | test("memory")'
expect_jq "no engine: and Docker's outage is a problem, not health" '.message | test("Docker could not be checked: Docker is not reachable at /nonexistent/docker.sock")'
ha_stop "$PID"

ha_start slowdocker "plugins:
  directory: $PLUGINS
  settings:
    docker:
      socket: $WORK/silent.sock
      request_timeout_ms: 1000" API_KEY="$KEY" || exit 1
start=$(date +%s%N)
req POST /v1/tools/docker.containers "${AUTH[@]}"
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
expect_status "hung engine: a timeout error (504)" 504
expect_body "hung engine: says so" "did not answer in time"
check "hung engine: within the deadline (${elapsed} ms)" [ "$elapsed" -lt 3000 ]
check "server still healthy" curl -sf --cacert "$CACERT" "$URL/health" -o /dev/null
check "the server stops cleanly" ha_stop "$PID"
finish
