#!/bin/bash
# Integration test of the zfs plugin against REAL pools: Debian's zfs-fuse with file-backed
# vdevs (../shared/zfs-pools.sh, or the vendored tests/zfs/zfs-pools.sh): a healthy mirror with a
# dataset and two snapshots, a DEGRADED mirror (one vdev offlined) and a mirror with checksum
# errors (one vdev overwritten, then scrubbed). The real server runs the plugin; every figure is
# compared with what zpool/zfs print themselves. Then the answers interface on those results
# (answers_probe), the command cache, and zpool missing, hanging and flooding.
# Exits 77 (skipped) only where zfs-fuse cannot run: no /dev/fuse, or not root.
# usage: test-zfs.sh BINARY PLUGIN_DIR ANSWERS_PROBE SOURCE_DIR
set -uo pipefail
HA_BINARY=$1
PLUGINS=$2
PROBE=$3
SOURCE=$4
. "$(dirname "$0")/lib.sh"

POOLS_SCRIPT=$SOURCE/../shared/zfs-pools.sh
[ -x "$POOLS_SCRIPT" ] || POOLS_SCRIPT=$SOURCE/tests/zfs/zfs-pools.sh
POOL_DIR=/tmp/ha-zfs-$$
export ZP_PREFIX=hz$$  # names of our own: other pools on the machine's zfs-fuse stay untouched
OK=${ZP_PREFIX}ok DEG=${ZP_PREFIX}deg CK=${ZP_PREFIX}cksum
# zfs-fuse sometimes calls a pool busy for a moment after heavy use: try again, bounded.
destroy_pools() {
  local i p left
  for i in $(seq 1 20); do
    left=$(/sbin/zpool list -H -o name 2>/dev/null | grep "^$ZP_PREFIX" || true)
    [ -z "$left" ] && break
    for p in $left; do /sbin/zpool destroy -f "$p" >/dev/null 2>&1 || true; done
    sleep 0.5
  done
}
# Then the script's own teardown: it stops the zfs-fuse daemon only if it started it.
pools_down() {
  destroy_pools
  ZP_PREFIX=$ZP_PREFIX "$POOLS_SCRIPT" down "$POOL_DIR" >/dev/null 2>&1 || true
  rm -rf "$POOL_DIR"
  ha_cleanup
}
trap pools_down EXIT
trap 'exit 1' TERM INT

echo "== real pools with $POOLS_SCRIPT"
"$POOLS_SCRIPT" up "$POOL_DIR" >"$WORK/pools.log" 2>&1
rc=$?
if [ "$rc" = 77 ]; then
  cat "$WORK/pools.log"
  echo "SKIPPED: zfs-fuse cannot run on this machine (see above); the zfs plugin was NOT tested against real pools."
  exit 77
fi
[ "$rc" = 0 ] || { tail -20 "$WORK/pools.log"; echo "FAIL: could not create the test pools"; exit 1; }
echo "   pools: $(tail -1 "$WORK/pools.log")"
ZPOOL=/sbin/zpool
ZFS=/sbin/zfs

# zpool/zfs behind a wrapper that logs each call, so that the test can count the commands run.
WRAP=$WORK/bin
mkdir -p "$WRAP"
for tool in zpool zfs; do
  printf '#!/bin/sh\necho "%s $*" >> %s/calls.log\nexec /sbin/%s "$@"\n' "$tool" "$WORK" "$tool" >"$WRAP/$tool"
  chmod 755 "$WRAP/$tool"
done
touch "$WORK/calls.log"

KEY=zfs-key-$(openssl rand -hex 12)
AUTH=(-H "X-API-Key: $KEY")
mkdir -p "$WORK/zfs"
printf 'allow: ["zfs.*"]\n' >"$WORK/zfs/policy.yaml"
ha_start zfs "plugins:
  directory: $PLUGINS
  settings:
    zfs:
      zpool_path: $WRAP/zpool
      zfs_path: $WRAP/zfs
      cache_seconds: 3" API_KEY="$KEY" RATE_LIMIT_REQUESTS=1000 || exit 1

# Sizes as zfs-fuse prints them ("91.5M"), in bytes, rounded like the plugin.
bytes() { awk -v s="$1" 'BEGIN { n = s + 0; u = substr(s, length(s)); m = 1;
  if (u == "K") m = 1024; else if (u == "M") m = 1024^2; else if (u == "G") m = 1024^3; else if (u == "T") m = 1024^4;
  printf "%.0f", n * m }'; }
