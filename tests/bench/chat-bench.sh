#!/bin/bash
# The offline /chat answer under load: "How much disk space is left?" (one topic) and "Is
# everything running correctly?" (every plugin's checks), each asked by wrk over HTTPS keep-alive
# connections against the real server with every in-tree plugin loaded and the shipped policy.
# Prints medians of requests/s, server CPU per request (/proc/PID/stat), context switches per
# request (all the server's threads) and non-2xx answers; with --reference-build, the same for a
# reference server built from another tree (an earlier commit), in alternating rounds, and the
# ratios. Prints figures, asserts nothing.
# usage: tests/bench/chat-bench.sh [--build-dir DIR] [--reference-build DIR] [--seconds N]
#                                  [--rounds N] [--connections N] [--sync MODE]
#   --build-dir        an existing build tree (default build-bench/, RelWithDebInfo, built when missing)
#   --reference-build  a second build tree to compare with (same layout)
#   --sync             audit.sync of both servers (default none: the answer path, not the disk)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD= REFERENCE= SECONDS_PER_RUN=5 ROUNDS=3 CONNECTIONS=16 SYNC=none
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) BUILD=$2; shift ;;
    --reference-build) REFERENCE=$2; shift ;;
    --seconds) SECONDS_PER_RUN=$2; shift ;;
    --rounds) ROUNDS=$2; shift ;;
    --connections) CONNECTIONS=$2; shift ;;
    --sync) SYNC=$2; shift ;;
    *) echo "usage: $0 [--build-dir DIR] [--reference-build DIR] [--seconds N] [--rounds N] [--connections N] [--sync MODE]" >&2
       exit 2 ;;
  esac
  shift
done
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk): no figures"; exit 0; }
if [ -z "$BUILD" ]; then
  BUILD=$ROOT/build-bench
  [ -f "$BUILD/CMakeCache.txt" ] || cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$BUILD" -j2 --target homelab-assistant ha_tool_cpu ha_tool_memory ha_tool_disk ha_tool_sensors \
    ha_tool_network ha_tool_systemd ha_tool_docker ha_tool_truenas ha_tool_zfs ha_tool_smart ha_provider_groq ha_provider_openai >/dev/null
fi
# Absolute: the servers' configurations live in a scratch directory.
BUILD=$(cd "$BUILD" && pwd)
[ -n "$REFERENCE" ] && REFERENCE=$(cd "$REFERENCE" && pwd)

