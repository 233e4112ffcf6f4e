#!/bin/bash
# Integration test of the SMART collector and the smart plugin. The collector runs twice: with
# the real smartctl of this machine (which has no disks it can read: the index must say so), and
# with a stand-in smartctl that answers the collector's exact commands with real recorded
# outputs (tests/fixtures/smart/: an HDD, a failing HDD behind USB, an NVMe, a disk in standby)
# plus one that hangs. Then the real server reads what the collector wrote: figures, standby,
# stale data, bounds, and the answers interface on those results (answers_probe).
# usage: test-smart.sh BINARY PLUGIN_DIR ANSWERS_PROBE SOURCE_DIR
set -uo pipefail
HA_BINARY=$1
PLUGINS=$2
PROBE=$3
SOURCE=$4
. "$(dirname "$0")/lib.sh"
COLLECT=$SOURCE/packaging/homelab-assistant-smart-collect
expect_jq() { jq -e "$@" >/dev/null; }
FIX=$SOURCE/tests/fixtures/smart

echo "== the collector with this machine's smartctl"
if [ -x /usr/sbin/smartctl ]; then
  "$COLLECT" "$WORK/real"
  check "collector exits 0" [ $? = 0 ]
  check "index.json is JSON with a collection time" expect_jq '.collected_at > 0 and (.smartctl | startswith("smartctl "))' "$WORK/real/index.json"
  check "its device list is what smartctl --scan-open finds ($(/usr/sbin/smartctl --scan-open | grep -c '^/dev/') devices)" \
    [ "$(jq '.devices | length' "$WORK/real/index.json")" = "$(/usr/sbin/smartctl --scan-open | grep -c '^/dev/')" ]
else
  echo "  note smartmontools is not installed here; the real-smartctl run is left out"
fi
SMARTCTL=/nonexistent/smartctl "$COLLECT" "$WORK/nosmartctl"
check "without smartctl: exit 0 and the index names the problem" expect_jq '.error | test("smartctl is not installed at /nonexistent/smartctl")' "$WORK/nosmartctl/index.json"

echo "== the collector with a stand-in smartctl replaying recorded outputs"
FAKE=$WORK/smartctl
cat >"$FAKE" <<EOF
#!/bin/sh
echo "\$*" >> $WORK/smartctl.calls
out() { sed '/^#/d' "$FIX/\$1"; }
case "\$*" in
  "--version") echo "smartctl 7.3 2022-02-28 r5338 [x86_64-linux-6.1.0] (local build)" ;;
  "--scan-open --json=g")
    i=0
    for d in "/dev/sdb sat" "/dev/sdc usbjmicron" "/dev/nvme0 nvme" "/dev/sda sat" "/dev/sdh sat"; do
      set -- \$d; echo "json.devices[\$i].name = \"\$1\";"; echo "json.devices[\$i].type = \"\$2\";"; i=\$((\${i:-0} + 1))
    done ;;
  "--json -a -n standby -d sat /dev/sdb") out ata-hdd-wdc-wd140edfz.json ;;
  "--json -a -n standby -d usbjmicron /dev/sdc") out ata-hdd-failing-hitachi.json; exit 216 ;;
  "--json -a -n standby -d nvme /dev/nvme0") out nvme-force-mp510.json ;;
  "--json -a -n standby -d sat /dev/sda") out ata-hdd-standby.json; exit 2 ;;
  "--json -a -n standby -d sat /dev/sdh") sleep 30 ;;
  *) echo "unexpected: \$*" >&2; exit 99 ;;
esac
EOF
chmod 755 "$FAKE"
DATA=$WORK/data
mkdir -p "$DATA" && echo '{}' >"$DATA/sdz_sat.json"  # a disk of an earlier run, gone since
t0=$(date +%s)
SMARTCTL=$FAKE SMART_TIMEOUT=1 "$COLLECT" "$DATA"
check "collector exits 0" [ $? = 0 ]
check "it asked smartctl with -n standby for every disk (never waking one)" \
  [ "$(grep -c -- '--json -a -n standby -d ' "$WORK/smartctl.calls")" = 5 ]
