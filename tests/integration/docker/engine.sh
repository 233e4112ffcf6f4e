# The private Docker engine the docker scenarios share (a CTest fixture: engine-up.sh starts it,
# engine-down.sh stops it and checks the assistant changed nothing). Source it after ../lib.sh
# with ENGINE_DIR and SOURCE set.
ENGINE_SCRIPT=$SOURCE/../shared/docker-engine.sh
[ -x "$ENGINE_SCRIPT" ] || ENGINE_SCRIPT=$SOURCE/tests/docker/docker-engine.sh
cli() { DOCKER_HOST=unix://$SOCK DOCKER_CONFIG=$ENGINE_DIR/cli-config docker "$@"; }
# expect_no_engine_changes SINCE [OWN_CONTAINER]: the engine's event log since SINCE shows no
# state change the assistant could have made (the engine keeps only its last 1000 events, so each
# scenario checks its own window).
expect_no_engine_changes() {
  cli events --since "$1" --until "$(date +%s.%N)" --format '{{.Type}} {{.Action}} {{.Actor.Attributes.name}}' \
    >"$WORK/events" 2>&1
  local changes
  changes=$(grep -vE '^container (exec_|health_status)' "$WORK/events" | grep -vE "${2:+ $2$|}^network (dis)?connect none$" || true)
  check "the engine saw no state change from the assistant${changes:+: $changes}" [ -z "$changes" ]
}
# engine_or_skip: sets SOCK and T0 from the running fixture, or skips the scenario.
engine_or_skip() {
  if [ ! -s "$ENGINE_DIR/ha-socket" ]; then
    echo "SKIPPED: no Docker engine is running for the tests (engine-up.sh could not start one here);"
    echo "         the docker plugin was NOT tested against a real engine."
    exit 77
  fi
  SOCK=$(cat "$ENGINE_DIR/ha-socket")
  T0=$(cat "$ENGINE_DIR/ha-t0")
  . "$ENGINE_DIR/env"
}
