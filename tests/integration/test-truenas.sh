#!/bin/bash
# The truenas plugin against a local fake TrueNAS middleware (tests/fake-truenas: HTTPS and a
# WebSocket at /api/current on 127.0.0.1 speaking JSON-RPC 2.0, answering with the shapes in
# tests/fixtures/truenas recorded from truenas/middleware's sources): every capability through
# the real server, the answers interface through answers_probe, TLS (CA file, pinned
# fingerprint, host name, plain ws:// refused), login failures, a slow call, a dropped
# connection, idle connections, and from the fake's log that only allowlisted methods were
# ever sent and that the key never reached a log or the audit.
# usage: test-truenas.sh BINARY PLUGIN_DIR FAKE_TRUENAS_SERVER ANSWERS_PROBE FIXTURES_DIR
set -uo pipefail
HA_BINARY=$1
PLUGINS=$2
FAKE=$3
PROBE=$4
FIXTURES=$5
. "$(dirname "$0")/lib.sh"
PLUGIN=$PLUGINS/tool-truenas.so
USER_NAME=homelab-ro
KEY=7-$(openssl rand -hex 32)
EXPIRED=8-$(openssl rand -hex 32)
REVOKED=9-$(openssl rand -hex 32)
DENIED=10-$(openssl rand -hex 32)
WRONG=7-$(openssl rand -hex 32)
API=ha-key-$(openssl rand -hex 12)
AUTH=(-H "X-API-Key: $API")
ALLOWED="auth.login_ex alert.list pool.query disk.query disk.temperatures app.query pool.snapshottask.query replication.query cloudsync.query system.info boot.get_state"

jq_true() { jq -e "$1" "$BODY_FILE" >/dev/null 2>&1; }        # jq_true EXPR: on the last response
out_true() { jq -e "$1" <<<"$OUT" >/dev/null 2>&1; }          # out_true EXPR: on $OUT
has() { grep -qF -- "$2" <<<"$1"; }                           # has TEXT NEEDLE
lacks() { ! grep -qF -- "$2" "$1" 2>/dev/null; }              # lacks FILE NEEDLE
log_true() { jq -e -s "$2" "$1" >/dev/null 2>&1; }               # log_true LOG EXPR: on all lines of a log
calls() { jq -r 'select(.event == "call") | .method' "$1" 2>/dev/null | grep -cx -- "$2"; }  # calls LOG METHOD
all() { local c; for c in "$@"; do eval "$c" || return 1; done; }  # all 'TEST' ...: every test holds

for key in "$KEY" "$EXPIRED" "$REVOKED" "$DENIED" "$WRONG"; do
  printf '%s\n' "$key" >"$WORK/key-$key"
  chmod 0600 "$WORK/key-$key"
done
keyfile() { echo "$WORK/key-$1"; }
stop_server() { check "server $(basename "$DIR") stops cleanly" ha_stop "$PID"; }

# fake_start NAME [fake options]: a fake middleware with its own certificate (127.0.0.1,
# localhost). Sets FAKE_DIR, FAKE_LOG, FAKE_PORT, FAKE_URL, FAKE_CERT, FAKE_PID.
fake_start() {
  local name=$1
  shift
  FAKE_DIR=$WORK/fake-$name
  mkdir -p "$FAKE_DIR"
  if [ -n "${CERT_FROM:-}" ]; then  # CERT_FROM=DIR: use DIR/tls/{cert,key}.pem
    mkdir -p "$FAKE_DIR/tls" && cp "$CERT_FROM/tls/cert.pem" "$CERT_FROM/tls/key.pem" "$FAKE_DIR/tls/"
  else
    ha_make_cert "$FAKE_DIR"
  fi
  FAKE_CERT=$FAKE_DIR/tls/cert.pem
  FAKE_LOG=$FAKE_DIR/calls.log
  : >"$FAKE_LOG"
  "$FAKE" --cert "$FAKE_CERT" --tls-key "$FAKE_DIR/tls/key.pem" --port-file "$FAKE_DIR/port" --log "$FAKE_LOG" \
    --fixtures "$FIXTURES" --user "$USER_NAME" --api-key "$KEY" --expired-key "$EXPIRED" --revoked-key "$REVOKED" \
    --denied-key "$DENIED" "$@" >"$FAKE_DIR/out" 2>&1 &
  FAKE_PID=$!
  HA_PIDS="${HA_PIDS:-} $FAKE_PID"
  local i
  for i in $(seq 1 100); do
    [ -s "$FAKE_DIR/port" ] && break
    sleep 0.05
  done
  [ -s "$FAKE_DIR/port" ] || { echo "fake $name did not start:"; cat "$FAKE_DIR/out"; exit 1; }
  FAKE_PORT=$(cat "$FAKE_DIR/port")
  FAKE_URL=wss://127.0.0.1:$FAKE_PORT/api/current
}

