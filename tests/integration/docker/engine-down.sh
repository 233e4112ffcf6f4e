#!/bin/bash
# Fixture cleanup: stops the engine engine-up.sh started (only what it started).
# usage: engine-down.sh ENGINE_DIR SOURCE_DIR
set -uo pipefail
ENGINE_DIR=$1 SOURCE=$2
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/engine.sh"
[ -s "$ENGINE_DIR/ha-socket" ] || { echo "no engine was started"; exit 77; }
engine_or_skip
"$ENGINE_SCRIPT" down "$ENGINE_DIR" >/dev/null 2>&1
rm -f "$ENGINE_DIR/ha-socket"
echo "engine stopped"
