#!/bin/bash
# GET /metrics: behind the key (X-API-Key or Bearer), Prometheus text that Debian's promtool
# accepts, counting what the server did (requests by route pattern, capability calls by status,
# refusals, provider rounds, stuck plugin calls, audit write failures); metrics.listen serves it
# without a key on a plain-HTTP address; a real Prometheus (Debian's) scrapes both.
# usage: metrics.sh BINARY PLUGIN_DIR FIXTURE_PLUGIN_DIR
set -uo pipefail
HA_BINARY=$1 PLUGINS=$2 FIXTURES=$3
. "$(dirname "$0")/../lib.sh"
command -v promtool >/dev/null || { echo "FAIL: promtool is needed (packaging/install-deps.sh test installs prometheus)"; exit 1; }
# (Not a word first: the redactor masks a secret's head at the end of a text, "/metrics" included.)
KEY=mk$(openssl rand -hex 16)
AUTH=(-H "X-API-Key: $KEY")
ha_plugin_dir plugins "$PLUGINS"/tool-cpu.so "$PLUGINS"/tool-memory.so "$PLUGINS"/tool-disk.so "$FIXTURES/hangs.so"
mkdir -p "$WORK/metrics" && printf 'allow: ["cpu.*", "memory.*", "fixture_hangs.*"]\n' >"$WORK/metrics/policy.yaml"
ha_start metrics "plugins:
  directory: $PLUGIN_DIR
metrics:
  listen: \"127.0.0.1:0\"" API_KEY="$KEY" LLM_PROVIDER=offline RATE_LIMIT_REQUESTS=1000 || exit 1
OPEN=$(sed -n 's#.*metrics without a key on http://\(127\.0\.0\.1:[0-9]*\)/metrics.*#\1#p' "$LOG" | head -1)
check "the keyless listener is announced" [ -n "$OPEN" ]

# sample NAME_AND_LABELS: the value of one sample line of the last body ("" when absent).
sample() { awk -v s="$1" '$1 == s { print $2; exit }' "$BODY_FILE"; }
expect_sample() { check "$1" [ "$(sample "$2")" = "$3" ]; }  # expect_sample DESC SERIES VALUE
promtool_ok() { promtool check metrics <"$BODY_FILE" >"$WORK/promtool.out" 2>&1; }

echo "== traffic to count"
for i in 1 2 3; do req GET /health; done
req POST /chat "${AUTH[@]}" -d '{"message":"How much memory is used?"}'
expect_status "a question: 200" 200
req POST /chat "${AUTH[@]}" -d '{"message":"restart nginx"}'
expect_jq "a request to change state is refused" '.refused == true'
req POST /v1/tools/cpu.usage "${AUTH[@]}"
expect_status "a capability call: 200" 200
req POST /v1/tools/disk.usage "${AUTH[@]}"
expect_status "a capability the policy denies: 403" 403
req POST /v1/tools/no.such-thing-4711 "${AUTH[@]}"
expect_status "an unknown capability: 404" 404
req POST /v1/tools/fixture_hangs.hang "${AUTH[@]}"
expect_status "a plugin that hangs: 504 at its deadline" 504

echo "== authentication"
req GET /metrics
expect_status "no key: 401" 401
check "  as JSON" is_error_json
check "  with a Bearer challenge (what Prometheus can send)" header_has "WWW-Authenticate: Bearer"
req GET /metrics -H "Authorization: Bearer wrong-key-0123456789"
expect_status "a wrong Bearer key: 401" 401
req POST /metrics "${AUTH[@]}"
expect_status "POST /metrics: 405" 405
check "  names GET" header_has "Allow: GET"
req GET /metrics -H "Authorization: Bearer $KEY"
expect_status "Bearer key: 200" 200
check "  text exposition 0.0.4" header_has "Content-Type: text/plain; version=0.0.4"
req GET /metrics "${AUTH[@]}"
expect_status "X-API-Key: 200" 200
check "promtool check metrics accepts it" promtool_ok
[ -s "$WORK/promtool.out" ] && sed 's/^/       promtool: /' "$WORK/promtool.out"
expect_no_body "the key is not in it" "$KEY"