jqr() { jq -r "$1" "$BODY_FILE"; }
pool() { jq -r --arg n "$1" ".result.pools[] | select(.name == \$n) | $2" "$BODY_FILE"; }

echo "-- zfs.pools against zpool list / zpool status"
req POST /v1/tools/zfs.pools "${AUTH[@]}"
check "zfs.pools: 200" status_is 200
cp "$BODY_FILE" "$WORK/pools.json"
check "the format is zfs-fuse's old text" json_eq .result.zfs.format legacy-text
for p in $OK $DEG $CK; do
  read -r size alloc free cap health <<<"$($ZPOOL list -H -o size,allocated,free,capacity,health "$p")"
  check "$p: state $health as zpool list says" [ "$(pool "$p" .state)" = "$health" ]
  check "$p: size $size = $(bytes "$size") bytes" [ "$(pool "$p" .size_bytes)" = "$(bytes "$size")" ]
  check "$p: allocated $alloc, free $free" [ "$(pool "$p" '"\(.allocated_bytes) \(.free_bytes)"')" = "$(bytes "$alloc") $(bytes "$free")" ]
  check "$p: capacity $cap" [ "$(pool "$p" .capacity_percent)%" = "$cap" ]
done
ck_file=$POOL_DIR/ck1.img
cksum=$($ZPOOL status "$CK" | awk -v f="$ck_file" '$1 == f {print $5}')
repaired=$($ZPOOL status "$CK" | awk -v f="$ck_file" '$1 == f && $7 == "repaired" {print $6}')
check "$CK: $ck_file has $cksum checksum errors (zpool status)" [ "$(pool "$CK" ".vdevs_with_errors[] | select(.name == \"$ck_file\") | .checksum_errors")" = "$cksum" ]
check "$CK: checksum errors were made (${cksum:-none})" [ "${cksum:-0}" -gt 0 ]
check "$CK: no read or write errors" [ "$(pool "$CK" '"\(.error_counts.read) \(.error_counts.write)"')" = "0 0" ]
scrub_line=$($ZPOOL status "$CK" | sed -n 's/^ *scrub: //p')
scrub_end=$(sed -n 's/.* errors on \(.*\)$/\1/p' <<<"$scrub_line")
check "$CK: last scrub finished at $scrub_end" [ "$(pool "$CK" .last_scrub.end_time_unix)" = "$(TZ=UTC date -d "$scrub_end" +%s)" ]
check "$CK: $repaired repaired by that scrub" [ "$(pool "$CK" .last_scrub.repaired_bytes)" = "$(bytes "$repaired")" ]
check "$CK: scrub errors as zpool says" [ "$(pool "$CK" .last_scrub.errors)" = "$(sed -n 's/.* with \([0-9]*\) errors on .*/\1/p' <<<"$scrub_line")" ]
check "$DEG: DEGRADED" [ "$(pool "$DEG" .state)" = DEGRADED ]
check "$DEG: deg2.img OFFLINE, as zpool status says" bash -c '[ "$(jq -r --arg n "$1" --arg f "$2" ".result.pools[] | select(.name == \$n) | .vdevs_not_online[] | select(.name == \$f) | .state" "$0")" = "$($3 status "$1" | awk -v f="$2" "\$1 == f {print \$2}")" ]' \
  "$BODY_FILE" "$DEG" "$POOL_DIR/deg2.img" "$ZPOOL"
check "$DEG: zpool's explanation is passed on" bash -c 'jq -r --arg n "$1" ".result.pools[] | select(.name == \$n) | .status" "$0" | grep -q "taken offline by the administrator"' "$BODY_FILE" "$DEG"
check "$OK: never scrubbed (zpool: $($ZPOOL status "$OK" | sed -n 's/^ *scrub: //p'))" [ "$(pool "$OK" .last_scrub.state)" = never ]
check "$OK: no vdev errors, nothing offline" [ "$(pool "$OK" '"\(.vdevs_with_errors | length) \(.vdevs_not_online | length)"')" = "0 0" ]

echo "-- zfs.pool: one pool's vdev tree"
req POST /v1/tools/zfs.pool "${AUTH[@]}" -d "{\"pool\":\"$DEG\"}"
check "zfs.pool: 200" status_is 200
check "the tree: $DEG > mirror-0 > two files" [ "$(jqr '.result.vdevs[0].name + " " + .result.vdevs[0].children[0].name + " " + (.result.vdevs[0].children[0].children | length | tostring)')" = "$DEG mirror-0 2" ]
check "each file's state as zpool status says" [ "$(jqr '[.result.vdevs[0].children[0].children[] | .state] | join(" ")')" = "$($ZPOOL status "$DEG" | awk -v d="$POOL_DIR" 'index($1, d) == 1 {printf "%s%s", sep, $2; sep=" "}')" ]
req POST /v1/tools/zfs.pool "${AUTH[@]}" -d '{"pool":"no-such-pool"}'
check "an unknown pool: 404" status_is 404
check "an unknown pool: names the pools there are" body_has "there is no ZFS pool named 'no-such-pool' (pools: "
req POST /v1/tools/zfs.pool "${AUTH[@]}" -d '{}'
check "zfs.pool without a pool: 400 (schema)" status_is 400

echo "-- zfs.datasets against zfs get / zfs list"
req POST /v1/tools/zfs.datasets "${AUTH[@]}" -d "{\"dataset\":\"$OK/data\"}"
check "zfs.datasets: 200" status_is 200
snaps=$($ZFS list -H -t snapshot -o name | grep -c "^$OK/data@")
check "$OK/data: $snaps snapshots (zfs list -t snapshot)" [ "$(jqr '.result.datasets[0].snapshot_count')" = "$snaps" ]
check "$OK/data: the newest is @second" [ "$(jqr .result.datasets[0].newest_snapshot.name)" = second ]
check "$OK/data: newest snapshot time = zfs get creation" [ "$(jqr .result.datasets[0].newest_snapshot.created_unix)" = "$($ZFS get -H -p -o value creation "$OK/data@second")" ]
for prop in used available referenced; do
  check "$OK/data: $prop = zfs get -p $prop" [ "$(jqr ".result.datasets[0].${prop}_bytes")" = "$($ZFS get -H -p -o value "$prop" "$OK/data")" ]
done
req POST /v1/tools/zfs.datasets "${AUTH[@]}" -d "{\"pool\":\"$OK\"}"
check "pool $OK: its datasets ($OK, $OK/data)" [ "$(jqr '[.result.datasets[].name] | join(" ")')" = "$OK $OK/data" ]
req POST /v1/tools/zfs.datasets "${AUTH[@]}" -d "{\"dataset\":\"$OK/nothing\"}"
check "an unknown dataset: 404" status_is 404

echo "-- the answers interface on these real results"
SETTINGS="{\"zpool_path\":\"$ZPOOL\",\"zfs_path\":\"$ZFS\"}"
RESULT=$(jq -c .result "$WORK/pools.json")
"$PROBE" "$PLUGINS/tool-zfs.so" "$SETTINGS" checks "{\"results\":[{\"capability\":\"zfs.pools\",\"arguments\":{},\"status\":\"ok\",\"result\":$RESULT}]}" >"$WORK/checks.json"
check "answers_probe checks: exit 0" [ $? = 0 ]
finding() { jq -r --arg s "$1" --arg c "$2" '.findings[] | select(.subject == $s and .check == $c) | .severity' "$WORK/checks.json"; }
check "checks: $DEG DEGRADED -> critical" [ "$(finding "$DEG" zfs.pool_state)" = critical ]
check "checks: $CK checksum errors -> warning" [ "$(finding "$CK" zfs.vdev_errors)" = warning ]
check "checks: $OK never scrubbed -> warning" [ "$(finding "$OK" zfs.scrub)" = warning ]
check "checks: $CK scrubbed just now -> no scrub warning" [ -z "$(finding "$CK" zfs.scrub)" ]
check "checks: the message counts the errors zpool counted" bash -c 'jq -r ".findings[] | select(.check == \"zfs.vdev_errors\") | .message" "$0" | grep -q "($1 checksum errors)"' "$WORK/checks.json" "$cksum"
question() {  # question TEXT -> the match/summarize input fields
  local words text
  words=$(tr 'A-Z' 'a-z' <<<"$1" | tr -c 'a-z0-9\n' ' ' | xargs -n1 | jq -R . | jq -s -c .)
  text=" $(jq -r 'join(" ")' <<<"$words") "
  printf '"text":%s,"question":%s,"words":%s' "$(jq -R . <<<"$text")" "$(jq -R . <<<"$1")" "$words"
}
match() { "$PROBE" "$PLUGINS/tool-zfs.so" "$SETTINGS" match "{$(question "$1"),\"subject\":null,\"allowed\":[\"zfs.pools\",\"zfs.pool\",\"zfs.datasets\"]}" | jq -c '.matches[0] | [.capability, .arguments]'; }
check "match: 'is my pool healthy?' -> zfs.pools" [ "$(match "Is my pool healthy?")" = '["zfs.pools",{}]' ]
check "match: 'how full is $OK?' -> zfs.pool $OK (a real pool's name)" [ "$(match "How full is $OK?")" = "[\"zfs.pool\",{\"pool\":\"$OK\"}]" ]
check "match: 'how many snapshots does $OK/data have?' -> zfs.datasets" [ "$(match "How many snapshots does $OK/data have?")" = "[\"zfs.datasets\",{\"dataset\":\"$OK/data\"}]" ]
summary() { "$PROBE" "$PLUGINS/tool-zfs.so" "$SETTINGS" summarize "{$(question "$1"),\"capability\":\"zfs.pools\",\"arguments\":{},\"status\":\"ok\",\"result\":$RESULT}" | jq -r .text; }
answer=$(summary "When did the last scrub run?")
check "summary of the scrubs: $CK's scrub with its date" grep -q "$CK: last scrub finished $(TZ=UTC date -d "$scrub_end" '+%Y-%m-%d %H:%M') UTC" <<<"$answer"
check "summary of the scrubs: $OK never scrubbed" grep -q "$OK: never scrubbed" <<<"$answer"
answer=$(summary "Is my pool healthy?")
check "summary of health: $DEG is DEGRADED with the offline file" grep -q "$DEG is DEGRADED: mirror-0 DEGRADED and $POOL_DIR/deg2.img OFFLINE" <<<"$answer"
check "summary of health: $CK's checksum errors" grep -q "$CK is ONLINE: errors on $ck_file ($cksum checksum errors)" <<<"$answer"

echo "-- the command cache: a burst runs each command once"
sleep 3.2  # let the calls above age out of the 3 s cache
: >"$WORK/calls.log"
burst=()
for i in 1 2 3 4 5; do
  curl -s --max-time 30 --cacert "$CACERT" "${AUTH[@]}" -X POST "$URL/v1/tools/zfs.pools" -o "$WORK/burst.$i" &
  burst+=($!)
done
wait "${burst[@]}"
check "5 concurrent zfs.pools calls answered" bash -c 'for i in 1 2 3 4 5; do jq -e ".result.count >= 3" "$0/burst.$i" >/dev/null || exit 1; done' "$WORK"
req POST /v1/tools/zfs.pools "${AUTH[@]}"
check "one zpool list and one zpool status for six calls" [ "$(grep -c '^zpool list' "$WORK/calls.log") $(grep -c '^zpool status' "$WORK/calls.log")" = "1 1" ]
sleep 3.2
req POST /v1/tools/zfs.pools "${AUTH[@]}"
check "after cache_seconds the commands run again" [ "$(grep -c '^zpool status' "$WORK/calls.log")" = 2 ]

echo "-- the offline assistant answers from the real pools"
chat "Is my pool healthy?"
expect_jq "pool health: the zfs plugin answers" '.tool_calls_made | index("zfs.pools") != null'
expect_grep "pool health: $DEG is DEGRADED, with the offline file" "$DEG is DEGRADED: mirror-0 DEGRADED and $POOL_DIR/deg2.img OFFLINE" <(answer)
chat "when did the last scrub run?"
expect_grep "last scrub: $CK's scrub with its date" "$CK: last scrub finished $(TZ=UTC date -d "$scrub_end" '+%Y-%m-%d %H:%M') UTC" <(answer)
chat "Is everything running correctly?"
expect_grep "health: the verdict first" "^[0-9]+ problems?: " <(answer)
expect_grep "health: the degraded pool is the first problem" "^[0-9]+ problems?: [^.]*$DEG" <(answer)
expect_grep "health: the checksum errors are a problem too" "^[0-9]+ problems?: .*$CK" <(answer)
check "the server exits cleanly (sanitizers included)" ha_stop "$PID"

echo "== hostile: zpool missing, hanging, flooding"
cat >"$WRAP/hang" <<EOF
#!/bin/sh
sleep 600 &
echo "\$\$ \$!" >> $WORK/hang.pids
wait
EOF
cat >"$WRAP/flood" <<'EOF'
#!/bin/sh
case "$*" in
  "version -j") echo '{"output_version":{"command":"zpool version","vers_major":0,"vers_minor":1},"zfs_version":{"userland":"zfs-2.3.0-1","kernel":"zfs-kmod-2.3.0-1"}}' ;;
  *) exec yes '{"pools":{"x":{"name":"x"}}}' ;;