check "index: five devices with smartctl's exit status" [ "$(jq -c '[.devices[] | .exit_status] ' "$DATA/index.json")" = "[0,216,0,2,null]" ]
check "index: the hanging disk is noted, bounded by SMART_TIMEOUT" expect_jq '.devices[4].error == "smartctl did not finish within 1 s"' "$DATA/index.json"
check "index: collected now" expect_jq --argjson t "$t0" '.collected_at >= $t' "$DATA/index.json"
check "one file per readable disk, each whole JSON" bash -c 'for f in sdb_sat sdc_usbjmicron nvme0_nvme sda_sat; do jq -e .smartctl "$0/$f.json" >/dev/null || exit 1; done' "$DATA"
check "no temporary files are left" [ -z "$(ls -A "$DATA" | grep '^\.')" ]
check "the gone disk's file is removed" [ ! -e "$DATA/sdz_sat.json" ]
check "files are 0640 (group-readable for the service)" [ "$(stat -c %a "$DATA/index.json") $(stat -c %a "$DATA/sdb_sat.json")" = "640 640" ]

echo "== the smart plugin in the real server"
KEY=smart-key-$(openssl rand -hex 12)
AUTH=(-H "X-API-Key: $KEY")
mkdir -p "$WORK/smart"
printf 'allow: ["smart.*"]\n' >"$WORK/smart/policy.yaml"
ha_start smart "plugins:
  directory: $PLUGINS
  settings:
    smart:
      data_dir: $DATA
      cache_seconds: 0" API_KEY="$KEY" || exit 1
req POST /v1/tools/smart.disks "${AUTH[@]}"
check "smart.disks: 200" status_is 200
cp "$BODY_FILE" "$WORK/disks.json"
disk() { jq -r --arg d "$1" ".result.disks[] | select(.device == \$d) | $2" "$WORK/disks.json"; }
fixture() { sed '/^#/d' "$FIX/$1" | jq -r "$2"; }
check "five disks, collected just now" expect_jq '.result.count == 5 and .result.age_seconds < 60 and .result.stale == false' "$WORK/disks.json"
check "sdb: model, serial and temperature as smartctl reported" \
  [ "$(disk /dev/sdb '"\(.model) \(.serial) \(.temperature_c)"')" = "$(fixture ata-hdd-wdc-wd140edfz.json '"\(.model_name) \(.serial_number) \(.temperature.current)"')" ]
check "sdb: power-on hours $(fixture ata-hdd-wdc-wd140edfz.json .power_on_time.hours), health passed" \
  [ "$(disk /dev/sdb '"\(.power_on_hours) \(.health)"')" = "$(fixture ata-hdd-wdc-wd140edfz.json .power_on_time.hours) passed" ]
check "sdc: failed, with attribute 5 and 197 raw counts" \
  [ "$(disk /dev/sdc '"\(.health) \(.reallocated_sectors) \(.pending_sectors)"')" = "failed $(fixture ata-hdd-failing-hitachi.json '[.ata_smart_attributes.table[] | select(.id == 5 or .id == 197) | .raw.value] | join(" ")')" ]
check "nvme0: percentage used and media errors from the NVMe log" \
  [ "$(disk /dev/nvme0 '"\(.nvme.percentage_used) \(.nvme.media_errors) \(.kind)"')" = "$(fixture nvme-force-mp510.json '"\(.nvme_smart_health_information_log.percentage_used) \(.nvme_smart_health_information_log.media_errors)"') nvme" ]
check "sda: in standby, nothing read" [ "$(disk /dev/sda '"\(.state) \(.power_mode) \(.health)"')" = "standby STANDBY null" ]
check "sdh: unreadable, saying why" [ "$(disk /dev/sdh '"\(.state): \(.problem)"')" = "unreadable: smartctl did not finish within 1 s" ]
req POST /v1/tools/smart.disk "${AUTH[@]}" -d '{"disk":"sdc"}'
check "smart.disk sdc: the attribute table" expect_jq '.result.attributes | length > 10' "$BODY_FILE"
req POST /v1/tools/smart.disk "${AUTH[@]}" -d '{"disk":"sdz"}'
check "smart.disk of an unknown disk: 404 naming the disks" bash -c '[ "$0" = 404 ] && grep -q "there is no disk .sdz. in the SMART data (disks: sdb, sdc, nvme0, sda, sdh)" "$1"' "$STATUS" "$BODY_FILE"

