#!/bin/bash
# kill -9 of the server under concurrent load loses no answered conversation, in every
# audit.sync mode: every /chat that got its 200 answer has its record in the audit log after the
# kill (the record is written before the answer leaves; batch and always also wait for the disk).
# usage: audit-kill.sh BINARY PLUGIN_DIR FIXTURE_PLUGIN_DIR
set -uo pipefail
HA_BINARY=$1 PLUGINS=$2 FIXTURES=$3
. "$(dirname "$0")/../lib.sh"
KEY=it-key-$(openssl rand -hex 16)
CLIENTS=6
PER_CLIENT=150  # a bound; the kill comes first

whole_json() { jq -e . "$1" >/dev/null 2>&1 && [ "$(tail -c1 "$1" | od -An -c | tr -d ' ')" = '\n' ]; }

client() {  # client MODE N: chats until the server is gone; one "status conversation_id" line each
  local mode=$1 n=$2 i id code
  for i in $(seq 1 $PER_CLIENT); do
    id=$mode-$n-$i
    code=$(curl -s --max-time 10 --cacert "$CACERT" -H "X-API-Key: $KEY" -o /dev/null -w '%{http_code}' \
      -d "{\"message\":\"What is the CPU usage?\",\"conversation_id\":\"$id\"}" "$URL/chat") || code=000
    echo "$code $id" >>"$WORK/answers-$mode"
    [ "$code" = 000 ] && break
  done
}

for mode in none batch always; do
  HA_AUDIT_SYNC=$mode ha_start "kill-$mode" "plugins:
  directory: $PLUGINS" API_KEY="$KEY" RATE_LIMIT_REQUESTS=100000 || exit 1
  : >"$WORK/answers-$mode"
  pids=()
  for n in $(seq 1 $CLIENTS); do client "$mode" "$n" & pids+=($!); done
  # Kill once the load is well under way (at least 30 answers), at most after 20 s.
  for i in $(seq 1 200); do
    [ "$(grep -c '^200 ' "$WORK/answers-$mode")" -ge 30 ] && break
    sleep 0.1
  done
  kill -KILL "$PID"
  wait "$PID" 2>/dev/null
  wait "${pids[@]}"
  answered=$(grep -c '^200 ' "$WORK/answers-$mode")
  check "audit.sync $mode: the server answered under load before the kill ($answered answers)" [ "$answered" -ge 30 ]
  # Whole lines only: the kill may have torn the record being written (its answer never left).
  jq -R -r 'fromjson? | .conversation_id // empty' "$DIR/audit.jsonl" | sort -u >"$WORK/audited-$mode"
  missing=$(awk '$1 == 200 { print $2 }' "$WORK/answers-$mode" | sort -u | comm -23 - "$WORK/audited-$mode" | wc -l)
  expect_eq "audit.sync $mode: every answered conversation is in the audit log after kill -9" "$missing" 0
  # A record being written when the kill came may be torn (its answer never left): the next
  # start cuts it away before appending.
  HA_AUDIT_SYNC=$mode ha_start "kill-$mode" "plugins:
  directory: $PLUGINS" API_KEY="$KEY" RATE_LIMIT_REQUESTS=100000 || exit 1
  chat "What is the CPU usage?" "after-kill-$mode"
  expect_status "audit.sync $mode: answers again after the restart" 200
  check "audit.sync $mode: the server stops cleanly" ha_stop "$PID"
  check "audit.sync $mode: every line of the log is whole JSON" whole_json "$DIR/audit.jsonl"
  expect_eq "audit.sync $mode: the record after the restart is a line of its own" \
    "$(tail -1 "$DIR/audit.jsonl" | jq -r .conversation_id)" "after-kill-$mode"
done
finish