esac
EOF
chmod 755 "$WRAP/hang" "$WRAP/flood"
mkdir -p "$WORK/hostile"
printf 'allow: ["zfs.*"]\n' >"$WORK/hostile/policy.yaml"
ha_start hostile "plugins:
  directory: $PLUGINS
  settings:
    zfs:
      zpool_path: /nonexistent/sbin/zpool
      zfs_path: /nonexistent/sbin/zfs" API_KEY="$KEY" || exit 1
req POST /v1/tools/zfs.pools "${AUTH[@]}"
check "zpool missing: zfs.pools answers 200" status_is 200
check "zpool missing: says ZFS is not installed" bash -c 'jq -e ".result.installed == false and (.result.reason | test(\"no zpool command at /nonexistent/sbin/zpool\"))" "$0" >/dev/null' "$BODY_FILE"
req POST /v1/tools/zfs.pool "${AUTH[@]}" -d '{"pool":"tank"}'
check "zpool missing: zfs.pool is 503 'ZFS is not installed'" bash -c '[ "$0" = 503 ] && grep -q "ZFS is not installed (no zpool command at /nonexistent/sbin/zpool)" "$1"' "$STATUS" "$BODY_FILE"
check "the server exits cleanly (sanitizers included)" ha_stop "$PID"

rm -rf "$WORK/hostile/audit.jsonl"
ha_start hostile "plugins:
  directory: $PLUGINS
  settings:
    zfs:
      zpool_path: $WRAP/hang
      cache_seconds: 0
      command_timeout_ms: 1000" API_KEY="$KEY" || exit 1
