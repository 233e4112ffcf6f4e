#!/bin/bash
# Benchmarks: prints figures, checks nothing. Builds an optimised tree (build-bench/), then
#  1. the cost of one tool call through the gate and the plugin ABI (bench_tools);
#  2. HTTPS throughput and latency of the real server with wrk on 127.0.0.1, keep-alive, with
#     more connections (64) than request threads (32): /health, a direct tool call, and /chat
#     answered offline (each one written to the audit log);
#  3. the server's resident memory afterwards;
#  4. the cost of each audit.sync mode (audit-sync-bench.sh).
# usage: tests/bench/run-bench.sh [SECONDS per run, default 10]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build-bench}
SECONDS_PER_RUN=${1:-10}

"$ROOT/packaging/install-deps.sh" test
command -v wrk >/dev/null || { [ "$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target homelab-assistant bench_tools ha_tool_cpu ha_tool_memory ha_tool_disk \
  ha_tool_sensors ha_tool_network ha_tool_systemd >/dev/null

echo "== tool call through policy, schema, call thread and C ABI ($(nproc) cores)"
"$BUILD/tests/bench_tools" "$BUILD/ha-plugins" 2000

WORK=$(mktemp -d /tmp/ha-bench-XXXXXX)
trap 'kill "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT
mkdir -p "$WORK/tls"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1 \
  -keyout "$WORK/tls/key.pem" -out "$WORK/tls/cert.pem" 2>/dev/null
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
# What each audit.sync mode costs (a server per mode, the audit log on a real disk).
"$ROOT/tests/bench/audit-sync-bench.sh" "$BUILD" "$SECONDS_PER_RUN"
