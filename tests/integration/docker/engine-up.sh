#!/bin/bash
# Fixture: starts a private dockerd with sample containers in every state (../shared/
# docker-engine.sh, or the vendored copy), plus one container holding secrets. Exits 77 only
# when no engine can start here.
# usage: engine-up.sh ENGINE_DIR SOURCE_DIR
set -uo pipefail
ENGINE_DIR=$1 SOURCE=$2
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/engine.sh"
rm -f "$ENGINE_DIR/ha-socket"
if ! HEALTH_INTERVAL=5s "$ENGINE_SCRIPT" up "$ENGINE_DIR" >"$WORK/up.log" 2>&1; then
  tail -20 "$WORK/up.log"
  "$ENGINE_SCRIPT" down "$ENGINE_DIR" >/dev/null 2>&1 || true
  echo "SKIPPED: no container engine could be started on this machine (see the log above)."
  exit 77
fi
SOCK=$(tail -1 "$WORK/up.log")
. "$ENGINE_DIR/env"
echo "   engine $ENGINE on $SOCK ($(grep -c ': status=' "$WORK/up.log") sample containers)"
check "a container with secrets in its environment, labels and command line" cli create --network none --name t-secret \
  -e DB_PASSWORD=hunter2-in-env -l "db.password=hunter2-in-label" -l "com.example.role=web" \
  localhost/engine-sample:latest sh -c 'echo hunter2-in-command'
date +%s.%N >"$ENGINE_DIR/ha-t0"  # from here on only the tests' own t-fresh may change engine state
echo "$SOCK" >"$ENGINE_DIR/ha-socket"
finish
