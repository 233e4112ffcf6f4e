#!/bin/bash
# The systemd plugin against a REAL systemd: a booted Debian 12 (systemd 252) in systemd-nspawn
# with units that fail once, crash-loop, dump core and hit their start limit. The real server
# runs on the host and reaches the container through its root (/proc/<leader>/root/...: its bus
# socket and its persistent journal), which also proves the root-prefix settings. Everything is
# checked against the container's own truth (systemctl inside it), a bus monitor inside it shows
# that only read-only methods were sent, and hostile cases (no bus, a silent bus, an unreadable
# journal, odd unit names) get clear errors in bounded time. Exits 77 only where nspawn cannot run.
# usage: test-systemd.sh BINARY PLUGIN_DIR ANSWERS_PROBE SILENT_SOCKET_HELPER SOURCE_DIR
set -uo pipefail
HA_BINARY=$1
PLUGINS=$2
PROBE=$3
SILENT=$4
SOURCE=$5
. "$SOURCE/tests/integration/lib.sh"
. "$SOURCE/tests/integration/nspawn.sh"
PLUGIN=$PLUGINS/tool-systemd.so
ROOT=$WORK/rootfs

skip() { echo "SKIPPED: $1"; echo "         the systemd plugin was NOT tested against a booted systemd here."; exit 77; }
nspawn_usable || skip "$NSPAWN_ERROR"

echo "== a Debian 12 container with sample units"
T0=$SECONDS
nspawn_rootfs "$ROOT" || skip "$NSPAWN_ERROR"
mkdir -p "$ROOT/var/log/journal"  # a persistent journal the host can read
UNITS=$ROOT/etc/systemd/system
cat >"$UNITS/t-fail.service" <<'EOF'
[Unit]
Description=Fails once at boot
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'echo "connecting to db with password=hunter2-in-log api_key: hunter2-key"; echo "giving up"; exit 3'
EOF
cat >"$UNITS/t-loop.service" <<'EOF'
[Unit]
Description=Crash loop
StartLimitIntervalSec=0
[Service]
ExecStart=/bin/sh -c 'echo "loop run"; sleep 0.3; exit 1'
Restart=always
RestartSec=500ms
EOF
cat >"$UNITS/t-core.service" <<'EOF'
[Unit]
Description=Dumps core
[Service]
Type=oneshot
LimitCORE=infinity
WorkingDirectory=/tmp
ExecStart=/bin/sh -c 'echo "about to crash"; kill -SEGV $$$$'
EOF
cat >"$UNITS/t-limit.service" <<'EOF'
[Unit]
Description=Hits its start limit
StartLimitIntervalSec=60
StartLimitBurst=3
[Service]
ExecStart=/bin/false
Restart=always
RestartSec=100ms
EOF
cat >"$UNITS/t-ok.service" <<'EOF'
[Unit]
Description=Runs fine
[Service]
ExecStart=/bin/sleep infinity
EOF
# A valid name with an escape, as systemd-escape makes them ("t-x-y" with a literal dash).
cp "$UNITS/t-ok.service" "$UNITS/t-x\\x2dy.service"
for u in t-fail t-loop t-core t-limit t-ok 't-x\x2dy'; do
  ln -s "/etc/systemd/system/$u.service" "$UNITS/multi-user.target.wants/$u.service"
done

nspawn_boot "$ROOT" || skip "$NSPAWN_ERROR"
trap 'nspawn_stop; ha_cleanup' EXIT
echo "   booted in $((SECONDS - T0)) s"
check "the container booted systemd ($NSPAWN_STATE)" bash -c '[ "$0" = degraded ]' "$NSPAWN_STATE"
BUS=unix:path=/proc/$LEADER/root/run/dbus/system_bus_socket
JOURNAL=/proc/$LEADER/root/var/log/journal
for i in $(seq 1 100); do  # at least 6 restarts of the loop (the crash-loop threshold is 5)
  n=$(C systemctl show -p NRestarts --value t-loop 2>/dev/null)
  [ "${n:-0}" -ge 6 ] && [ "$(C systemctl is-failed t-limit)" = failed ] && break
  sleep 0.3