# truenas_settings KEY [extra YAML lines]: the plugins section of config.yaml.
truenas_settings() {
  local key=$1
  shift
  printf 'plugins:\n  directory: %s\n  settings:\n    truenas:\n      url: %s\n      username: %s\n      api_key_file: %s\n      ca_file: %s\n' \
    "$PLUGINS" "$FAKE_URL" "$USER_NAME" "$(keyfile "$key")" "$FAKE_CERT"
  local line
  for line in "$@"; do printf '      %s\n' "$line"; done
}

# ha_truenas NAME KEY [extra setting lines]: the real server with the truenas plugin.
ha_truenas() {
  local name=$1 key=$2
  shift 2
  mkdir -p "$WORK/$name"
  printf 'allow: ["cpu.*", "memory.*", "disk.*", "truenas.*"]\n' >"$WORK/$name/policy.yaml"
  ha_start "$name" "$(truenas_settings "$key" "$@")" API_KEY="$API" RATE_LIMIT_REQUESTS=10000 || exit 1
  SERVER_LOGS="${SERVER_LOGS:-} $LOG $DIR/audit.jsonl"
}

# probe SETTINGS_JSON ARGS...: answers_probe on the plugin; sets OUT, ERR, RC.
probe() {
  local settings=$1
  shift
  OUT=$("$PROBE" "$PLUGIN" "$settings" "$@" 2>"$WORK/probe.err")
  RC=$?
  ERR=$(cat "$WORK/probe.err")
  grep -q Sanitizer "$WORK/probe.err" && cat "$WORK/probe.err" >>"$WORK/sanitizer-reports"
}

probe_settings() {  # probe_settings KEY [extra JSON members]
  printf '{"url":"%s","username":"%s","api_key_file":"%s","ca_file":"%s"%s}' "$FAKE_URL" "$USER_NAME" "$(keyfile "$1")" \
    "$FAKE_CERT" "${2:+,$2}"
}

question() {  # question TEXT [SUBJECT]: a match/summarize input as the host builds it
  local text
  text=" $(tr 'A-Z' 'a-z' <<<"$1" | tr -c 'a-z0-9' ' ' | tr -s ' ' | sed 's/^ //; s/ $//') "
  jq -nc --arg t "$text" --arg q "$1" --argjson s "${2:-null}" \
    '{text:$t, question:$q, words:($t|split(" ")|map(select(length>0))), subject:$s,
      allowed:["truenas.alerts","truenas.pools","truenas.disks","truenas.apps","truenas.data_protection","truenas.system"]}'
}

echo "== the fake middleware and the real server"
fake_start main
MAIN_FAKE_LOG=$FAKE_LOG
ha_truenas main "$KEY" "cache_ttl_ms: 1500"
MAIN_URL=$URL
req GET /v1/tools "${AUTH[@]}"
check "six truenas capabilities, allowed" jq_true '[.tools[] | select(.name | startswith("truenas.")) | select(.allowed)] | length == 6'

echo "-- truenas.alerts"
req POST /v1/tools/truenas.alerts "${AUTH[@]}"
check "alerts: 200" status_is 200
check "alerts: 7 active, 1 dismissed" jq_true '.result.active == 7 and .result.dismissed == 1'
check "alerts: per level" jq_true '.result.by_level == {"CRITICAL":3,"ERROR":1,"WARNING":2,"INFO":1}'
check "alerts: most severe first, as plain text" jq_true '.result.alerts[0].klass == "VolumeStatus" and (.result.alerts[0].message | test("Disk ST4000VN008-2DR166 ZGY8K2LQ is REMOVED$")) and (.result.alerts[0].message | test("<") | not)'
check "alerts: a null formatted text filled from the template" jq_true '.result.alerts[] | select(.klass == "NTPHealthCheck") | .message == "NTP health check failed - No Active NTP peers"'
check "alerts: dates as UTC times and ages" jq_true '.result.alerts[0].age_seconds >= 7190 and .result.alerts[0].age_seconds < 7400 and (.result.alerts[0].since | test("Z$"))'
check "alerts: only what a user needs" jq_true '[.result.alerts[] | keys[]] | unique - ["age_seconds","dismissed","klass","last_seen","level","message","severity","since"] == []'
req POST /v1/tools/truenas.alerts "${AUTH[@]}" -d '{"include_dismissed":true,"min_level":"WARNING"}'
check "alerts: filtered by level, dismissed on request" jq_true '(.result.alerts | length) == 7 and ([.result.alerts[] | select(.dismissed)] | length) == 1'