echo "== what it counts"
expect_grep "build info names the version and the ABI" '^homelab_assistant_build_info\{version="[0-9.]+",abi="1\.[0-9]+"\} 1$' "$BODY_FILE"
expect_sample "GET /health 200 counted 3 times" 'homelab_assistant_http_requests_total{route="/health",status="200"}' 3
expect_sample "its duration histogram counted 3" 'homelab_assistant_http_request_duration_seconds_count{route="/health"}' 3
expect_sample "  +Inf bucket equals the count" 'homelab_assistant_http_request_duration_seconds_bucket{route="/health",le="+Inf"}' 3
expect_sample "the route pattern, not the path: 200, 403, 404, 504 once each (1/4)" 'homelab_assistant_http_requests_total{route="/v1/tools/{capability}",status="200"}' 1
expect_sample "  (2/4)" 'homelab_assistant_http_requests_total{route="/v1/tools/{capability}",status="403"}' 1
expect_sample "  (3/4)" 'homelab_assistant_http_requests_total{route="/v1/tools/{capability}",status="404"}' 1
expect_sample "  (4/4)" 'homelab_assistant_http_requests_total{route="/v1/tools/{capability}",status="504"}' 1
expect_no_body "an unknown capability's name never becomes a label" "no.such-thing-4711"
expect_sample "401s on /metrics counted" 'homelab_assistant_http_requests_total{route="/metrics",status="401"}' 2
expect_sample "a denied capability call, by capability and status" 'homelab_assistant_capability_calls_total{capability="disk.usage",status="denied"}' 1
expect_sample "an unknown one as \"unknown\"" 'homelab_assistant_capability_calls_total{capability="unknown",status="not_found"}' 1
expect_sample "the hanging call as a timeout" 'homelab_assistant_capability_calls_total{capability="fixture_hangs.hang",status="timeout"}' 1
check "memory.usage ran for the question (count >= 1)" [ "$(sample 'homelab_assistant_capability_calls_total{capability="memory.usage",status="ok"}')" -ge 1 ]
expect_sample "capability latency histogram for cpu.usage" 'homelab_assistant_capability_call_duration_seconds_count{capability="cpu.usage"}' 1
expect_sample "the refusal, by category" 'homelab_assistant_refusals_total{category="service_lifecycle"}' 1
check "offline provider rounds counted (>= 1)" [ "$(sample 'homelab_assistant_provider_calls_total{provider="offline",outcome="ok"}')" -ge 1 ]
expect_sample "the stuck call of the hanging plugin" 'homelab_assistant_stuck_plugin_calls{plugin="fixture-hangs"}' 1
expect_sample "no stuck call in cpu" 'homelab_assistant_stuck_plugin_calls{plugin="cpu"}' 0
expect_sample "no audit write failure yet" 'homelab_assistant_audit_write_failures_total' 0
check "process metrics: resident memory > 1 MB" [ "$(sample process_resident_memory_bytes | cut -d. -f1)" -gt 1000000 ]

echo "== an audit write failure is counted"
AUDIT=$DIR/audit.jsonl
mv "$AUDIT" "$AUDIT.saved" && mkdir "$AUDIT"  # the path is now a directory: appends fail
req POST /v1/tools/cpu.usage "${AUTH[@]}"
expect_status "the result is withheld: 500" 500
rmdir "$AUDIT" && mv "$AUDIT.saved" "$AUDIT"
req GET /metrics "${AUTH[@]}"
expect_sample "audit_write_failures_total is 1" 'homelab_assistant_audit_write_failures_total' 1

echo "== the keyless listener (metrics.listen)"
open_req() {  # open_req METHOD PATH
  BODY_FILE=$WORK/body HEADERS=$WORK/headers
  STATUS=$(curl -sS --max-time 10 -X "$1" -o "$BODY_FILE" -D "$HEADERS" -w '%{http_code}' "http://$OPEN$2") || STATUS=000
}
open_req GET /metrics
expect_status "GET /metrics without a key: 200" 200
check "  promtool accepts it" promtool_ok
expect_sample "  the same counters" 'homelab_assistant_http_requests_total{route="/health",status="200"}' 3
open_req GET /v1/status
expect_status "anything else there: 404" 404
check "  as JSON" is_error_json
open_req POST /metrics
expect_status "POST: 405" 405
req GET /health
expect_status "the HTTPS listener still serves" 200

echo "== Debian's Prometheus scrapes both"
if ! command -v prometheus >/dev/null; then
  echo "  (prometheus not installed: promtool checks only)"
else
  printf '%s' "$KEY" >"$WORK/key" && chmod 600 "$WORK/key"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  cat >"$WORK/prometheus.yml" <<YAML
global: {scrape_interval: 1s, scrape_timeout: 1s}
scrape_configs:
  - job_name: assistant
    scheme: https
    tls_config: {ca_file: $CACERT}
    authorization: {credentials_file: $WORK/key}
    static_configs: [{targets: ["${URL#https://}"]}]
  - job_name: open
    static_configs: [{targets: ["$OPEN"]}]
YAML
  prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
    --web.listen-address="127.0.0.1:$port" >"$WORK/prometheus.log" 2>&1 &
  PROM=$!
  HA_PIDS="$HA_PIDS $PROM"
  up=""
  for i in $(seq 1 60); do  # at most 30 s
    up=$(curl -s --max-time 2 "http://127.0.0.1:$port/api/v1/query?query=sum(up)" | jq -r '.data.result[0].value[1] // empty' 2>/dev/null)
    [ "$up" = 2 ] && break
    sleep 0.5
  done
  check "both targets are up (sum(up) = ${up:-none})" [ "$up" = 2 ]
  curl -s --max-time 2 "http://127.0.0.1:$port/api/v1/targets" | jq -r '.data.activeTargets[] | "       \(.labels.job): \(.health) \(.lastError)"'
  got=$(curl -s --max-time 2 "http://127.0.0.1:$port/api/v1/query?query=homelab_assistant_build_info" | jq -r '.data.result | length')
  check "build_info stored from both ($got series)" [ "$got" = 2 ]
  kill -TERM "$PROM" && wait "$PROM" 2>/dev/null
fi

check "SIGTERM: clean exit" ha_stop "$PID"
finish
