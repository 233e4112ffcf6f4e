#!/bin/bash
# Integration test (issue 10, item 1): slow and idle clients cannot starve the server. While
# 256 slowloris TLS connections (one header byte every 5 s), 256 silent TCP connections that
# never start TLS and 64 keep-alive clients sending a request every 4 s come from
# 127.0.0.2..127.0.0.9, a client on 127.0.0.1 gets GET /health and an authenticated POST /chat
# within 1 s, every time, for 60 s. The server runs with its default connection limits (no
# per-address cap): the defaults must protect it.
# usage: test-slow-clients.sh BINARY PLUGIN_DIR HOSTILE_CLIENTS [SECONDS]
set -uo pipefail
HA_BINARY=$1
PLUGINS=$2
HOSTILE=$3
DURATION=${4:-60}
. "$(dirname "$0")/lib.sh"

KEY=slow-key-$(openssl rand -hex 16)
LIMIT_MS=1000

echo "== server with default limits"
ha_start slow "plugins:
  directory: $PLUGINS" API_KEY="$KEY" RATE_LIMIT_REQUESTS=1000000 || exit 1
SERVER=$PID
PORT=${URL##*:}
if ! curl -sf --max-time 5 --interface 127.0.0.9 --cacert "$CACERT" "$URL/health" -o /dev/null; then
  echo "SKIP: cannot connect from 127.0.0.9 (loopback addresses beyond 127.0.0.1 are not usable here)"
  exit 77
fi
fds_before=$(ls "/proc/$SERVER/fd" | wc -l)

echo "== attack: 256 slowloris, 256 silent, 64 keep-alive trickle clients from 127.0.0.2-127.0.0.9"
"$HOSTILE" attack --port "$PORT" --sources 127.0.0.2-127.0.0.9 --seconds $((DURATION + 10)) \
  --slowloris 256 --silent 256 --trickle 64 >"$WORK/attack.log" 2>&1 &
ATTACK=$!
HA_PIDS="$HA_PIDS $ATTACK"
# Wait until the attack holds its connections (bounded).
for i in $(seq 1 100); do
  [ "$(ls "/proc/$SERVER/fd" | wc -l)" -ge $((fds_before + 560)) ] && break
  sleep 0.1
done
held=$(( $(ls "/proc/$SERVER/fd" | wc -l) - fds_before ))
check "the attack holds its connections ($held open)" [ "$held" -ge 560 ]

echo "== probing from 127.0.0.1 for ${DURATION} s"
probe() {  # probe NAME curl-args...: one request; prints "status seconds"
  curl -s --max-time 5 --cacert "$CACERT" -o /dev/null -w '%{http_code} %{time_total}\n' "$@" 2>/dev/null ||
    echo "000 5"
}
probes=0 slow=0 worst=0 worst_what=
end=$((SECONDS + DURATION))
while [ "$SECONDS" -lt "$end" ]; do
  for what in health chat; do
    if [ "$what" = health ]; then
      read -r status secs < <(probe "$URL/health")
    else
      read -r status secs < <(probe -H "X-API-Key: $KEY" -d '{"message":"How much disk space is left?"}' "$URL/chat")
    fi
    ms=$(awk -v s="$secs" 'BEGIN { printf "%d", s * 1000 }')
    probes=$((probes + 1))
    if [ "$status" != 200 ] || [ "$ms" -ge "$LIMIT_MS" ]; then
      slow=$((slow + 1))
      echo "       slow or failed at $((SECONDS - end + DURATION)) s: $what status $status in $ms ms"
    fi
    if [ "$ms" -gt "$worst" ]; then worst=$ms worst_what=$what; fi
  done
  sleep 0.2
done
echo "       $probes probes, worst latency $worst ms ($worst_what)"
check "every probe answered 200 within $LIMIT_MS ms ($probes probes, worst $worst ms)" [ "$slow" = 0 ]
check "enough probes ran (at least 2 per second)" [ "$probes" -ge $((DURATION * 2)) ]

wait "$ATTACK"
cat "$WORK/attack.log" | sed 's/^/       /'
opened() { awk -v k="$1:" '$1 == k { print $4 }' "$WORK/attack.log"; }
check "256 slowloris connections were held" [ "$(opened slowloris)" -ge 256 ]
check "256 silent connections were held" [ "$(opened silent)" -ge 256 ]
check "silent connections were closed at the handshake deadline" \
  [ "$(awk '$1 == "silent:" { print $6 }' "$WORK/attack.log")" -ge 256 ]
check "slowloris connections were closed at the request deadline" \
  [ "$(awk '$1 == "slowloris:" { print $6 }' "$WORK/attack.log")" -ge 256 ]
# The trickle clients are attack traffic, paced by the helper's own single thread (which falls
# behind while it reopens hundreds of TLS connections at once): at least 80% of one answer per
# client every 4 s must come back.
expected=$((64 * (DURATION + 10) / 4 * 8 / 10))
read -r trickle_ok trickle_failed < <(awk '$1 == "trickle" && $2 == "requests:" { print $3, $6 }' "$WORK/attack.log")
check "the keep-alive trickle clients were served (${trickle_ok:-0} answers, at least $expected; ${trickle_failed:-?} failed)" \
  [ "${trickle_ok:-0}" -ge "$expected" ]

echo "== after the attack"
for i in $(seq 1 50); do
  [ "$(ls "/proc/$SERVER/fd" | wc -l)" -le $((fds_before + 2)) ] && break
  sleep 0.1
done
fds_after=$(ls "/proc/$SERVER/fd" | wc -l)
check "every connection's descriptor is released ($fds_before before, $fds_after after)" [ "$fds_after" -le $((fds_before + 2)) ]
req GET /health
check "still healthy" status_is 200
check "SIGTERM stops the server cleanly" ha_stop "$SERVER"

finish
