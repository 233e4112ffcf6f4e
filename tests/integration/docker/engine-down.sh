#!/bin/bash
# Fixture cleanup: the engine's event log since the scenarios started shows no state change
# the assistant could have made (only the tests' own t-fresh exit), then the engine is stopped.
# usage: engine-down.sh ENGINE_DIR SOURCE_DIR
set -uo pipefail
ENGINE_DIR=$1 SOURCE=$2
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/engine.sh"
[ -s "$ENGINE_DIR/ha-socket" ] || { echo "no engine was started"; exit 77; }
engine_or_skip
cli events --since "$T0" --until "$(date +%s.%N)" --format '{{.Type}} {{.Action}} {{.Actor.Attributes.name}}' \
  >"$WORK/events" 2>&1
expect_grep "the engine's event log is readable (it shows the test's own t-fresh exit)" "^container die t-fresh$" "$WORK/events"
changes=$(grep -vE '^container (exec_|health_status)' "$WORK/events" | grep -vE ' t-fresh$|^network (dis)?connect none$' || true)
check "the engine saw no state change from the assistant${changes:+: $changes}" [ -z "$changes" ]
"$ENGINE_SCRIPT" down "$ENGINE_DIR" >/dev/null 2>&1
rm -f "$ENGINE_DIR/ha-socket"
finish