done
check "t-loop restarted at least 6 times (${n:-0})" [ "${n:-0}" -ge 6 ]
# Forged crash messages from an ordinary user: the plugin must not believe them.
C sh -c 'printf "MESSAGE_ID=98e322203f7a4ed290d09fe03c09fe15\nUNIT=forged.service\nEXIT_CODE=killed\nEXIT_STATUS=9\nPRIORITY=4\nMESSAGE=forged\n" |
  setpriv --reuid=65534 --regid=65534 --clear-groups logger --journald'
FAILED_TRUTH=$(C systemctl --failed --plain --no-legend | awk '{print $1}' | sort | tr '\n' ' ')
check "systemctl --failed in the container: t-core, t-fail, t-limit ($FAILED_TRUTH)" \
  [ "$FAILED_TRUTH" = "t-core.service t-fail.service t-limit.service " ]
OK_PID=$(C systemctl show -p MainPID --value t-ok)

# A bus monitor inside the container records every method call to systemd from here on.
MONITOR=$(C sh -c 'busctl monitor --json=short org.freedesktop.systemd1 >/var/tmp/ha-monitor.json 2>/dev/null & echo $!')
sleep 0.5

echo "== the real server on the host, reading the container through its root"
KEY=systemd-key-$(openssl rand -hex 12)
AUTH=(-H "X-API-Key: $KEY")
allow_systemd() { mkdir -p "$WORK/$1" && printf 'allow: ["systemd.*"]\n' >"$WORK/$1/policy.yaml"; }
allow_systemd systemd
ha_start systemd "plugins:
  directory: $PLUGINS
  settings:
    systemd:
      bus_address: \"$BUS\"
      journal_directory: \"$JOURNAL\"
      cache_ms: 0" API_KEY="$KEY" RATE_LIMIT_REQUESTS=1000 || exit 1

echo "-- systemd.status"
req POST /v1/tools/systemd.status "${AUTH[@]}"
check "status: 200" status_is 200
STATUS_RESULT=$(jq -c .result "$BODY_FILE")
check "status: system state degraded, as systemctl says" json_eq .result.system_state "$(C systemctl is-system-running)"
check "status: the failed units are systemctl's ($FAILED_TRUTH)" \
  [ "$(jq -r '.result.failed[].unit' "$BODY_FILE" | sort | tr '\n' ' ')" = "$FAILED_TRUTH" ]
check "status: t-fail's last exit status 3, result exit-code" \
  [ "$(jq -r '.result.failed[] | select(.unit == "t-fail.service") | "\(.last_exit.status) \(.result)"' "$BODY_FILE")" = "3 exit-code" ]
check "status: t-core dumped core on SIGSEGV" \
  [ "$(jq -r '.result.failed[] | select(.unit == "t-core.service") | "\(.last_exit.code) \(.last_exit.signal) \(.result)"' "$BODY_FILE")" = "dumped SIGSEGV core-dump" ]
loop=$(jq -c '[.result.auto_restarting[], .result.restarted[], .result.starting_or_stopping[]] | map(select(.unit == "t-loop.service")) | .[0]' "$BODY_FILE")
check "status: t-loop is restarting or listed as restarted, with its NRestarts ($loop)" \
  bash -c '[ "$(jq -r .restarts <<<"$0")" -ge 6 ]' "$loop"
check "status: the unit count is systemctl's" \
  [ "$(jq -r .result.counts.units "$BODY_FILE")" = "$(C systemctl list-units --all --plain --no-legend | wc -l)" ]

echo "-- systemd.unit"
req POST /v1/tools/systemd.unit "${AUTH[@]}" -d '{"unit":"t-fail"}'
check "unit t-fail: 200, failed, exit status 3" \
  bash -c '[ "$0" = 200 ] && jq -e ".result.unit == \"t-fail.service\" and .result.active_state == \"failed\" and .result.last_exit.status == 3" "$1" >/dev/null' "$STATUS" "$BODY_FILE"
check "unit t-fail: its last log lines, from the journal" \
  bash -c 'jq -r ".result.last_lines[].text" "$0" | grep -qx "giving up"' "$BODY_FILE"
check "unit t-fail: the secrets in its log are masked" \
  bash -c 'jq -r ".result.last_lines[].text" "$0" | grep -qF "password=[REDACTED] api_key: [REDACTED]" && ! grep -q hunter2 "$0"' "$BODY_FILE"
