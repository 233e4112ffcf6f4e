#!/bin/bash
# The offline assistant answers container questions from the real engine in the docker
# plugin's own words: the list, a container by name (and one that does not exist), crashes,
# the biggest memory user, follow-ups, and the health verdict.
# usage: answers.sh BINARY PLUGIN_DIR ENGINE_DIR SOURCE_DIR
set -uo pipefail
HA_BINARY=$1 PLUGINS=$2 ENGINE_DIR=$3 SOURCE=$4
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/engine.sh"
engine_or_skip
START=$(date +%s.%N)
KEY=docker-key-$(openssl rand -hex 12)
ha_start answers "plugins:
  directory: $PLUGINS
  settings:
    docker:
      socket: $SOCK" API_KEY="$KEY" RATE_LIMIT_REQUESTS=1000 || exit 1

chat "What containers are running?"
expect_grep "containers: lists the running ones" "^- t-running \(localhost/engine-sample:latest\), up" <(answer)
expect_grep "containers: names the unhealthy one" "t-unhealthy .*unhealthy" <(answer)
conv=$(jq -r .conversation_id "$BODY_FILE")
first=$(answer | sed -n 's/^- \([^ ]*\) (.*/\1/p' | head -1)
chat "and the first one?" "$conv"
expect_jq "a follow-up: the first container listed" ".tool_calls_made == [\"docker.inspect\"] and (.message | startswith(\"$first is \"))"
chat "is t-running running?"
expect_jq "a container by name" '.tool_calls_made == ["docker.inspect"] and (.message | startswith("t-running is running, up"))'
chat "what about its memory?" "$(jq -r .conversation_id "$BODY_FILE")"
expect_jq "its memory: that container's stats, not the host's" '.tool_calls_made == ["docker.stats"] and (.message | startswith("t-running: CPU"))'
chat "is plex running?"
expect_jq "a container that does not exist: said so" '.message == "There is no container named plex."'
chat "which container uses the most memory?"
expect_jq "the biggest memory user" '.tool_calls_made == ["docker.stats"] and (.message | test("uses the most memory: CPU"))'
chat "Did any service crash recently?"
expect_grep "crashes: the exit with an error" "t-exit1 exited with code 1" <(answer)
expect_grep "crashes: the unhealthy container" "Unhealthy: .*t-unhealthy" <(answer)
expect_grep "crashes: the restart loop" "t-restart \(restarted 3 times\)" <(answer)
chat "Is everything running correctly?"
expect_grep "health: the verdict first" "^[0-9]+ problems: " <(answer)
expect_grep "health: names the unhealthy container" "Container t-unhealthy is unhealthy\." <(answer)
expect_grep "health: names the crash" "Container t-exit1 exited with code 1" <(answer)
expect_jq "health: used the docker capabilities" '.tool_calls_made | contains(["docker.containers","docker.crashes"])'
expect_no_grep "nothing secret reached the audit log" hunter2 "$DIR/audit.jsonl"
expect_no_engine_changes "$START"
check "the server stops cleanly" ha_stop "$PID"
finish