echo "-- truenas.pools"
req POST /v1/tools/truenas.pools "${AUTH[@]}"
check "pools: 200" status_is 200
check "pools: tank ONLINE, 91% used, raidz1" jq_true '.result.pools[] | select(.name == "tank") | .status == "ONLINE" and .healthy and .used_percent == 91 and .vdevs[0].type == "RAIDZ1" and .last_scan.function == "SCRUB"'
check "pools: backup DEGRADED with the removed disk named" jq_true '.result.pools[] | select(.name == "backup") | .status == "DEGRADED" and (.problem_devices[] | select(.status == "REMOVED") | .device == "sde" and .serial == "ZGY8K2LQ")'
check "pools: no raw topology" jq_true '[.. | objects | keys[]] | index("guid") == null and index("stats") == null and index("children") == null'
req POST /v1/tools/truenas.pools "${AUTH[@]}" -d '{"pool":"nosuch"}'
check "pools: an unknown pool is 404" status_is 404
check "pools: says which" body_has "no pool named 'nosuch'"

echo "-- truenas.disks"
req POST /v1/tools/truenas.disks "${AUTH[@]}"
check "disks: 200" status_is 200
check "disks: six, with model, serial, size, type and temperature" jq_true '(.result.disks | length) == 6 and (.result.disks[] | select(.name == "sda") | .model == "WDC WD40EFRX-68N32N0" and .serial == "WD-WCC7K1ABCDEF" and .size_bytes == 4000787030016 and .type == "HDD" and .temperature_c == 34 and .pool == "tank")'
check "disks: the hottest" jq_true '.result.hottest == {"name":"nvme0n1","temperature_c":47}'

echo "-- truenas.apps"
req POST /v1/tools/truenas.apps "${AUTH[@]}"
check "apps: 200" status_is 200
check "apps: counts per state" jq_true '.result.counts == {"CRASHED":1,"DEPLOYING":1,"RUNNING":3,"STOPPED":1}'
check "apps: nextcloud CRASHED with one exited container" jq_true '.result.apps[] | select(.name == "nextcloud") | .state == "CRASHED" and .containers.states.exited == 1'
check "apps: plex has an upgrade to 1.2.15" jq_true '.result.apps[] | select(.name == "plex") | .upgrade_available and .latest_version == "1.2.15"'
check "apps: the free-text notes never leave the plugin" lacks "$BODY_FILE" hunter2
req POST /v1/tools/truenas.apps "${AUTH[@]}" -d '{"app":"immich"}'
check "apps: one app" jq_true '(.result.apps | length) == 1 and .result.apps[0].containers.running == 3'

echo "-- truenas.data_protection"
req POST /v1/tools/truenas.data_protection "${AUTH[@]}"
check "data protection: 200" status_is 200
check "data protection: snapshot task outcomes" jq_true '[.result.snapshot_tasks[] | .outcome] == ["ok","late","failed","disabled","held"]'
check "data protection: the late task's schedule and interval" jq_true '.result.snapshot_tasks[1] | .schedule == "daily at 00:00" and .expected_interval_seconds == 86400'
check "data protection: replication outcomes" jq_true '[.result.replications[] | .outcome] == ["ok","failed","disabled"] and (.result.replications[1].error | test("Connection refused"))'
check "data protection: cloud sync outcomes" jq_true '[.result.cloud_syncs[] | .outcome] == ["ok","failed","disabled"]'
check "data protection: no credentials, keys or passwords" lacks "$BODY_FILE" hunter2
check "data protection: no AWS key id either" lacks "$BODY_FILE" AKIA
req POST /v1/tools/truenas.data_protection "${AUTH[@]}" -d '{"kind":"replication","task":"tank/media to offsite"}'
check "data protection: one task of one kind" jq_true '(.result | keys) == ["replications"] and (.result.replications | length) == 1 and .result.replications[0].outcome == "failed"'
req POST /v1/tools/truenas.data_protection "${AUTH[@]}" -d '{"kind":"cloud_sync","task":"nothing"}'
check "data protection: an unknown task is 404" status_is 404
req POST /v1/tools/truenas.data_protection "${AUTH[@]}" -d '{"kind":"bogus"}'
check "data protection: a kind off the schema is 400" status_is 400