echo "-- the answers interface on these results"
SETTINGS="{\"data_dir\":\"$DATA\"}"
RESULT=$(jq -c .result "$WORK/disks.json")
"$PROBE" "$PLUGINS/tool-smart.so" "$SETTINGS" checks "{\"results\":[{\"capability\":\"smart.disks\",\"arguments\":{},\"status\":\"ok\",\"result\":$RESULT}]}" >"$WORK/checks.json"
check "answers_probe checks: exit 0" [ $? = 0 ]
sev() { jq -r --arg s "$1" --arg c "$2" '.findings[] | select(.subject == $s and .check == $c) | .severity' "$WORK/checks.json"; }
check "checks: the failing sdc is critical" [ "$(sev sdc smart.health)" = critical ]
check "checks: sdc's sectors are a warning" [ "$(sev sdc smart.sectors)" = warning ]
check "checks: sdb is fine" [ "$(sev sdb smart.disk)" = ok ]
check "checks: the sleeping sda is fine and was not woken" [ "$(sev sda smart.disk)" = ok ]
check "checks: the hanging sdh is a warning" [ "$(sev sdh smart.unreadable)" = warning ]
q='{"text":" any failing disks ","question":"Any failing disks?","words":["any","failing","disks"],"subject":null,"allowed":["smart.disks","smart.disk"]}'
check "match: 'Any failing disks?' -> smart.disks" [ "$("$PROBE" "$PLUGINS/tool-smart.so" "$SETTINGS" match "$q" | jq -r '.matches[0].capability')" = smart.disks ]
q='{"text":" is sdc ok ","question":"Is sdc ok?","words":["is","sdc","ok"],"subject":null,"allowed":["smart.disks","smart.disk"]}'
check "match: 'Is sdc ok?' -> smart.disk sdc (a disk the collector found)" [ "$("$PROBE" "$PLUGINS/tool-smart.so" "$SETTINGS" match "$q" | jq -c '[.matches[0].capability, .matches[0].arguments]')" = '["smart.disk",{"disk":"sdc"}]' ]
answer=$("$PROBE" "$PLUGINS/tool-smart.so" "$SETTINGS" summarize "{\"text\":\" how hot are my drives \",\"question\":\"How hot are my drives?\",\"words\":[\"how\",\"hot\",\"are\",\"my\",\"drives\"],\"capability\":\"smart.disks\",\"arguments\":{},\"status\":\"ok\",\"result\":$RESULT}" | jq -r .text)
check "summary: the temperatures" grep -q "sdb (WDC WD140EDFZ-11A0VA0): 32 °C" <<<"$answer"
check "the server exits cleanly (sanitizers included)" ha_stop "$PID"

echo "== no data yet, stale data"
jq '.collected_at -= 7200' "$DATA/index.json" >"$DATA/index.old" && mv "$DATA/index.old" "$DATA/index.json"
mkdir -p "$WORK/smart2" "$WORK/smart3"
cp "$WORK/smart/policy.yaml" "$WORK/smart2/" && cp "$WORK/smart/policy.yaml" "$WORK/smart3/"
ha_start smart2 "plugins:
  directory: $PLUGINS
  settings:
    smart:
      data_dir: $DATA
      max_age_minutes: 60" API_KEY="$KEY" || exit 1
req POST /v1/tools/smart.disks "${AUTH[@]}"
check "two-hour-old data with a 60 min limit: stale" expect_jq '.result.stale == true and .result.age_seconds >= 7200' "$BODY_FILE"
check "the server exits cleanly (sanitizers included)" ha_stop "$PID"
ha_start smart3 "plugins:
  directory: $PLUGINS
  settings:
    smart:
      data_dir: $WORK/never-collected" API_KEY="$KEY" || exit 1
req POST /v1/tools/smart.disks "${AUTH[@]}"
check "never collected: 200 with collected false" expect_jq '.result.collected == false' "$BODY_FILE"
check "never collected: names the timer to enable" bash -c 'jq -r .result.reason "$0" | grep -q "systemctl enable --now homelab-assistant-smart.timer"' "$BODY_FILE"
req POST /v1/tools/smart.disk "${AUTH[@]}" -d '{"disk":"sda"}'
check "never collected: smart.disk is 503" status_is 503
# The first collection is seen at once, not after the cache's 5 s: the cache is keyed on the index.
cp -r "$DATA" "$WORK/never-collected"
req POST /v1/tools/smart.disks "${AUTH[@]}"
check "collected a moment later: seen at once despite cache_seconds 5" expect_jq '.result.collected == true and .result.count == 5' "$BODY_FILE"
# match() knows disks by name from memory (it runs on the host's thread); the call above loaded
# the new collection, which makes its disks known at once, not a minute later.
chat "Is sdc ok?"
check "and its disks are known by name at once: 'Is sdc ok?' asks smart.disk for sdc" \
  bash -c '[ "$(jq -c .tool_calls_made "$0")" = "[\"smart.disk\"]" ] && jq -r .message "$0" | grep -q sdc' "$BODY_FILE"
check "the server exits cleanly (sanitizers included)" ha_stop "$PID"

finish
