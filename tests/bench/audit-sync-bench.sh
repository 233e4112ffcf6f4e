#!/bin/bash
# What each audit.sync mode costs: req/s and latency of an audited POST /v1/tools/cpu.usage with
# sync none, batch and always, the audit log on a real disk (/var/tmp unless AUDIT_DIR says
# otherwise; on tmpfs every mode costs the same, fdatasync does nothing there). Prints figures,
# checks nothing. Called by run-bench.sh; needs wrk and a built tree.
# usage: tests/bench/audit-sync-bench.sh BUILD_DIR [SECONDS per run, default 10] [CONNECTIONS, default 64]
set -euo pipefail
BUILD=$(cd "$1" && pwd)
SECONDS_PER_RUN=${2:-10}
CONNECTIONS=${3:-64}
AUDIT_DIR=${AUDIT_DIR:-/var/tmp/homelab-assistant-tests/bench-audit}
mkdir -p "$AUDIT_DIR"
WORK=$(mktemp -d /tmp/ha-bench-sync-XXXXXX)
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$WORK" "$AUDIT_DIR"/audit-*.jsonl' EXIT
mkdir -p "$WORK/tls"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1 \
  -keyout "$WORK/tls/key.pem" -out "$WORK/tls/cert.pem" 2>/dev/null
printf 'allow: ["cpu.*"]\n' >"$WORK/policy.yaml"
KEY=bench-key-$(openssl rand -hex 12)
cat >"$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["X-API-Key"] = "$KEY"
wrk.headers["Content-Type"] = "application/json"
wrk.body = "{}"
LUA
echo "== audit.sync cost: POST /v1/tools/cpu.usage, wrk -t2 -c$CONNECTIONS -d${SECONDS_PER_RUN}s, audit log in $AUDIT_DIR ($(df --output=fstype "$AUDIT_DIR" | tail -1))"
for mode in none batch always; do
  audit=$AUDIT_DIR/audit-$mode.jsonl
  rm -f "$audit"
  printf 'server:\n  listen: "127.0.0.1:0"\nplugins:\n  directory: %s\naudit:\n  path: %s\n  sync: %s\n' \
    "$BUILD/ha-plugins" "$audit" "$mode" >"$WORK/config.yaml"
  API_KEY=$KEY RATE_LIMIT_REQUESTS=1000000 "$BUILD/host/homelab-assistant" --config "$WORK/config.yaml" \
    >"$WORK/server-$mode.log" 2>&1 &
  PID=$!
  PORT=
  for i in $(seq 1 100); do
    PORT=$(sed -n 's/.*listening on https:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/server-$mode.log" | head -1)
    [ -n "$PORT" ] && break
    sleep 0.1
  done
  [ -n "$PORT" ] || { cat "$WORK/server-$mode.log"; exit 1; }
  out=$(wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -s "$WORK/post.lua" "https://127.0.0.1:$PORT/v1/tools/cpu.usage")
  kill "$PID"
  wait "$PID" || true
  PID=
  printf '   sync %-6s %10s req/s   p50 %8s   p99 %8s   %s records (status: %s)\n' "$mode" \
    "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" "$(awk '$1 == "50%" {print $2}' <<<"$out")" \
    "$(awk '$1 == "99%" {print $2}' <<<"$out")" "$(wc -l <"$audit")" \
    "$(jq -r .status "$audit" | sort | uniq -c | awk '{printf "%s%s x%s", (NR > 1 ? ", " : ""), $2, $1}')"
done
