#!/bin/bash
# Benchmarks: prints figures, asserts nothing. Builds an optimised tree (build-bench/), then
#  1. the cost of one tool call through the gate and the plugin ABI (bench_tools), and of each
#     truenas capability against the fake middleware (tests/fake-truenas), cached and not, of the
#     zfs plugin (real zfs-fuse pools when they can run here; cached, and uncached: the commands)
#     and the smart plugin (recorded smartctl outputs in a collector directory);
#  2. GET /health over HTTPS side by side with Debian's nginx serving the same JSON as a static
#     file over HTTPS (same kind of certificate, TLS settings and keep-alive limit, access log on
#     for both), wrk rounds alternating ours/nginx at 32, 64, 256 and 1024 connections: median
#     requests/s, p99, errors, CPU microseconds per request (from /proc/PID/stat) and ratios;
#  3. a direct tool call and /chat answered offline (each one written to the audit log);
#  4. the server's resident memory afterwards;
#  5. the cost of each audit.sync mode (audit-sync-bench.sh);
#  6. resident memory idle and along 100k requests and 20k new conversations (memory.sh).
# Instructions per request (callgrind, machine-load independent): tests/bench/callgrind.sh.
# nginx runs as a private instance (its own configuration, pid file and logs in a temporary
# directory) and is stopped by its PID; it is installed with apt-get when missing (without
# starting Debian's nginx service).
# usage: tests/bench/run-bench.sh [--smoke] [--build-dir DIR] [--seconds N] [--long-seconds N] [--rounds N] [SECONDS]
#   --smoke         2 s per round, one round, no zfs pools: a quick check that everything runs (CI)
#   --build-dir     use the binaries of an existing build tree instead of building build-bench/
#   --long-seconds  the length of a 1024-connection /health round (default 30): its first second
#                   is 1024 TLS handshakes sharing the cores with the requests of the connections
#                   already open, which a short round's p99 would mostly measure, not keep-alive
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=
SECONDS_PER_RUN=10
LONG_SECONDS=30
ROUNDS=3
SMOKE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) SMOKE=1 ;;
    --build-dir) BUILD=$2; shift ;;
    --seconds) SECONDS_PER_RUN=$2; shift ;;
    --long-seconds) LONG_SECONDS=$2; shift ;;
    --rounds) ROUNDS=$2; shift ;;
    [0-9]*) SECONDS_PER_RUN=$1 ;;
    *) echo "usage: $0 [--smoke] [--build-dir DIR] [--seconds N] [--long-seconds N] [--rounds N]" >&2; exit 2 ;;
  esac
  shift
done
[ "$SMOKE" = 1 ] && { SECONDS_PER_RUN=2; LONG_SECONDS=2; ROUNDS=1; }

if [ -z "$BUILD" ]; then
  BUILD=${BUILD_DIR:-$ROOT/build-bench}
  "$ROOT/packaging/install-deps.sh" test
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$BUILD" -j"$(nproc)" --target homelab-assistant bench_tools ha_tool_cpu ha_tool_memory ha_tool_disk \
    ha_tool_sensors ha_tool_network ha_tool_systemd ha_tool_truenas fake_truenas_server ha_tool_zfs ha_tool_smart ha_tool_docker ha_provider_groq ha_provider_openai \
    bench_memory_floor >/dev/null
