#!/bin/bash
# Integration test of the docker plugin against a REAL engine: a private dockerd on a unix
# socket with sample containers in every state (../shared/docker-engine.sh, or the vendored copy),
# queried through the real server over HTTPS. Exits 77 (skipped) only when no engine can start.
# usage: test-docker.sh BINARY PLUGIN_DIR SILENT_SOCKET_HELPER SOURCE_DIR
set -uo pipefail
HA_BINARY=$1
PLUGINS=$2
SILENT=$3
SOURCE=$4
. "$(dirname "$0")/lib.sh"

ENGINE_SCRIPT=$SOURCE/../shared/docker-engine.sh
[ -x "$ENGINE_SCRIPT" ] || ENGINE_SCRIPT=$SOURCE/tests/docker/docker-engine.sh
ENGINE_DIR=/tmp/ha-engine-$$
engine_down() { "$ENGINE_SCRIPT" down "$ENGINE_DIR" >/dev/null 2>&1 || true; ha_cleanup; }
trap engine_down EXIT

echo "== starting a private Docker engine with $ENGINE_SCRIPT"
if ! HEALTH_INTERVAL=5s "$ENGINE_SCRIPT" up "$ENGINE_DIR" >"$WORK/engine.log" 2>&1; then
  tail -20 "$WORK/engine.log"
  echo "SKIPPED: no container engine could be started on this machine (see the log above);"
  echo "         the docker plugin was NOT tested against a real engine here."
  exit 77