check "unit t-fail: at most 10 lines" [ "$(jq '.result.last_lines | length' "$BODY_FILE")" -le 10 ]
req POST /v1/tools/systemd.unit "${AUTH[@]}" -d '{"unit":"t-ok.service"}'
check "unit t-ok: running with systemctl's main PID ($OK_PID)" \
  bash -c 'jq -e ".result.active_state == \"active\" and .result.sub_state == \"running\" and .result.main_pid == $1" "$0" >/dev/null' "$BODY_FILE" "$OK_PID"
req POST /v1/tools/systemd.unit "${AUTH[@]}" -d '{"unit":"t-x\\x2dy"}'
check "unit with an escaped name (t-x\\x2dy.service): found and running" \
  bash -c '[ "$0" = 200 ] && jq -e ".result.unit == \"t-x\\\\x2dy.service\" and .result.sub_state == \"running\"" "$1" >/dev/null' "$STATUS" "$BODY_FILE"
not_loaded=$(busctl --address="$BUS" call org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager GetUnit s debug-shell.service 2>&1)
req POST /v1/tools/systemd.unit "${AUTH[@]}" -d '{"unit":"debug-shell"}'
check "unit installed but not loaded (debug-shell: $not_loaded): inactive, unit file disabled" \
  bash -c '[ "$0" = 200 ] && jq -e ".result.active_state == \"inactive\" and .result.unit_file_state == \"disabled\"" "$1" >/dev/null' "$STATUS" "$BODY_FILE"
req POST /v1/tools/systemd.unit "${AUTH[@]}" -d '{"unit":"nginx"}'
check "unit nginx: 404, there is no such unit" \
  bash -c '[ "$0" = 404 ] && jq -r .error "$1" | grep -q "there is no systemd unit named nginx.service"' "$STATUS" "$BODY_FILE"
for odd in 'nginx; rm -rf /' '../../etc/passwd' 'a b' '*' 'ngin\"x'; do
  req POST /v1/tools/systemd.unit "${AUTH[@]}" -d "{\"unit\":\"$odd\"}"
  check "unit '$odd': 400, not a valid unit name" \
    bash -c '[ "$0" = 400 ] && jq -r .error "$1" | grep -q "is not a valid systemd unit name"' "$STATUS" "$BODY_FILE"
done

echo "-- systemd.crashes"
req POST /v1/tools/systemd.crashes "${AUTH[@]}"
check "crashes: 200" status_is 200
CRASH_RESULT=$(jq -c .result "$BODY_FILE")
svc() { jq -r --arg u "$1" ".result.services[] | select(.unit == \$u) | $2" "$BODY_FILE"; }
check "crashes: t-fail exited with an error once, status 3" [ "$(svc t-fail.service '"\(.exited_with_error) \(.events[-1].exit_status)"')" = "1 3" ]
check "crashes: t-core dumped core on SIGSEGV" [ "$(svc t-core.service '"\(.dumped_core) \(.events[-1].signal)"')" = "1 SIGSEGV" ]
check "crashes: t-loop is a crash loop" [ "$(svc t-loop.service '"\(.crash_loop) \(.restarts >= 6)"')" = "true true" ]
check "crashes: t-limit hit its start limit" [ "$(svc t-limit.service .start_limit_hit)" = 1 ]
check "crashes: with its last log lines" bash -c '[ "$(jq -r ".result.services[] | select(.unit == \"t-core.service\") | .last_lines[].text" "$0" | grep -c "about to crash")" = 1 ]' "$BODY_FILE"
check "crashes: forged messages from a user are ignored" [ -z "$(svc forged.service .unit)" ]
check "crashes: t-ok is not listed" [ -z "$(svc t-ok.service .unit)" ]
check "crashes: no secret" bash -c '! grep -q hunter2 "$0"' "$BODY_FILE"
check "crashes: says which journal it read" json_eq .result.journal "$JOURNAL"
req POST /v1/tools/systemd.crashes "${AUTH[@]}" -d '{"since_minutes":0}'
check "crashes: a window of 0 minutes is refused (400)" status_is 400