t0=$(date +%s%N)
req POST /v1/tools/zfs.pools "${AUTH[@]}"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "zpool hanging: 504 after the 1 s command timeout (${ms} ms)" bash -c '[ "$0" = 504 ] && [ "$1" -ge 900 ] && [ "$1" -lt 4000 ]' "$STATUS" "$ms"
check "zpool hanging: the error names the timeout setting" body_has "command_timeout_ms"
read -r hung child <"$WORK/hang.pids"
check "zpool hanging: the stand-in ran (pids ${hung:-none} ${child:-none})" test -n "${hung:-}" -a -n "${child:-}"
state=$(awk '{print $3}' "/proc/$hung/stat" 2>/dev/null)
check "zpool hanging: the stuck command (pid $hung) was killed and reaped (${state:-gone})" [ -z "$state" ]
for i in $(seq 1 50); do state=$(awk '{print $3}' "/proc/$child/stat" 2>/dev/null); [ -z "$state" ] || [ "$state" = Z ] && break; sleep 0.1; done
check "zpool hanging: and the sleep it started (pid $child) with it (${state:-gone})" bash -c '[ -z "$0" ] || [ "$0" = Z ]' "$state"
req GET /health
check "zpool hanging: the server still answers" status_is 200
check "the server exits cleanly (sanitizers included)" ha_stop "$PID"