WORK=$(mktemp -d /tmp/ha-chat-bench-XXXXXX)
declare -A PID=() URL=()
cleanup() {
  local p
  for p in "${PID[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$WORK/tls"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1 \
  -addext "subjectAltName=IP:127.0.0.1" -keyout "$WORK/tls/key.pem" -out "$WORK/tls/cert.pem" 2>/dev/null
cp "$ROOT/etc/policy.yaml" "$WORK/policy.yaml"
KEY=bench-key-$(openssl rand -hex 12)

# start NAME BUILD_TREE: a server of that tree on a port of its own
start() {
  local name=$1 tree=$2 port=
  mkdir -p "$WORK/$name"
  cat >"$WORK/$name/config.yaml" <<CONF
server:
  listen: "127.0.0.1:0"
  tls_certificate: $WORK/tls/cert.pem
  tls_private_key: $WORK/tls/key.pem
  max_keep_alive_requests: 1000000
plugins:
  directory: $tree/ha-plugins
policy: $WORK/policy.yaml
audit:
  path: $WORK/$name/audit.jsonl
  sync: $SYNC
CONF
  (cd "$WORK/$name" && API_KEY=$KEY RATE_LIMIT_REQUESTS=1000000 exec "$tree/host/homelab-assistant" \
    --config "$WORK/$name/config.yaml") >"$WORK/$name/server.log" 2>&1 &
  PID[$name]=$!
  for i in $(seq 1 100); do
    port=$(sed -n 's/.*listening on https:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/$name/server.log" | head -1)
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { cat "$WORK/$name/server.log"; exit 1; }
  URL[$name]=https://127.0.0.1:$port
}
SERVERS=(ours)
start ours "$BUILD"
if [ -n "$REFERENCE" ]; then SERVERS+=(reference); start reference "$REFERENCE"; fi

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
switches() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/ { s += $2 } END { print s + 0 }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

declare -A QUESTION=([topic]="How much disk space is left?" [health]="Is everything running correctly?")
declare -A TARGET=([topic]=8000 [health]=3000)
CASES=(topic health)
# round SERVER CASE: one wrk run, one line "req/s us-per-request switches-per-request non-2xx"
round() {
  local server=$1 case=$2 pid=${PID[$1]} out t0 t1 c0 c1 n
  cat >"$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["X-API-Key"] = "$KEY"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"message":"${QUESTION[$case]}"}'
LUA
  t0=$(cpu_ticks "$pid"); c0=$(switches "$pid")
  out=$(wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" -s "$WORK/post.lua" "${URL[$server]}/chat")
  t1=$(cpu_ticks "$pid"); c1=$(switches "$pid")
  n=$(echo "$out" | awk '/requests in/ { print $1 }')
  echo "$out" | awk -v t="$(( t1 - t0 ))" -v c="$(( c1 - c0 ))" -v n="${n:-0}" -v hz="$(getconf CLK_TCK)" '
    /Requests\/sec/ { rps = $2 } /Non-2xx/ { bad = $NF }
    END { printf "%.0f %.0f %.1f %d\n", rps, (n > 0 ? t * 1e6 / hz / n : 0), (n > 0 ? c / n : 0), bad + 0 }'
}

echo "== offline /chat: wrk -t2 -c$CONNECTIONS, ${SECONDS_PER_RUN}s x $ROUNDS rounds, audit.sync $SYNC, $(ls "$BUILD"/ha-plugins/*.so | wc -l) plugins"
for s in "${SERVERS[@]}"; do for c in "${CASES[@]}"; do round "$s" "$c" >/dev/null; done; done  # warm-up
for ((r = 1; r <= ROUNDS; r++)); do
  for c in "${CASES[@]}"; do
    for s in "${SERVERS[@]}"; do round "$s" "$c" >>"$WORK/$s-$c"; done
  done
done
printf '%-9s %-10s %10s %11s %13s %8s\n' case server "req/s" "CPU us/req" "switches/req" "non-2xx"
for c in "${CASES[@]}"; do
  for s in "${SERVERS[@]}"; do
    printf '%-9s %-10s %10s %11s %13s %8s\n' "$c" "$s" "$(cut -d' ' -f1 "$WORK/$s-$c" | median)" \
      "$(cut -d' ' -f2 "$WORK/$s-$c" | median)" "$(cut -d' ' -f3 "$WORK/$s-$c" | median)" \
      "$(cut -d' ' -f4 "$WORK/$s-$c" | sort -n | tail -1)"
  done
done
echo "-- issue 11 targets (medians; printed, not asserted): one topic >= 8000 req/s, the health question >= 3000"
for c in "${CASES[@]}"; do
  rps=$(cut -d' ' -f1 "$WORK/ours-$c" | median)
  line="$c: ours $rps req/s, $(awk -v a="$rps" -v b="${TARGET[$c]}" 'BEGIN { printf "%.2f", a / b }')x the target"
  if [ -n "$REFERENCE" ]; then
    line+=", ours/reference req/s $(awk -v a="$rps" -v b="$(cut -d' ' -f1 "$WORK/reference-$c" | median)" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
    line+=", CPU per request ours/reference $(awk -v a="$(cut -d' ' -f2 "$WORK/ours-$c" | median)" \
      -v b="$(cut -d' ' -f2 "$WORK/reference-$c" | median)" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
  fi
  echo "$line"
done