echo "-- truenas.system"
req POST /v1/tools/truenas.system "${AUTH[@]}"
check "system: 200" status_is 200
check "system: version, host, uptime, ECC" jq_true '.result.version == "25.10.1" and .result.hostname == "truenas" and .result.uptime_seconds == 1047845 and .result.ecc_memory == true'
check "system: the boot pool DEGRADED, nvme1n1 FAULTED" jq_true '.result.boot_pool.status == "DEGRADED" and .result.boot_pool.problem_devices[0].device == "nvme1n1"'
check "system: no serial number or license" jq_true '(.result | has("system_serial") or has("license")) | not'

echo "-- what went over the wire"
check "cloud sync tasks were asked for selected fields only (never credentials)" log_true "$MAIN_FAKE_LOG" \
  '[.[] | select(.method == "cloudsync.query") | .params[1].select] | length > 0 and all(index("credentials") == null and index("encryption_password") == null)'
check "one login for all those calls (one persistent connection)" [ "$(calls "$MAIN_FAKE_LOG" auth.login_ex)" = 1 ]
sleep 1.6  # the cache (cache_ttl_ms 1500) expires
before=$(calls "$MAIN_FAKE_LOG" app.query)
BURST=()
for i in $(seq 1 8); do
  curl -sS --max-time 20 --cacert "$CACERT" "${AUTH[@]}" -X POST "$MAIN_URL/v1/tools/truenas.apps" -o "$WORK/burst-$i" \
    -w '%{http_code}\n' >>"$WORK/burst-codes" &
  BURST+=($!)
done
wait "${BURST[@]}"
sleep 0.2
check "a burst of 8 questions: all 200" [ "$(grep -c '^200$' "$WORK/burst-codes")" = 8 ]
check "a burst of 8 questions: one app.query" [ "$(( $(calls "$MAIN_FAKE_LOG" app.query) - before ))" = 1 ]
stop_server

echo "== the answers interface (answers_probe)"
S=$(probe_settings "$KEY")
probe "$S" profile
check "profile: vocabulary, 6 topics, 4 checks" out_true '(.vocabulary | index("truenas")) != null and (.topics | length) == 6 and (.checks | map(.capability)) == ["truenas.alerts","truenas.apps","truenas.data_protection","truenas.system"]'
m() { probe "$S" match "$(question "$1" "${2:-null}")"; jq -c '.matches[0] | [.capability, .arguments, .score]' <<<"$OUT"; }
check "match: any TrueNAS alerts?" [ "$(m 'Any TrueNAS alerts?')" = '["truenas.alerts",{},0.95]' ]
check "match: are my apps running? (shared word, below 0.9)" [ "$(m 'Are my apps running?')" = '["truenas.apps",{},0.75]' ]
check "match: did the last replication succeed?" [ "$(m 'Did the last replication succeed?')" = '["truenas.data_protection",{"kind":"replication"},0.9]' ]
check "match: is my boot pool ok?" [ "$(m 'Is my boot pool ok?')" = '["truenas.system",{},0.9]' ]
check "match: what version of TrueNAS is this?" [ "$(m 'What version of TrueNAS is this?')" = '["truenas.system",{},0.95]' ]
check "match: and the second one? (after the apps)" [ "$(m 'And the second one?' '{"plugin":"truenas","capability":"truenas.apps","arguments":{},"data":{"names":["plex","immich"]}}')" = '["truenas.apps",{"app":"immich"},0.85]' ]
m 'What is the CPU usage?' >/dev/null
check "match: not a TrueNAS question" out_true '.matches == []'