ha_start hostile "plugins:
  directory: $PLUGINS
  settings:
    zfs:
      zpool_path: $WRAP/flood
      max_output_bytes: 65536" API_KEY="$KEY" || exit 1
rss0=$(awk '/^VmRSS/ {print $2}' "/proc/$PID/status")
t0=$(date +%s%N)
req POST /v1/tools/zfs.pools "${AUTH[@]}"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "zpool flooding: 503 within 3 s (${ms} ms)" bash -c '[ "$0" = 503 ] && [ "$1" -lt 3000 ]' "$STATUS" "$ms"
check "zpool flooding: the error names the bound" body_has "printed more than 65536 bytes (max_output_bytes)"
rss=$(awk '/^VmRSS/ {print $2}' "/proc/$PID/status")
# Growth, not size: a sanitizer build starts far above a release build's whole footprint.
check "zpool flooding: the server's memory stayed small (${rss0} -> ${rss} kB)" \
  [ $(( ${rss:-999999} - ${rss0:-0} )) -lt 50000 ]
check "the server exits cleanly (sanitizers included)" ha_stop "$PID"

destroy_pools
check "no test pool is left behind" [ -z "$(/sbin/zpool list -H -o name 2>/dev/null | grep "^$ZP_PREFIX")" ]
finish