echo "-- only read-only methods reached systemd"
sleep 0.3
C sh -c "kill -TERM $MONITOR"
calls=$(jq -r 'select(.type == "method_call") | "\(.interface).\(.member)"' "/proc/$LEADER/root/var/tmp/ha-monitor.json" | sort | uniq -c)
echo "$calls" | sed 's/^/       /'
check "the monitor saw the plugin's calls" grep -q "org.freedesktop.systemd1.Manager.ListUnits" <<<"$calls"
forbidden=$(awk '{print $2}' <<<"$calls" | grep -vxE 'org\.freedesktop\.systemd1\.Manager\.(ListUnits|ListUnitFiles|GetUnit)|org\.freedesktop\.DBus\.Properties\.(Get|GetAll)' || true)
check "no other method was called${forbidden:+: $forbidden}" [ -z "$forbidden" ]
check "nothing changed: the failed units are still $FAILED_TRUTH" \
  [ "$(C systemctl --failed --plain --no-legend | awk '{print $1}' | sort | tr '\n' ' ')" = "$FAILED_TRUTH" ]

echo "-- answers and checks (answers_probe)"
SETTINGS="{\"bus_address\":\"$BUS\",\"journal_directory\":\"$JOURNAL\",\"cache_ms\":0}"
outcome() { printf '{"capability":"%s","arguments":%s,"status":"ok","result":%s}' "$1" "$2" "$3"; }
findings=$("$PROBE" "$PLUGIN" "$SETTINGS" checks "{\"results\":[$(outcome systemd.status '{}' "$STATUS_RESULT"),$(outcome systemd.crashes '{}' "$CRASH_RESULT")]}")
sev() { jq -r --arg s "$1" '[.findings[] | select(.subject == $s) | "\(.severity) \(.check)"] | join(",")' <<<"$findings"; }
for u in t-fail t-core t-limit; do check "checks: $u.service failed -> critical" [ "$(sev $u.service)" = "critical systemd.failed" ]; done
check "checks: t-loop.service -> warning, crash loop" [ "$(sev t-loop.service)" = "warning systemd.crash_loop" ]
check "checks: nothing else (t-ok is fine)" [ "$(jq '.findings | length' <<<"$findings")" = 4 ]
summary() {  # summary CAPABILITY ARGS QUESTION STATUS RESULT
  "$PROBE" "$PLUGIN" "$SETTINGS" summarize "{\"text\":\" x \",\"question\":\"$3\",\"capability\":\"$1\",\"arguments\":$2,\"status\":\"$4\",\"result\":$5,\"error\":\"\"}"
}
text=$(summary systemd.status '{}' "Any failed systemd services?" ok "$STATUS_RESULT" | jq -r .text)
check "summary: 3 failed units named" bash -c 'grep -q "^3 systemd units have failed: " <<<"$0" && grep -q "t-core.service (result core-dump, dumped core on SIGSEGV" <<<"$0"' "$text"
text=$(summary systemd.crashes '{}' "Did any service crash recently?" ok "$CRASH_RESULT" | jq -r .text)
check "summary: crashes in the last 24 h" bash -c 'grep -q "^In the last 24 h, 4 services had problems:" <<<"$0" && grep -q "t-core.service crashed and dumped core once (SIGSEGV)" <<<"$0" && grep -q "t-limit.service .*hit its start limit" <<<"$0"' "$text"
unit_result=$("$PROBE" "$PLUGIN" "$SETTINGS" invoke systemd.unit '{"unit":"t-fail"}')
text=$(summary systemd.unit '{"unit":"t-fail"}' "Why did t-fail fail?" ok "$unit_result" | jq -r .text)
check "summary: why t-fail failed, with its last lines" bash -c 'grep -q "^t-fail.service has failed: result exit-code, exit status 3" <<<"$0" && grep -q "giving up" <<<"$0"' "$text"
answer=$(summary systemd.unit '{"unit":"nginx"}' "Is nginx running?" not_found null)
check "summary: no nginx here, found=false" [ "$(jq -r '"\(.text) \(.found)"' <<<"$answer")" = "There is no systemd unit named nginx. false" ]
match=$("$PROBE" "$PLUGIN" "$SETTINGS" match '{"text":" is t ok running ","question":"Is t-ok running?","words":["is","t","ok","running"],"subject":null,"allowed":["systemd.unit"]}')
check "match: 'Is t-ok running?' names a unit this systemd has (0.92)" \
  [ "$(jq -r '.matches[0] | "\(.capability) \(.arguments.unit) \(.score)"' <<<"$match")" = "systemd.unit t-ok 0.92" ]