summarize() {  # summarize QUESTION CAPABILITY [ARGUMENTS]: invoke, then summarize; sets OUT to the text
  local args=${3:-'{}'} result
  probe "$S" invoke "$2" "$args"
  result=$OUT
  probe "$S" summarize "$(question "$1" | jq -c --arg c "$2" --argjson a "$args" --argjson r "$result" '. + {capability:$c, arguments:$a, status:"ok", result:$r}')"
  OUT=$(jq -r .text <<<"$OUT")
}
summarize "Any TrueNAS alerts?" truenas.alerts
check "summary: alerts ($OUT)" has "$OUT" "TrueNAS has 7 active alerts (4 critical, 2 warning and 1 info). Critical: Pool backup state is DEGRADED"
summarize "Are my apps running?" truenas.apps
check "summary: apps ($OUT)" has "$OUT" "6 TrueNAS apps: 3 running, 1 crashed (nextcloud), 1 stopped (jellyfin) and 1 deploying (home-assistant)."
summarize "Did the last replication succeed?" truenas.data_protection '{"kind":"replication"}'
check "summary: last replication ($OUT)" has "$OUT" "The most recent run: Replication 'tank/media to backup' succeeded 40 min ago. Problem: Replication 'tank/media to offsite' FAILED 5 h ago"
summarize "Is my boot pool ok?" truenas.system
check "summary: boot pool ($OUT)" has "$OUT" "Boot pool boot-pool is DEGRADED"
summarize "What version of TrueNAS is this?" truenas.system
check "summary: version ($OUT)" [ "$OUT" = "This is TrueNAS 25.10.1 (host truenas)." ]
summarize "How hot are the TrueNAS disks?" truenas.disks
check "summary: disk temperatures ($OUT)" has "$OUT" "Disk temperatures: nvme0n1 47 °C, sdd 41 °C"

results='[]'
for cap in truenas.alerts truenas.apps truenas.data_protection truenas.system; do
  probe "$S" invoke "$cap" '{}'
  results=$(jq -c --arg c "$cap" --argjson r "$OUT" '. + [{capability:$c, arguments:{}, status:"ok", result:$r}]' <<<"$results")
done
probe "$S" checks "{\"results\":$results}"
FINDINGS=$OUT
f() { jq -c "[.findings[] | select($1)] | length" <<<"$FINDINGS"; }
check "checks: the crashed app is critical" [ "$(f '.severity == "critical" and .check == "truenas.app_crashed" and .subject == "app nextcloud"')" = 1 ]
check "checks: the stopped app is a warning, and says so" [ "$(f '.severity == "warning" and .check == "truenas.app_stopped" and (.message | test("on purpose"))')" = 1 ]
check "checks: failed replication, snapshot task and cloud sync are critical" [ "$(f '.severity == "critical" and .check == "truenas.task_failed"')" = 3 ]
check "checks: the late snapshot task is a warning" [ "$(f '.severity == "warning" and .check == "truenas.task_late" and .subject == "snapshot task tank/documents"')" = 1 ]
check "checks: the boot pool not ONLINE is critical" [ "$(f '.severity == "critical" and .check == "truenas.boot_pool"')" = 1 ]
check "checks: CRITICAL alert critical, WARNING alerts warnings" [ "$(f '.check == "truenas.alert" and .severity == "critical"'),$(f '.check == "truenas.alert" and .severity == "warning"')" = "1,2" ]
check "checks: what is fine is reported too" [ "$(f '.severity == "ok"')" -ge 1 ]

echo "== a healthy NAS"
fake_start healthy --fixtures "$FIXTURES/healthy"
S=$(probe_settings "$KEY")
results='[]'
for cap in truenas.alerts truenas.apps truenas.data_protection truenas.system; do
  probe "$S" invoke "$cap" '{}'
  results=$(jq -c --arg c "$cap" --argjson r "$OUT" '. + [{capability:$c, arguments:{}, status:"ok", result:$r}]' <<<"$results")
done
probe "$S" checks "{\"results\":$results}"
check "healthy: no problem, four ok findings" out_true '([.findings[] | select(.severity != "ok")] | length) == 0 and ([.findings[] | select(.severity == "ok")] | length) == 4'
HEALTHY_FAKE_LOG=$FAKE_LOG

echo "== login failures and an unreachable middleware (real server)"
fake_start logins
LOGINS_FAKE_LOG=$FAKE_LOG
for case in "WRONG:AUTH_ERR:rejected the API key" "REVOKED:AUTH_ERR:was revoked" "EXPIRED:EXPIRED:has expired or was revoked" "DENIED:DENIED:may not use the API"; do
  IFS=: read -r var code text <<<"$case"
  ha_truenas "login-$var" "${!var}" "login_retry_s: 30"
  req POST /v1/tools/truenas.alerts "${AUTH[@]}"
  check "$var key: 403 denied" status_is 403
  check "$var key: says $code and '$text'" all 'body_has "$code"' 'body_has "$text"'
  check "$var key: says what to do" bash -c "grep -qE 'api_key_file|Privileges' '$BODY_FILE'"
  logins=$(calls "$LOGINS_FAKE_LOG" auth.login_ex)
  req POST /v1/tools/truenas.apps "${AUTH[@]}"
  check "$var key: the next call is refused at once" all 'status_is 403' 'body_has "$code"'
  check "$var key: without another login (login_retry_s)" [ "$(calls "$LOGINS_FAKE_LOG" auth.login_ex)" = "$logins" ]
  stop_server
