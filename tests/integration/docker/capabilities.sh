#!/bin/bash
# The docker plugin's capabilities against the real engine: every sample state, inspect, stats,
# crashes (including a fresh one), and no secret ever leaving the plugin.
# usage: capabilities.sh BINARY PLUGIN_DIR ENGINE_DIR SOURCE_DIR
set -uo pipefail
HA_BINARY=$1 PLUGINS=$2 ENGINE_DIR=$3 SOURCE=$4
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/engine.sh"
engine_or_skip
START=$(date +%s.%N)
KEY=docker-key-$(openssl rand -hex 12)
AUTH=(-H "X-API-Key: $KEY")
ha_start docker "plugins:
  directory: $PLUGINS
  settings:
    docker:
      socket: $SOCK" API_KEY="$KEY" RATE_LIMIT_REQUESTS=1000 || exit 1

req POST /v1/tools/docker.containers "${AUTH[@]}"
expect_status "docker.containers: 200" 200
c() { jq -r --arg n "$1" ".result.containers[] | select(.name == \$n) | $2" "$BODY_FILE"; }
expect_jq "negotiated an API version" '.result.engine.api_version | length > 0'
expect_eq "t-running is running" "$(c t-running .state)" running
check "t-running has an uptime" [ "$(c t-running .uptime_seconds)" -gt 0 ]
expect_eq "t-exit0 exited with 0" "$(c t-exit0 '.state + " " + (.exit_code|tostring)')" "exited 0"
expect_eq "t-exit1 exited with 1" "$(c t-exit1 '.state + " " + (.exit_code|tostring)')" "exited 1"
expect_eq "t-killed exited with 137, not OOM" "$(c t-killed '(.exit_code|tostring) + " " + (.oom_killed|tostring)')" "137 false"
OOM=$(cli inspect --format '{{.State.OOMKilled}}' t-oom)
if [ "$OOM" = true ]; then
  expect_eq "t-oom was OOM-killed" "$(c t-oom '(.exit_code|tostring) + " " + (.oom_killed|tostring)')" "137 true"
else
  echo "  note the engine could not OOM-kill t-oom here (no memory cgroup); OOM assertions skipped"
fi
expect_eq "t-restart restarted 3 times" "$(c t-restart '.restart_count')" 3
expect_eq "t-paused is paused" "$(c t-paused .state)" paused
expect_eq "t-created is created" "$(c t-created .state)" created
expect_eq "t-healthy is healthy" "$(c t-healthy .health)" healthy
expect_eq "t-unhealthy is unhealthy" "$(c t-unhealthy .health)" unhealthy
expect_eq "t-starting is starting" "$(c t-starting .health)" starting
expect_jq "summary counts the unhealthy one" '.result.summary.unhealthy == 1'
expect_no_body "no secret leaves the plugin (list)" hunter2

req POST /v1/tools/docker.inspect "${AUTH[@]}" -d '{"container":"t-unhealthy"}'
expect_jq "inspect: health status, failing streak, probes" '.result.health.status == "unhealthy" and .result.health.failing_streak >= 1 and (.result.health.last_probes | length) >= 1'
req POST /v1/tools/docker.inspect "${AUTH[@]}" -d '{"container":"t-oom"}'
expect_jq "inspect: exit code and finish time" '.result.exit_code == 137 and (.result.finished_at | length) > 0'
req POST /v1/tools/docker.inspect "${AUTH[@]}" -d '{"container":"t-secret"}'
expect_jq "inspect: harmless labels kept" '.result.labels["com.example.role"] == "web"'
expect_no_body "inspect: no environment, secret label or command" hunter2
req POST /v1/tools/docker.inspect "${AUTH[@]}" -d '{"container":"no-such-container"}'
expect_status "inspect unknown container: 404" 404

req POST /v1/tools/docker.stats "${AUTH[@]}"
expect_status "stats: 200" 200
expect_eq "stats: one row per running container" "$(jq '.result.containers | length' "$BODY_FILE")" "$(cli ps -q --filter status=running | wc -l)"
expect_jq "stats: memory used and limit" '[.result.containers[] | .memory_used_bytes > 0 and .memory_limit_bytes > 0 and (.cpu_percent | type == "number")] | all'

req POST /v1/tools/docker.crashes "${AUTH[@]}"
expect_status "crashes: 200" 200
crash() { jq -r --arg n "$1" ".result.crashes[] | select(.name == \$n) | $2" "$BODY_FILE"; }
expect_eq "t-exit1 crashed with 1" "$(crash t-exit1 .exit_code)" 1
expect_eq "t-restart crashed with 3" "$(crash t-restart .exit_code)" 3
[ "$OOM" = true ] && expect_eq "t-oom: out of memory" "$(crash t-oom .reason)" out_of_memory
expect_jq "t-killed was asked for, not a crash" '(.result.stopped_on_request | map(.name) | index("t-killed")) != null and (.result.crashes | map(.name) | index("t-killed")) == null'
expect_eq "t-exit0 is no crash" "$(crash t-exit0 .name)" ""
expect_jq "t-unhealthy listed as unhealthy" '.result.unhealthy | map(.name) | index("t-unhealthy") != null'
expect_jq "t-restart listed as restarting" '.result.restarting | map(.name) | index("t-restart") != null'
expect_no_body "no secret in the crash report" hunter2

"$ENGINE_SCRIPT" exit-container "$ENGINE_DIR" t-fresh 7 >/dev/null 2>&1
cli events --since "$START" --until "$(date +%s.%N)" --filter container=t-fresh --format '{{.Action}}' >"$WORK/fresh" 2>&1
expect_grep "the engine's event log is readable (it shows this test's own t-fresh exit)" "^die$" "$WORK/fresh"
req POST /v1/tools/docker.crashes "${AUTH[@]}" -d '{"since_minutes":2}'
expect_eq "a fresh exit appears as a recent crash" "$(crash t-fresh .exit_code)" 7
check "older crashes fall outside a 2-minute window" [ "$(jq '.result.crashes | length' "$BODY_FILE")" -lt 5 ]
expect_no_grep "nothing secret reached the audit log" hunter2 "$DIR/audit.jsonl"
expect_no_engine_changes "$START" t-fresh
check "the server stops cleanly" ha_stop "$PID"
finish