fi
# Absolute: the servers' configurations live in a scratch directory, and a relative plugin
# directory there would load no plugin (every tool call a 404).
BUILD=$(cd "$BUILD" && pwd)
command -v wrk >/dev/null || { [ "$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1; } || true
command -v wrk >/dev/null || { echo "wrk is not installed and cannot be: no HTTP figures"; exit 0; }

install_nginx() {
  [ -x /usr/sbin/nginx ] && return 0
  [ "$(id -u)" = 0 ] || return 1
  # Debian's package would start its own service on port 80: forbid that during the install.
  local guard=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && guard=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >/dev/null 2>&1 || true
  [ -n "$guard" ] && rm -f /usr/sbin/policy-rc.d
  [ -x /usr/sbin/nginx ]
}

echo "== tool call through policy, schema, call thread and C ABI ($(nproc) cores)"
if [ -x "$BUILD/tests/bench_tools" ]; then
  "$BUILD/tests/bench_tools" "$BUILD/ha-plugins" "$([ "$SMOKE" = 1 ] && echo 200 || echo 2000)"
else
  echo "(bench_tools is not built in $BUILD)"
fi

N_CACHED=$([ "$SMOKE" = 1 ] && echo 200 || echo 2000)
N_UNCACHED=$([ "$SMOKE" = 1 ] && echo 10 || echo 50)
# zfs and smart: a burst of questions is served from the plugins' caches; the commands behind
# zfs are measured apart (cache_seconds 0).
(
  DATA=$(mktemp -d /tmp/ha-bench-data-XXXXXX)
  POOLS=/tmp/ha-bench-zfs-$$
  export ZP_PREFIX=hb$$
  POOLS_SCRIPT=$ROOT/../shared/zfs-pools.sh
  [ -x "$POOLS_SCRIPT" ] || POOLS_SCRIPT=$ROOT/tests/zfs/zfs-pools.sh
  trap '"$POOLS_SCRIPT" down "$POOLS" >/dev/null 2>&1; rm -rf "$DATA" "$POOLS"' EXIT
  entries=
  for f in sdb_sat:ata-hdd-wdc-wd140edfz sdc_usbjmicron:ata-hdd-failing-hitachi nvme0_nvme:nvme-force-mp510 sda_sat:ata-hdd-standby; do
    sed '/^#/d' "$ROOT/tests/fixtures/smart/${f#*:}.json" >"$DATA/${f%%:*}.json"
    dev=${f%%_*}; type=${f%%:*}; type=${type#*_}
    entries="${entries:+$entries,}{\"name\":\"/dev/$dev\",\"type\":\"$type\",\"file\":\"${f%%:*}.json\",\"exit_status\":0}"
  done
  printf '{"format":1,"collected_at":%s,"smartctl":"recorded","error":"","devices":[%s]}\n' "$(date +%s)" "$entries" >"$DATA/index.json"
  calls=(smart.disks 'smart.disk={"disk":"sdc"}')
  if [ "$SMOKE" = 1 ]; then
    echo "   (smoke run: no zfs pools)"
  elif "$POOLS_SCRIPT" up "$POOLS" >/dev/null 2>&1; then
    calls+=(zfs.pools "zfs.pool={\"pool\":\"${ZP_PREFIX}cksum\"}" zfs.datasets)
  else
    echo "   (zfs-fuse cannot run here: no zfs figures)"
  fi
  echo "== zfs and smart, served from their caches (cache_seconds 5)"
  HA_BENCH_SETTINGS="{\"smart\":{\"data_dir\":\"$DATA\"}}" "$BUILD/tests/bench_tools" "$BUILD/ha-plugins" "$N_CACHED" "${calls[@]}"
  echo "== the same uncached (cache_seconds 0): reading the files, running zpool/zfs"
  HA_BENCH_SETTINGS="{\"smart\":{\"data_dir\":\"$DATA\",\"cache_seconds\":0},\"zfs\":{\"cache_seconds\":0}}" \
    "$BUILD/tests/bench_tools" "$BUILD/ha-plugins" "$N_UNCACHED" "${calls[@]}"
)

WORK=$(mktemp -d /tmp/ha-bench-XXXXXX)
chmod 755 "$WORK"  # nginx workers (nobody) read the JSON file
PID= NGINX_PID= FAKE_PID=
cleanup() {
  [ -n "$FAKE_PID" ] && { kill "$FAKE_PID" 2>/dev/null; wait "$FAKE_PID" 2>/dev/null; }
  [ -n "$PID" ] && { kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; }
  [ -n "$NGINX_PID" ] && { kill "$NGINX_PID" 2>/dev/null; wait "$NGINX_PID" 2>/dev/null; }
  [ -n "${NETDATA_PID:-}" ] && { kill "$NETDATA_PID" 2>/dev/null; wait "$NETDATA_PID" 2>/dev/null; }
  [ -n "${PID_NONE:-}" ] && { kill "$PID_NONE" 2>/dev/null; wait "$PID_NONE" 2>/dev/null; }
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$WORK/tls" "$WORK/nginx"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1 \
  -addext "subjectAltName=IP:127.0.0.1" -keyout "$WORK/tls/key.pem" -out "$WORK/tls/cert.pem" 2>/dev/null
# The truenas capabilities: a call answered from the plugin's cache (a burst of questions), and
# one that goes to the middleware each time (TLS WebSocket on loopback, JSON-RPC, reduction).
TN_KEY=1-$(openssl rand -hex 32)
printf '%s\n' "$TN_KEY" >"$WORK/truenas.key"
"$BUILD/tests/fake_truenas_server" --cert "$WORK/tls/cert.pem" --tls-key "$WORK/tls/key.pem" --port-file "$WORK/tn.port" \
  --log "$WORK/tn.log" --fixtures "$ROOT/tests/fixtures/truenas" --user bench --api-key "$TN_KEY" &
FAKE_PID=$!
for i in $(seq 1 100); do [ -s "$WORK/tn.port" ] && break; sleep 0.05; done
tn_settings() {  # tn_settings CACHE_TTL_MS
  printf '{"truenas":{"url":"wss://127.0.0.1:%s/api/current","username":"bench","api_key_file":"%s","ca_file":"%s","cache_ttl_ms":%s}}' \
    "$(cat "$WORK/tn.port")" "$WORK/truenas.key" "$WORK/tls/cert.pem" "$1" >"$WORK/tn-settings.json"
}
TN_CAPS="truenas.alerts truenas.pools truenas.disks truenas.apps truenas.data_protection truenas.system"
echo "== truenas capabilities answered from the cache (cache_ttl_ms 60000)"
tn_settings 60000
HA_BENCH_SETTINGS=$(cat "$WORK/tn-settings.json") "$BUILD/tests/bench_tools" "$BUILD/ha-plugins" "$N_CACHED" $TN_CAPS
echo "== truenas capabilities asking the fake middleware every time (cache_ttl_ms 0)"
tn_settings 0
HA_BENCH_SETTINGS=$(cat "$WORK/tn-settings.json") "$BUILD/tests/bench_tools" "$BUILD/ha-plugins" "$((N_UNCACHED * 6))" $TN_CAPS
kill "$FAKE_PID" 2>/dev/null; wait "$FAKE_PID" 2>/dev/null; FAKE_PID=
printf 'allow: ["cpu.*", "memory.*", "disk.*"]\n' >"$WORK/policy.yaml"
printf 'server:\n  listen: "127.0.0.1:0"\nplugins:\n  directory: %s\naudit:\n  path: audit.jsonl\n' \
  "$BUILD/ha-plugins" >"$WORK/config.yaml"
KEY=bench-key-$(openssl rand -hex 12)
# Default configuration and log level: one access-log line per request, as in production.
API_KEY=$KEY RATE_LIMIT_REQUESTS=1000000 "$BUILD/host/homelab-assistant" --config "$WORK/config.yaml" \
  >"$WORK/server.log" 2>&1 &
PID=$!
PORT=
for i in $(seq 1 100); do
  PORT=$(sed -n 's/.*listening on https:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/server.log" | head -1)
  [ -n "$PORT" ] && break
  sleep 0.1
done
[ -n "$PORT" ] || { cat "$WORK/server.log"; exit 1; }
URL=https://127.0.0.1:$PORT
curl -sf --cacert "$WORK/tls/cert.pem" "$URL/health" -o "$WORK/health.json"
chmod 644 "$WORK/health.json"

start_nginx() {  # a private nginx on a free port with the same TLS settings as ours
  local port
  for i in $(seq 1 20); do
    port=$((20000 + RANDOM % 40000))
    cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes auto;
worker_rlimit_nofile 8192;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
daemon off;
events { worker_connections 4096; }
http {
  access_log $WORK/nginx/access.log;
  client_body_temp_path $WORK/nginx/body; proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi; uwsgi_temp_path $WORK/nginx/uwsgi; scgi_temp_path $WORK/nginx/scgi;
  keepalive_requests 1000;
  open_file_cache max=16;
  server {
    listen 127.0.0.1:$port ssl;
    ssl_certificate $WORK/tls/cert.pem;
    ssl_certificate_key $WORK/tls/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:!aNULL:!MD5:!DSS;
    ssl_prefer_server_ciphers on;
    ssl_ecdh_curve prime256v1;
    ssl_session_cache shared:bench:1m;
    location = /health { default_type "application/json; charset=utf-8"; alias $WORK/health.json; }
  }
}
CONF
    /usr/sbin/nginx -c "$WORK/nginx/nginx.conf" >"$WORK/nginx/out.log" 2>&1 &
    NGINX_PID=$!
    for j in $(seq 1 50); do
      curl -sf --cacert "$WORK/tls/cert.pem" "https://127.0.0.1:$port/health" -o /dev/null && { NGINX_URL=https://127.0.0.1:$port; return 0; }
      kill -0 "$NGINX_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill "$NGINX_PID" 2>/dev/null; wait "$NGINX_PID" 2>/dev/null || true
    NGINX_PID=
  done
  return 1
}

CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() {  # utime + stime of a process, plus its children's when $2 = tree (nginx workers)
  local total=0 p
  for p in $1 $([ "${2:-}" = tree ] && ps -o pid= --ppid "$1"); do
    [ -r "/proc/$p/stat" ] || continue
    total=$((total + $(awk '{ print $14 + $15 }' "/proc/$p/stat")))
  done
  echo "$total"
}
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }

# one_round NAME URL CONNECTIONS PID [tree]: one wrk run; appends "rps p99ms errors timeouts cpu_us" to $WORK/NAME-C
one_round() {
  local name=$1 url=$2 c=$3 pid=$4 mode=${5:-} before after out requests rps p99 errors timeouts seconds=$SECONDS_PER_RUN
  [ "$c" -ge 1024 ] && seconds=$LONG_SECONDS
  before=$(cpu_ticks "$pid" "$mode")
  out=$(wrk -t"$(( $(nproc) < 2 ? 1 : 2 ))" -c"$c" -d"${seconds}s" --timeout 5s --latency "$url/health" 2>&1)
  after=$(cpu_ticks "$pid" "$mode")
  requests=$(awk '/requests in/ { print $1 }' <<<"$out")
  rps=$(awk '/^Requests\/sec/ { print $2 }' <<<"$out")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
  # "  Socket errors: connect 0, read 0, write 0, timeout 51" (only when there are some)
  errors=$(awk -F'[ ,]+' '/Socket errors/ { print $5 + $7 + $9 }' <<<"$out")
  timeouts=$(awk -F'[ ,]+' '/Socket errors/ { print $11 }' <<<"$out")
  errors=$(( ${errors:-0} + $(awk '/Non-2xx/ { n = $NF } END { print n + 0 }' <<<"$out") ))
  [ -n "$requests" ] && [ "$requests" -gt 0 ] || { requests=1; rps=0; }
  echo "$rps $p99 $errors ${timeouts:-0} $(( (after - before) * 1000000 / CLK_TCK / requests ))" >>"$WORK/$name-$c"
}
median() {  # median COLUMN FILE
  cut -d' ' -f"$1" "$2" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
worst() { cut -d' ' -f"$1" "$2" | sort -g | tail -1; }

if install_nginx && start_nginx; then
  HAVE_NGINX=1
else
  HAVE_NGINX=0
  echo "(nginx is not available here: our figures only)"
fi
CONNECTIONS="32 64 256 1024"
echo "== GET /health over HTTPS: $ROUNDS round(s) of ${SECONDS_PER_RUN}s (1024 connections: ${LONG_SECONDS}s) per server and connection count, alternating"
if [ "$HAVE_NGINX" = 1 ]; then echo "   peer: $(/usr/sbin/nginx -v 2>&1 | sed 's/.*: //') serving the same JSON as a static file"; fi
for c in $CONNECTIONS; do
  for r in $(seq 1 "$ROUNDS"); do
    one_round ours "$URL" "$c" "$PID"
    if [ "$HAVE_NGINX" = 1 ]; then one_round nginx "$NGINX_URL" "$c" "$NGINX_PID" tree; fi
  done
done
printf '%-6s %-7s %10s %9s %7s %9s %8s\n' conns server "req/s" "p99 ms" errors timeouts "CPU us"
for c in $CONNECTIONS; do
  for s in ours nginx; do
    [ -f "$WORK/$s-$c" ] || continue
    printf '%-6s %-7s %10s %9s %7s %9s %8s\n' "$c" "$s" "$(median 1 "$WORK/$s-$c")" "$(median 2 "$WORK/$s-$c")" \
      "$(worst 3 "$WORK/$s-$c")" "$(worst 4 "$WORK/$s-$c")" "$(median 5 "$WORK/$s-$c")"
  done
done
ours64=$(median 1 "$WORK/ours-64")
echo "-- ratios and the targets of issue 11 (medians; printed, not asserted)"
for c in $CONNECTIONS; do
  rps=$(median 1 "$WORK/ours-$c")
  line="$c connections: ours/own-64 $(awk -v a="$rps" -v b="$ours64" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
  if [ "$HAVE_NGINX" = 1 ]; then
    nrps=$(median 1 "$WORK/nginx-$c")
    line+=", ours/nginx req/s $(awk -v a="$rps" -v b="$nrps" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
    line+=", CPU per request ours/nginx $(awk -v a="$(median 5 "$WORK/ours-$c")" -v b="$(median 5 "$WORK/nginx-$c")" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
  fi
  case $c in
    32|64) [ "$HAVE_NGINX" = 1 ] && line+=" | target >= 0.80x nginx: $(awk -v a="$rps" -v b="$nrps" 'BEGIN { print (b > 0 && a / b >= 0.8) ? "met" : "MISSED" }')" ;;
    *) line+=" | target no errors, >= 0.80x own-64, p99 < 50 ms: $(awk -v a="$rps" -v b="$ours64" -v p="$(median 2 "$WORK/ours-$c")" \
         -v e="$(( $(worst 3 "$WORK/ours-$c") + $(worst 4 "$WORK/ours-$c") ))" \
         'BEGIN { print (e == 0 && b > 0 && a / b >= 0.8 && p < 50) ? "met" : "MISSED" }')" ;;
  esac
  echo "$line"
done

cat >"$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["X-API-Key"] = "$KEY"
wrk.headers["Content-Type"] = "application/json"
wrk.body = os.getenv("BODY") or "{}"
LUA
run() {  # run TITLE CONNECTIONS PATH [lua]
  echo "== $1: wrk -t2 -c$2 -d${SECONDS_PER_RUN}s $3"
  wrk -t2 -c"$2" -d"${SECONDS_PER_RUN}s" --latency ${4:+-s "$4"} "$URL$3" |
    grep -E 'Requests/sec|Latency   |  50%|  99%|Non-2xx|Socket errors'
}
run "POST /v1/tools/cpu.usage (auth, rate limit, audit, tool call)" 64 /v1/tools/cpu.usage "$WORK/post.lua"
BODY='{"message":"What is the CPU and memory usage?"}' run "POST /chat offline (guard, 2 tools, answer, audit)" 16 /chat "$WORK/post.lua"

# Netdata as a peer for a tool call: its /api/v1/data query of system.cpu (plain HTTP, its own
# collector) against our authenticated, audited POST /v1/tools/cpu.usage over HTTPS. A private
# instance (its own configuration, directories and port on 127.0.0.1, only the proc collector),
# stopped by its PID; installed with apt-get when missing, without starting Debian's service.
install_netdata() {
  [ -x /usr/sbin/netdata ] && return 0
  [ "$(id -u)" = 0 ] || return 1
  local guard=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && guard=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends netdata >/dev/null 2>&1 || true
  [ -n "$guard" ] && rm -f /usr/sbin/policy-rc.d
  [ -x /usr/sbin/netdata ]
}
NETDATA_PID= NETDATA_URL=
start_netdata() {
  local dir=$WORK/netdata port
  mkdir -p "$dir/cache" "$dir/lib" "$dir/log"
  id netdata >/dev/null 2>&1 && chown -R netdata: "$dir/cache" "$dir/lib" "$dir/log"
  for i in $(seq 1 10); do
    port=$((20000 + RANDOM % 40000))
    cat >"$dir/netdata.conf" <<CONF
[global]
  run as user = $(id netdata >/dev/null 2>&1 && echo netdata || id -un)
  memory mode = alloc
  update every = 1
  debug log = none
  error log = $dir/log/error.log
  access log = none
[directories]
  cache = $dir/cache
  lib = $dir/lib
  log = $dir/log
  config = $dir
[web]
  bind to = 127.0.0.1:$port
[plugins]
  enable running new plugins = no
  proc = yes
  diskspace = no
  cgroups = no
  tc = no
  idlejitter = no
  apps = no
  python.d = no
  charts.d = no
  go.d = no
  ebpf = no
  perf = no
  slabinfo = no
  statsd = no
  timex = no
  checks = no
[ml]
  enabled = no
[health]
  enabled = no
[registry]
  enabled = no
[statsd]
  enabled = no
CONF
    /usr/sbin/netdata -D -c "$dir/netdata.conf" -P "$dir/netdata.pid" >"$dir/out.log" 2>&1 &
    NETDATA_PID=$!
    for j in $(seq 1 50); do
      curl -sf "http://127.0.0.1:$port/api/v1/data?chart=system.cpu&points=1" -o /dev/null &&
        { NETDATA_URL=http://127.0.0.1:$port; sleep 2; return 0; }  # two samples collected
      kill -0 "$NETDATA_PID" 2>/dev/null || break
      sleep 0.2
    done
    kill "$NETDATA_PID" 2>/dev/null; wait "$NETDATA_PID" 2>/dev/null || true
    NETDATA_PID=
  done
  return 1
}
# api_round NAME URL CONNECTIONS PID [lua] [tree]: one wrk run on a full URL; appends like one_round
api_round() {
  local name=$1 url=$2 c=$3 pid=$4 lua=${5:-} mode=${6:-} before after out requests rps p99 errors
  before=$(cpu_ticks "$pid" "$mode")
  out=$(wrk -t2 -c"$c" -d"${SECONDS_PER_RUN}s" --timeout 5s --latency ${lua:+-s "$lua"} "$url" 2>&1)
  after=$(cpu_ticks "$pid" "$mode")
  requests=$(awk '/requests in/ { print $1 }' <<<"$out")
  rps=$(awk '/^Requests\/sec/ { print $2 }' <<<"$out")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
  errors=$(( $(awk -F'[ ,]+' '/Socket errors/ { print $5 + $7 + $9 + $11 }' <<<"$out") + $(awk '/Non-2xx/ { n = $NF } END { print n + 0 }' <<<"$out") ))
  [ -n "$requests" ] && [ "$requests" -gt 0 ] || { requests=1; rps=0; }
  echo "$rps $p99 $errors 0 $(( (after - before) * 1000000 / CLK_TCK / requests ))" >>"$WORK/$name-$c"
}
# A second instance of ours with audit.sync none (the first has the default, batch: every answer
# waits for an fdatasync on this disk), so the tool-call figures show what durability costs.
PID_NONE=
start_ours_without_sync() {
  printf 'server:\n  listen: "127.0.0.1:0"\nplugins:\n  directory: %s\naudit:\n  path: audit-none.jsonl\n  sync: none\n' \
    "$BUILD/ha-plugins" >"$WORK/config-none.yaml"
  API_KEY=$KEY RATE_LIMIT_REQUESTS=1000000 "$BUILD/host/homelab-assistant" --config "$WORK/config-none.yaml" \
    >"$WORK/server-none.log" 2>&1 &
  PID_NONE=$!
  local port= i
  for i in $(seq 1 100); do
    port=$(sed -n 's/.*listening on https:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/server-none.log" | head -1)
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] && URL_NONE=https://127.0.0.1:$port
}
if install_netdata && start_netdata && start_ours_without_sync; then
  ND_QUERY="$NETDATA_URL/api/v1/data?chart=system.cpu&points=1"
  echo "== POST /v1/tools/cpu.usage (HTTPS, auth, audit; sync batch and none) vs $(/usr/sbin/netdata -v 2>&1 | head -1) $ND_QUERY (plain HTTP)"
  echo "   netdata answers: $(curl -s "$ND_QUERY" | tr -d ' \n' | head -c 160)"
  for c in 8 64; do
    for r in $(seq 1 "$ROUNDS"); do
      api_round tool "$URL/v1/tools/cpu.usage" "$c" "$PID" "$WORK/post.lua"
      api_round tool-none "$URL_NONE/v1/tools/cpu.usage" "$c" "$PID_NONE" "$WORK/post.lua"
      api_round netdata "$ND_QUERY" "$c" "$NETDATA_PID" "" tree
    done
  done
  printf '%-6s %-10s %10s %9s %7s %8s\n' conns server "req/s" "p99 ms" errors "CPU us"
  for c in 8 64; do
    for s in tool tool-none netdata; do
      printf '%-6s %-10s %10s %9s %7s %8s\n' "$c" "$s" "$(median 1 "$WORK/$s-$c")" "$(median 2 "$WORK/$s-$c")" \
        "$(worst 3 "$WORK/$s-$c")" "$(median 5 "$WORK/$s-$c")"
    done
    echo "$c connections: ours/netdata req/s $(awk -v a="$(median 1 "$WORK/tool-$c")" -v b="$(median 1 "$WORK/netdata-$c")" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }') (sync batch), $(awk -v a="$(median 1 "$WORK/tool-none-$c")" -v b="$(median 1 "$WORK/netdata-$c")" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }') (sync none) | target >= 1.0x, <= 100 us CPU per request (printed, not asserted)"
  done
  kill "$PID_NONE" 2>/dev/null; wait "$PID_NONE" 2>/dev/null || true
  PID_NONE=
  echo "== netdata resident memory: $(awk '/VmRSS/ {print $2 / 1024 " MiB"}' /proc/$NETDATA_PID/status)"
  kill "$NETDATA_PID" 2>/dev/null; wait "$NETDATA_PID" 2>/dev/null || true
  NETDATA_PID=
else
  echo "(netdata is not available here: no tool-call peer figures)"
fi
echo "== server resident memory after the runs: $(awk '/VmRSS/ {print $2 / 1024 " MiB"}' /proc/$PID/status)"
if [ "$HAVE_NGINX" = 1 ]; then echo "== nginx resident memory (master + workers): $(for p in $NGINX_PID $(ps -o pid= --ppid "$NGINX_PID"); do awk '/VmRSS/ {print $2}' /proc/$p/status; done | awk '{ s += $1 } END { print s / 1024 " MiB" }')"; fi
echo "== audit lines written: $(wc -l <"$WORK/audit.jsonl")"
# What each audit.sync mode costs (a server per mode, the audit log on a real disk).
"$ROOT/tests/bench/audit-sync-bench.sh" "$BUILD" "$SECONDS_PER_RUN"
# Resident memory idle with every plugin loaded and along requests and new conversations.
"$ROOT/tests/bench/memory.sh" --build-dir "$BUILD" $([ "$SMOKE" = 1 ] && echo "--requests 200 --conversations 50")