done
check "a refused login sends nothing but the login" [ "$(jq -r 'select(.event == "call") | .method' "$LOGINS_FAKE_LOG" | sort -u)" = auth.login_ex ]
kill "$FAKE_PID" && wait "$FAKE_PID" 2>/dev/null
ha_truenas down "$KEY"
req POST /v1/tools/truenas.system "${AUTH[@]}"
check "middleware down: 503 unavailable" status_is 503
check "middleware down: says the connection was refused" body_has "refused the connection"
probe "$(probe_settings "$KEY")" invoke truenas.alerts '{}'
DOWN_ERROR=$ERR
check "middleware down: the plugin says unavailable" all '[ "$RC" = 2 ]' 'has "$DOWN_ERROR" "refused the connection"'
probe "$(probe_settings "$KEY")" checks "$(jq -nc --arg e "$DOWN_ERROR" '{results:[{capability:"truenas.alerts",arguments:{},status:"unavailable",error:$e},{capability:"truenas.apps",arguments:{},status:"unavailable",error:$e}]}')"
check "middleware down: the health check warns, it does not look healthy" out_true '.findings == [.findings[0]] and .findings[0].severity == "warning" and .findings[0].check == "truenas.reachable"'
stop_server

echo "== a slow call, a dropped connection, idle connections"
fake_start slow --slow app.query=3000 --slow disk.temperatures=3000 --drop cloudsync.query
SLOW_FAKE_LOG=$FAKE_LOG
ha_truenas slow "$KEY" "request_timeout_ms: 1000" "cache_ttl_ms: 0"
curl -sS --max-time 20 --cacert "$CACERT" "${AUTH[@]}" -X POST "$URL/v1/tools/truenas.apps" -o "$WORK/slow-body" \
  -w '%{http_code} %{time_total}\n' >"$WORK/slow-code" &
SLOW_CURL=$!
sleep 0.3
start=$(date +%s%N)
req POST /v1/tools/truenas.system "${AUTH[@]}"
fast=$(( ($(date +%s%N) - start) / 1000000 ))
check "while app.query hangs, another call answers (${fast} ms)" all '[ "$STATUS" = 200 ]' '[ "$fast" -lt 700 ]'
wait "$SLOW_CURL"
read -r code seconds <"$WORK/slow-code"
check "the slow call: 504 after about a second (${seconds} s)" all '[ "$code" = 504 ]' 'awk -v s="$seconds" "BEGIN { exit !(s >= 0.9 && s < 2.5) }"'
check "the slow call: says which method and the limit" grep -qF "TrueNAS did not answer app.query within 1." "$WORK/slow-body"
check "the slow call: names request_timeout_ms" grep -qF "request_timeout_ms 1000" "$WORK/slow-body"
req POST /v1/tools/truenas.disks "${AUTH[@]}"
check "slow temperatures: the disks are still listed" jq_true '(.result.disks | length) == 6 and .result.temperatures_available == false and (.result.temperature_error | test("disk.temperatures"))'
sleep 2.5  # the late answers arrive and are dropped
req POST /v1/tools/truenas.alerts "${AUTH[@]}"
check "after the late answers the connection still works" [ "$STATUS" = 200 ]
check "still the first connection" [ "$(calls "$SLOW_FAKE_LOG" auth.login_ex)" = 1 ]
req POST /v1/tools/truenas.data_protection "${AUTH[@]}" -d '{"kind":"cloud_sync"}'
check "dropped connection mid-call: 503" status_is 503
check "dropped connection mid-call: says so" body_has "was lost during cloudsync.query"
check "dropped: one retry on a fresh connection, then the error" [ "$(calls "$SLOW_FAKE_LOG" cloudsync.query)" = 2 ]
req POST /v1/tools/truenas.alerts "${AUTH[@]}"
check "after a drop the next call reconnects" [ "$STATUS" = 200 ]
stop_server