fi
SOCK=$(tail -1 "$WORK/engine.log")
. "$ENGINE_DIR/env"
echo "   engine $ENGINE on $SOCK ($(grep -c ': status=' "$WORK/engine.log") sample containers)"
cli() { DOCKER_HOST=unix://$SOCK DOCKER_CONFIG=$ENGINE_DIR/cli-config docker "$@"; }

# A container holding secrets in its environment, labels and command line.
cli create --network none --name t-secret -e DB_PASSWORD=hunter2-in-env -l "db.password=hunter2-in-label" \
  -l "com.example.role=web" localhost/engine-sample:latest sh -c 'echo hunter2-in-command' >/dev/null
T0=$(date +%s.%N)  # from here on only the test's own t-fresh may change engine state

KEY=docker-key-$(openssl rand -hex 12)
AUTH=(-H "X-API-Key: $KEY")
ha_start docker "plugins:
  directory: $PLUGINS
  settings:
    docker:
      socket: $SOCK" API_KEY="$KEY" RATE_LIMIT_REQUESTS=1000 || exit 1

echo "-- docker.containers: every sample state"
req POST /v1/tools/docker.containers "${AUTH[@]}"
check "docker.containers: 200" status_is 200
c() { jq -r --arg n "$1" ".result.containers[] | select(.name == \$n) | $2" "$BODY_FILE"; }
check "negotiated an API version" bash -c '[ -n "$(jq -r .result.engine.api_version "$0")" ]' "$BODY_FILE"
check "t-running is running" [ "$(c t-running .state)" = running ]
check "t-running has an uptime" [ "$(c t-running .uptime_seconds)" -gt 0 ]
check "t-exit0 exited with 0" [ "$(c t-exit0 '.state + " " + (.exit_code|tostring)')" = "exited 0" ]
check "t-exit1 exited with 1" [ "$(c t-exit1 '.state + " " + (.exit_code|tostring)')" = "exited 1" ]
check "t-killed exited with 137, not OOM" [ "$(c t-killed '(.exit_code|tostring) + " " + (.oom_killed|tostring)')" = "137 false" ]
if [ "$(cli inspect --format '{{.State.OOMKilled}}' t-oom)" = true ]; then
  check "t-oom was OOM-killed" [ "$(c t-oom '(.exit_code|tostring) + " " + (.oom_killed|tostring)')" = "137 true" ]
else
  echo "  note the engine could not OOM-kill t-oom here (no memory cgroup); OOM assertions skipped"
fi
check "t-restart restarted 3 times" [ "$(c t-restart '.restart_count')" = 3 ]
check "t-paused is paused" [ "$(c t-paused .state)" = paused ]
check "t-created is created" [ "$(c t-created .state)" = created ]
check "t-healthy is healthy" [ "$(c t-healthy .health)" = healthy ]
check "t-unhealthy is unhealthy" [ "$(c t-unhealthy .health)" = unhealthy ]
check "t-starting is starting" [ "$(c t-starting .health)" = starting ]
check "summary counts the unhealthy one" json_eq .result.summary.unhealthy 1
check "no secret leaves the plugin (list)" bash -c '! grep -q hunter2 "$0"' "$BODY_FILE"

echo "-- docker.inspect"
req POST /v1/tools/docker.inspect "${AUTH[@]}" -d '{"container":"t-unhealthy"}'
check "inspect: 200" status_is 200
check "inspect: health status and failing streak" bash -c 'jq -e ".result.health.status == \"unhealthy\" and .result.health.failing_streak >= 1 and (.result.health.last_probes | length) >= 1" "$0" >/dev/null' "$BODY_FILE"
req POST /v1/tools/docker.inspect "${AUTH[@]}" -d '{"container":"t-oom"}'
check "inspect: exit code and finish time" bash -c 'jq -e ".result.exit_code == 137 and (.result.finished_at | length) > 0" "$0" >/dev/null' "$BODY_FILE"
req POST /v1/tools/docker.inspect "${AUTH[@]}" -d '{"container":"t-secret"}'
check "inspect t-secret: 200" status_is 200
check "inspect: harmless labels kept" json_eq '.result.labels["com.example.role"]' web
check "inspect: no environment, secret label or command" bash -c '! grep -q hunter2 "$0"' "$BODY_FILE"
req POST /v1/tools/docker.inspect "${AUTH[@]}" -d '{"container":"no-such-container"}'
check "inspect unknown container: 404" status_is 404

echo "-- docker.stats"
req POST /v1/tools/docker.stats "${AUTH[@]}"
check "stats: 200" status_is 200
check "stats: one row per running container" [ "$(jq '.result.containers | length' "$BODY_FILE")" = "$(cli ps -q --filter status=running | wc -l)" ]
check "stats: memory used and limit" bash -c 'jq -e "[.result.containers[] | .memory_used_bytes > 0 and .memory_limit_bytes > 0 and (.cpu_percent | type == \"number\")] | all" "$0" >/dev/null' "$BODY_FILE"

echo "-- docker.crashes"
req POST /v1/tools/docker.crashes "${AUTH[@]}"
check "crashes: 200" status_is 200
crash() { jq -r --arg n "$1" ".result.crashes[] | select(.name == \$n) | $2" "$BODY_FILE"; }
check "t-exit1 crashed with 1" [ "$(crash t-exit1 .exit_code)" = 1 ]
check "t-restart crashed with 3" [ "$(crash t-restart .exit_code)" = 3 ]
if [ "$(cli inspect --format '{{.State.OOMKilled}}' t-oom)" = true ]; then
  check "t-oom: out of memory" [ "$(crash t-oom .reason)" = out_of_memory ]
fi
check "t-killed was asked for, not a crash" bash -c 'jq -e "(.result.stopped_on_request | map(.name) | index(\"t-killed\")) != null and (.result.crashes | map(.name) | index(\"t-killed\")) == null" "$0" >/dev/null' "$BODY_FILE"
check "t-exit0 is no crash" [ -z "$(crash t-exit0 .name)" ]
check "t-unhealthy listed as unhealthy" bash -c 'jq -e ".result.unhealthy | map(.name) | index(\"t-unhealthy\") != null" "$0" >/dev/null' "$BODY_FILE"
check "t-restart listed as restarting" bash -c 'jq -e ".result.restarting | map(.name) | index(\"t-restart\") != null" "$0" >/dev/null' "$BODY_FILE"
check "no secret in the crash report" bash -c '! grep -q hunter2 "$0"' "$BODY_FILE"

"$ENGINE_SCRIPT" exit-container "$ENGINE_DIR" t-fresh 7 >/dev/null 2>&1
req POST /v1/tools/docker.crashes "${AUTH[@]}" -d '{"since_minutes":2}'
check "a fresh exit appears as a recent crash" [ "$(crash t-fresh .exit_code)" = 7 ]
check "older crashes fall outside a 2-minute window" bash -c '[ "$(jq ".result.crashes | length" "$0")" -lt 5 ]' "$BODY_FILE"

echo "-- the assistant answers the container questions offline"
req POST /chat "${AUTH[@]}" -d '{"message":"What containers are running?"}'
check "containers question: lists running ones" bash -c 'jq -r .message "$0" | grep -q -- "- t-running (localhost/engine-sample:latest): up"' "$BODY_FILE"
check "containers question: mentions the unhealthy one" bash -c 'jq -r .message "$0" | grep -q "t-unhealthy.*unhealthy"' "$BODY_FILE"
req POST /chat "${AUTH[@]}" -d '{"message":"Did any service crash recently?"}'
answer=$(jq -r .message "$BODY_FILE")
check "crash question: the fresh exit" grep -q "t-fresh exited with code 7" <<<"$answer"
check "crash question: the unhealthy container" grep -q "Unhealthy: t-unhealthy" <<<"$answer"
check "crash question: the restart loop" grep -q "t-restart (restarted 3 times)" <<<"$answer"
req POST /chat "${AUTH[@]}" -d '{"message":"Is everything running correctly?"}'
answer=$(jq -r .message "$BODY_FILE")
check "health question: names the unhealthy container" grep -q "Unhealthy containers: t-unhealthy" <<<"$answer"
check "health question: used the docker tools" json_eq '.tool_calls_made | join(",")' "cpu.usage,memory.usage,disk.usage,docker.containers,docker.crashes"
check "nothing secret reached the audit log" bash -c '! grep -q hunter2 "$0"' "$DIR/audit.jsonl"
cli events --since "$T0" --until "$(date +%s.%N)" --format '{{.Type}} {{.Action}} {{.Actor.Attributes.name}}' \
  >"$WORK/events" 2>&1
check "the engine's event log is readable (it shows the test's own t-fresh exit)" grep -q "^container die t-fresh$" "$WORK/events"
changes=$(grep -vE '^container (exec_|health_status)' "$WORK/events" | grep -vE ' t-fresh$|^network (dis)?connect none$' || true)
check "the engine saw no state change from the assistant${changes:+: $changes}" [ -z "$changes" ]
ha_stop "$PID"

echo "== engine missing, and an engine that never answers"
"$SILENT" "$WORK/silent.sock" &
SILENT_PID=$!
HA_PIDS="$HA_PIDS $SILENT_PID"
ha_start nodocker "plugins:
  directory: $PLUGINS
  settings:
    docker:
      socket: /nonexistent/docker.sock" API_KEY="$KEY" || exit 1
req POST /v1/tools/docker.containers "${AUTH[@]}"
check "no engine: 503" status_is 503
check "no engine: says where it looked" body_has "Docker is not reachable at /nonexistent/docker.sock"
req POST /chat "${AUTH[@]}" -d '{"message":"Is everything running correctly?"}'
check "no engine: the assistant still answers" status_is 200
check "no engine: the rest of the health check is there" bash -c 'jq -r .message "$0" | grep -q "memory"' "$BODY_FILE"
check "no engine: and it says containers could not be checked" bash -c 'jq -r .message "$0" | grep -q "I could not check containers and recent crashes (Docker is not reachable"' "$BODY_FILE"
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
check "hung engine: a timeout error (504)" status_is 504
check "hung engine: says so" body_has "did not answer in time"
check "hung engine: within the deadline (${elapsed} ms)" [ "$elapsed" -lt 3000 ]
check "server still healthy" curl -sf --cacert "$CACERT" "$URL/health" -o /dev/null
ha_stop "$PID"

finish