match=$("$PROBE" "$PLUGIN" "$SETTINGS" match '{"text":" is plex running ","question":"Is plex running?","words":["is","plex","running"],"subject":null,"allowed":["systemd.unit"]}')
check "match: 'Is plex running?' is only a hint here (0.6)" [ "$(jq -r '.matches[0].score' <<<"$match")" = 0.6 ]

echo "-- the offline assistant answers from the booted system"
chat "Did any service crash recently?"
expect_jq "crash question: the systemd plugin answers" '.tool_calls_made | index("systemd.crashes") != null'
expect_grep "crash question: names the core dump" "t-core.service crashed and dumped core" <(answer)
chat "any failed systemd services?"
expect_jq "failed services: systemd.status, and nothing else" '.tool_calls_made == ["systemd.status"]'
expect_grep "failed services: the three failed units" "3 systemd units have failed: " <(answer)
chat "Is everything running correctly?"
expect_grep "health: the verdict first" "^[0-9]+ problems: " <(answer)
expect_grep "health: the failed unit is named among the problems" "^[0-9]+ problems: .*t-fail\.service" <(answer)
chat "is t-ok running?"
expect_jq "a unit by name" '.tool_calls_made == ["systemd.unit"] and (.message | test("t-ok.service"))'
chat "is plex running?"
expect_jq "no such unit: said so" '.message | test("There is no systemd unit named plex")'
ha_stop "$PID"

echo "== hostile cases"
allow_systemd nobus
ha_start nobus "plugins:
  directory: $PLUGINS
  settings:
    systemd:
      bus_address: \"unix:path=/nonexistent/system_bus_socket\"
      journal_directory: \"/nonexistent/journal\"" API_KEY="$KEY" || exit 1
start=$(date +%s%N)
req POST /v1/tools/systemd.status "${AUTH[@]}"
took=$(( ($(date +%s%N) - start) / 1000000 ))
check "no bus: 503 at once (${took} ms)" bash -c '[ "$0" = 503 ] && [ "$1" -lt 2000 ]' "$STATUS" "$took"
check "no bus: says where it looked" body_has "the system bus is unavailable at unix:path=/nonexistent/system_bus_socket"
req POST /v1/tools/systemd.crashes "${AUTH[@]}"
check "no journal: 503, says where it looked" bash -c '[ "$0" = 503 ] && grep -q "cannot open the journal at /nonexistent/journal" "$1"' "$STATUS" "$BODY_FILE"
ha_stop "$PID"

"$SILENT" "$WORK/silent.sock" &
SILENT_PID=$!
HA_PIDS="$HA_PIDS $SILENT_PID"
for i in $(seq 1 50); do [ -S "$WORK/silent.sock" ] && break; sleep 0.1; done
allow_systemd silentbus
ha_start silentbus "plugins:
  directory: $PLUGINS
  settings:
    systemd:
      bus_address: \"unix:path=$WORK/silent.sock\"
      bus_timeout_ms: 700" API_KEY="$KEY" || exit 1
start=$(date +%s%N)
req POST /v1/tools/systemd.status "${AUTH[@]}"
took=$(( ($(date +%s%N) - start) / 1000000 ))
check "a bus that never answers: 504 after the bus timeout, not a hang (${took} ms)" \
  bash -c '[ "$0" = 504 ] && [ "$1" -ge 600 ] && [ "$1" -lt 3000 ]' "$STATUS" "$took"
check "a bus that never answers: says so" body_has "did not answer in time"
ha_stop "$PID"

# An ordinary user can read neither the container's root nor the journal files (copies of the
# probe and the plugin where that user may run them).
mkdir -p "$WORK/nobody" && cp "$PROBE" "$PLUGIN" "$WORK/nobody/" && chmod -R a+rX "$WORK/nobody"
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$WORK/nobody/answers_probe" "$WORK/nobody/tool-systemd.so" \
  "{\"journal_directory\":\"$JOURNAL\"}" invoke systemd.crashes 2>&1)
check "journal not readable: refused with the reason (${out##*: })" grep -q "status -7: .*journal" <<<"$out"

nspawn_stop
finish