fake_start partial --error cloudsync.query=EACCES:Not\ authorized
ha_truenas partial "$KEY"
req POST /v1/tools/truenas.data_protection "${AUTH[@]}" -d '{"kind":"cloud_sync"}'
check "a method refused to the account: 403, with the privilege to grant" all 'status_is 403' 'body_has "refused cloudsync.query for this account"' 'body_has "Read-Only Administrator"'
req POST /v1/tools/truenas.data_protection "${AUTH[@]}"
check "one kind refused: the others are answered, the refusal is named" jq_true '(.result.replications | length) == 3 and (.result.snapshot_tasks | length) == 5 and (.result.errors.cloud_sync | test("refused cloudsync.query"))'
stop_server
PARTIAL_FAKE_LOG=$FAKE_LOG

fake_start idle --idle-close-ms 700
IDLE_FAKE_LOG=$FAKE_LOG
ha_truenas idle "$KEY" "cache_ttl_ms: 0"
req POST /v1/tools/truenas.alerts "${AUTH[@]}"
sleep 1.2  # the proxy in front closes the idle connection
req POST /v1/tools/truenas.system "${AUTH[@]}"
check "a connection closed while idle is reopened" [ "$STATUS" = 200 ]
check "two connections, two logins" [ "$(calls "$IDLE_FAKE_LOG" auth.login_ex)" = 2 ]
stop_server
fake_start idleclient
ha_truenas idleclient "$KEY" "cache_ttl_ms: 0" "idle_close_s: 1"
req POST /v1/tools/truenas.alerts "${AUTH[@]}"
sleep 2.5
check "the plugin closes an idle connection itself (idle_close_s)" grep -q '"event":"close"' "$FAKE_LOG"
req POST /v1/tools/truenas.alerts "${AUTH[@]}"
check "and opens a new one when needed" all '[ "$STATUS" = 200 ]' '[ "$(calls "$FAKE_LOG" auth.login_ex)" = 2 ]'
stop_server
IDLECLIENT_FAKE_LOG=$FAKE_LOG

echo "== TLS: CA file, pinned fingerprint, host name, plain ws://"
fake_start tls
TLS_FAKE_LOG=$FAKE_LOG
TLS_PORT=$FAKE_PORT
tls_settings() {  # tls_settings URL [extra JSON members]
  printf '{"url":"%s","username":"%s","api_key_file":"%s"%s}' "$1" "$USER_NAME" "$(keyfile "$KEY")" "${2:+,$2}"
}
PIN=$(openssl x509 -in "$FAKE_CERT" -noout -fingerprint -sha256 | cut -d= -f2)
probe "$(tls_settings "$FAKE_URL" "\"certificate_sha256\":\"$PIN\"")" invoke truenas.system '{}'
check "pinned fingerprint, no CA file: works" all '[ "$RC" = 0 ]' 'out_true ".version == \"25.10.1\""'
logins=$(calls "$TLS_FAKE_LOG" auth.login_ex)
OTHER=$(openssl rand -hex 32 | tr a-f A-F | sed 's/../&:/g; s/:$//')
probe "$(tls_settings "$FAKE_URL" "\"certificate_sha256\":\"$OTHER\"")" invoke truenas.system '{}'
check "wrong pin: refused" [ "$RC" = 2 ]
check "wrong pin: shows the fingerprint seen, and that nothing was sent" all 'has "$ERR" "has SHA-256 fingerprint $PIN, not the pinned certificate_sha256 $OTHER"' 'has "$ERR" "nothing was sent"'
probe "$(tls_settings "$FAKE_URL")" invoke truenas.system '{}'
check "self-signed without CA file or pin: rejected, with the way out" all '[ "$RC" = 2 ]' 'has "$ERR" "was rejected"' 'has "$ERR" "certificate_sha256"'
mkdir -p "$WORK/othername/tls"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -keyout "$WORK/othername/tls/key.pem" \
  -out "$WORK/othername/tls/cert.pem" -subj "/CN=nas.example" -addext "subjectAltName=DNS:nas.example" 2>/dev/null
