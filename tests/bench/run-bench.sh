#!/bin/bash
# Benchmarks: prints figures, checks nothing. Builds an optimised tree (build-bench/), then
#  1. the cost of one tool call through the gate and the plugin ABI (bench_tools), and of each
#     truenas capability against the fake middleware (tests/fake-truenas), cached and not, of the
#     zfs plugin (real zfs-fuse pools when they can run here; cached, and uncached: the commands)
#     and the smart plugin (recorded smartctl outputs in a collector directory);
#  2. HTTPS throughput and latency of the real server with wrk on 127.0.0.1, keep-alive, with
#     more connections (64) than request threads (32): /health, a direct tool call, and /chat
#     answered offline (each one written to the audit log);
#  3. the server's resident memory afterwards.
# usage: tests/bench/run-bench.sh [SECONDS per run, default 10]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build-bench}
SECONDS_PER_RUN=${1:-10}

"$ROOT/packaging/install-deps.sh" test
command -v wrk >/dev/null || { [ "$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target homelab-assistant bench_tools ha_tool_cpu ha_tool_memory ha_tool_disk \
  ha_tool_sensors ha_tool_network ha_tool_systemd ha_tool_truenas fake_truenas_server ha_tool_zfs ha_tool_smart >/dev/null

echo "== tool call through policy, schema, call thread and C ABI ($(nproc) cores)"
"$BUILD/tests/bench_tools" "$BUILD/ha-plugins" 2000

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
  if "$POOLS_SCRIPT" up "$POOLS" >/dev/null 2>&1; then
    calls+=(zfs.pools "zfs.pool={\"pool\":\"${ZP_PREFIX}cksum\"}" zfs.datasets)
  else
    echo "   (zfs-fuse cannot run here: no zfs figures)"
  fi
  echo "== zfs and smart, served from their caches (cache_seconds 5)"
  HA_BENCH_SETTINGS="{\"smart\":{\"data_dir\":\"$DATA\"}}" "$BUILD/tests/bench_tools" "$BUILD/ha-plugins" 2000 "${calls[@]}"
  echo "== the same uncached (cache_seconds 0): reading the files, running zpool/zfs"
  HA_BENCH_SETTINGS="{\"smart\":{\"data_dir\":\"$DATA\",\"cache_seconds\":0},\"zfs\":{\"cache_seconds\":0}}" \
    "$BUILD/tests/bench_tools" "$BUILD/ha-plugins" 50 "${calls[@]}"
)

WORK=$(mktemp -d /tmp/ha-bench-XXXXXX)
PID=
FAKE_PID=
trap 'kill $PID $FAKE_PID 2>/dev/null; rm -rf "$WORK"' EXIT
mkdir -p "$WORK/tls"
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
HA_BENCH_SETTINGS=$(cat "$WORK/tn-settings.json") "$BUILD/tests/bench_tools" "$BUILD/ha-plugins" 2000 $TN_CAPS
echo "== truenas capabilities asking the fake middleware every time (cache_ttl_ms 0)"
tn_settings 0
HA_BENCH_SETTINGS=$(cat "$WORK/tn-settings.json") "$BUILD/tests/bench_tools" "$BUILD/ha-plugins" 300 $TN_CAPS
kill "$FAKE_PID" 2>/dev/null
printf 'allow: ["cpu.*", "memory.*", "disk.*"]\n' >"$WORK/policy.yaml"
printf 'server:\n  listen: "127.0.0.1:0"\n  threads: 32\nplugins:\n  directory: %s\naudit:\n  path: audit.jsonl\n' \
  "$BUILD/ha-plugins" >"$WORK/config.yaml"
KEY=bench-key-$(openssl rand -hex 12)
# Default log level: one access-log line per request, as in production.
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
run "GET /health (no auth)" 64 /health
run "POST /v1/tools/cpu.usage (auth, rate limit, audit, tool call)" 64 /v1/tools/cpu.usage "$WORK/post.lua"
BODY='{"message":"What is the CPU and memory usage?"}' run "POST /chat offline (guard, 2 tools, answer, audit)" 16 /chat "$WORK/post.lua"
echo "== server resident memory after the runs: $(awk '/VmRSS/ {print $2 / 1024 " MiB"}' /proc/$PID/status)"
echo "== audit lines written: $(wc -l <"$WORK/audit.jsonl")"
