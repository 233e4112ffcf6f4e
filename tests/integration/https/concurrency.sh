#!/bin/bash
# More clients than request threads: every one is answered.
# usage: concurrency.sh BINARY PLUGIN_DIR FIXTURE_PLUGIN_DIR
set -uo pipefail
HA_BINARY=$1 PLUGINS=$2 FIXTURES=$3
. "$(dirname "$0")/../lib.sh"
KEY=it-key-$(openssl rand -hex 16)
ha_start concurrency "server:
  threads: 8
plugins:
  directory: $PLUGINS" API_KEY="$KEY" RATE_LIMIT_REQUESTS=1000 || exit 1
start=$(date +%s%N)
clients=()
for i in $(seq 1 40); do
  curl -s --max-time 30 --cacert "$CACERT" -H "X-API-Key: $KEY" -o /dev/null -w '%{http_code}\n' -X POST \
    "$URL/v1/tools/memory.usage" >>"$WORK/concurrent" 2>&1 &
  clients+=($!)
done
wait "${clients[@]}"
expect_eq "40 parallel direct calls over 8 threads all succeed" "$(grep -c '^200$' "$WORK/concurrent")" 40
echo "       (took $(( ($(date +%s%N) - start) / 1000000 )) ms)"
check "the server stops cleanly" ha_stop "$PID"
finish