probe "$(tls_settings "$FAKE_URL" "\"ca_file\":\"$WORK/othername/tls/cert.pem\"")" invoke truenas.system '{}'
check "a CA file that did not sign the certificate: rejected" all '[ "$RC" = 2 ]' 'has "$ERR" "was rejected"'
check "no login reached the server without a trusted certificate" [ "$(calls "$TLS_FAKE_LOG" auth.login_ex)" = "$logins" ]
probe "$(tls_settings "wss://localhost:$TLS_PORT/api/current" "\"ca_file\":\"$FAKE_CERT\"")" invoke truenas.system '{}'
check "the CA file and the host name localhost: works" [ "$RC" = 0 ]
probe "$(tls_settings "wss://127.0.0.1:$TLS_PORT/websocket" "\"ca_file\":\"$FAKE_CERT\"")" invoke truenas.system '{}'
check "a URL without the API (HTTP 404): says so" all '[ "$RC" = 2 ]' 'has "$ERR" "has no JSON-RPC API (HTTP 404)"'
CERT_FROM=$WORK/othername fake_start othername
OTHERNAME_FAKE_LOG=$FAKE_LOG
probe "$(tls_settings "$FAKE_URL" "\"ca_file\":\"$WORK/othername/tls/cert.pem\"")" invoke truenas.system '{}'
check "a trusted certificate for another host name: rejected (VERIFY_STRICT)" all '[ "$RC" = 2 ]' 'has "$ERR" "was rejected"'
check "nothing reached that server" [ ! -s "$OTHERNAME_FAKE_LOG" ]

probe "$(tls_settings "ws://127.0.0.1:$TLS_PORT/api/current")" profile
check "ws:// refused by the plugin" all '[ "$RC" = 2 ]' 'has "$ERR" "plain ws:// would send the API key unencrypted"'
mkdir -p "$WORK/plainws"
printf 'allow: ["truenas.*"]\n' >"$WORK/plainws/policy.yaml"
tls_lines=$(wc -l <"$TLS_FAKE_LOG")
ha_start plainws "plugins:
  directory: $PLUGINS
  settings:
    truenas:
      url: ws://127.0.0.1:$TLS_PORT/api/current
      username: $USER_NAME
      api_key_file: $(keyfile "$KEY")" API_KEY="$API" || exit 1
SERVER_LOGS="$SERVER_LOGS $LOG $DIR/audit.jsonl"
check "ws://: the server names the refusal" grep -q "plain ws:// would send the API key unencrypted" "$LOG"
req GET /v1/tools "${AUTH[@]}"
check "ws://: no truenas capability is offered" jq_true '[.tools[] | select(.name | startswith("truenas."))] | length == 0'
check "ws://: nothing was sent" [ "$(wc -l <"$TLS_FAKE_LOG")" = "$tls_lines" ]
stop_server

echo "== not set up"
mkdir -p "$WORK/nokey"
printf 'allow: ["truenas.*"]\n' >"$WORK/nokey/policy.yaml"
ha_start nokey "plugins:
  directory: $PLUGINS" API_KEY="$API" || exit 1
SERVER_LOGS="$SERVER_LOGS $LOG $DIR/audit.jsonl"
req POST /v1/tools/truenas.alerts "${AUTH[@]}"
check "no key: 403 with how to set it up" all 'status_is 403' 'body_has "no API key yet"' 'body_has "api_key_file"'
probe '{}' profile
check "no key: no checks (a machine without TrueNAS is not unhealthy)" out_true '.checks == []'
stop_server

echo "== the key and the allowlist"
ALL_FAKE_LOGS="$MAIN_FAKE_LOG $HEALTHY_FAKE_LOG $LOGINS_FAKE_LOG $SLOW_FAKE_LOG $PARTIAL_FAKE_LOG $IDLE_FAKE_LOG $IDLECLIENT_FAKE_LOG $TLS_FAKE_LOG $OTHERNAME_FAKE_LOG"
sent=$(cat $ALL_FAKE_LOGS | jq -r 'select(.event == "call") | .method' | sort -u | tr '\n' ' ')
outside=$(for m in $sent; do [[ " $ALLOWED " == *" $m "* ]] || echo "$m"; done)
check "only allowlisted methods were ever sent (${sent% })" [ -z "$outside" ]
check "every method of the allowlist was used" [ "$(wc -w <<<"$sent")" = "$(wc -w <<<"$ALLOWED")" ]
leaks=0
for file in $SERVER_LOGS $ALL_FAKE_LOGS; do
  for key in "$KEY" "$EXPIRED" "$REVOKED" "$DENIED" "$WRONG"; do
    grep -qF -- "$key" "$file" 2>/dev/null && { echo "  key found in $file"; leaks=$((leaks + 1)); }
  done
done
check "no API key in any server log, audit log or the fake's log" [ "$leaks" = 0 ]
check "the server logged in to TrueNAS (the log is about it)" grep -q "connected to TrueNAS at wss://127.0.0.1" $SERVER_LOGS
check "no sanitizer report in any server log" bash -c "! grep -l 'Sanitizer' $SERVER_LOGS"
check "no sanitizer report from answers_probe" [ ! -s "$WORK/sanitizer-reports" ]
finish
