#!/bin/bash
# The sensors and network plugins live on this machine, through the real server over HTTPS:
# sensors against /sys as it is here (a VM usually has none: then the plain "no sensors" answer
# is what is checked) and against a recorded tree through sys_root; network against this
# machine's interfaces, addresses (getifaddrs and procfs, /proc and /proc/1), counters and the
# traffic the test itself sends over loopback, with `ip` and the kernel files as the truth.
# usage: test-sensors-network.sh BINARY PLUGIN_DIR ANSWERS_PROBE SOURCE_DIR
set -uo pipefail
HA_BINARY=$1
PLUGINS=$2
PROBE=$3
SOURCE=$4
. "$SOURCE/tests/integration/lib.sh"

KEY=sensnet-key-$(openssl rand -hex 12)
AUTH=(-H "X-API-Key: $KEY")
start_server() {  # start_server NAME SETTINGS_YAML
  mkdir -p "$WORK/$1" && printf 'allow: ["sensors.*", "network.*"]\n' >"$WORK/$1/policy.yaml"
  ha_start "$1" "plugins:
  directory: $PLUGINS
  settings:
$2" API_KEY="$KEY" RATE_LIMIT_REQUESTS=100000 || exit 1
}
jqe() { jq -e "$@" >/dev/null; }
summary() {  # summary PLUGIN SETTINGS CAPABILITY QUESTION RESULT
  local text
  text=" $(tr 'A-Z' 'a-z' <<<"$4" | tr -c 'a-z0-9\n' ' ' | tr -s ' ') "
  "$PROBE" "$PLUGINS/tool-$1.so" "$2" summarize \
    "{\"text\":\"$text\",\"question\":\"$4\",\"capability\":\"$3\",\"arguments\":{},\"status\":\"ok\",\"result\":$5}"
}
checks() {  # checks PLUGIN SETTINGS CAPABILITY RESULT [CAPABILITY RESULT]
  local plugin=$1 settings=$2 results=""
  shift 2
  while [ $# -ge 2 ]; do
    results+="${results:+,}{\"capability\":\"$1\",\"arguments\":{},\"status\":\"ok\",\"result\":$2}"
    shift 2
  done
  "$PROBE" "$PLUGINS/tool-$plugin.so" "$settings" checks "{\"results\":[$results]}"
}

start_server live "    network:
      sample_interval_ms: 500"

echo "== sensors on this machine"
req POST /v1/tools/sensors.temperatures "${AUTH[@]}"
check "sensors.temperatures: 200" status_is 200
TEMPS=$(jq -c .result "$BODY_FILE")
inputs=$(ls /sys/class/hwmon/*/temp*_input 2>/dev/null | wc -l)
zones=$(ls -d /sys/class/thermal/thermal_zone* 2>/dev/null | wc -l)
req POST /v1/tools/sensors.fans "${AUTH[@]}"
FANS=$(jq -c .result "$BODY_FILE")
fan_inputs=$(ls /sys/class/hwmon/*/fan*_input 2>/dev/null | wc -l)
if [ "$((inputs + zones))" = 0 ]; then
  echo "   this machine shows no hwmon chip and no thermal zone (a VM): checking the plain answer"
  check "no sensors: sensors_visible false, no readings" jqe '.sensors_visible == false and (.temperatures | length) == 0' <<<"$TEMPS"
  answer=$(summary sensors '{}' sensors.temperatures "How hot is the CPU?" "$TEMPS")
  check "no sensors: said plainly, found=false" [ "$(jq -r '"\(.found) \(.text)"' <<<"$answer")" = \
    "false No temperature sensors are visible on this machine (the kernel shows no hwmon chips or thermal zones), as usual in a virtual machine." ]
  answer=$(summary sensors '{}' sensors.fans "Are the fans ok?" "$FANS")
  check "no fans: said plainly, found=false" [ "$(jq -r .found <<<"$answer")" = false ]
  findings=$(checks sensors '{}' sensors.temperatures "$TEMPS" sensors.fans "$FANS")
  check "no sensors is not a failure: one ok finding" \
    [ "$(jq -r '[.findings[] | "\(.severity) \(.check)"] | join(",")' <<<"$findings")" = "ok sensors.visible" ]
else
  echo "   $inputs hwmon temperature inputs, $zones thermal zones, $fan_inputs fans"
  check "every reading is the kernel's (source file / 1000)" bash -c '
    jq -r ".temperatures[] | \"\(.source) \(.celsius)\"" <<<"$0" | while read -r src c; do
      case $src in hwmon*) f=/sys/class/hwmon/${src%%/*}/${src#*/}_input ;; *) f=/sys/class/thermal/$src/temp ;; esac
      awk -v v="$(cat "$f")" -v c="$c" "BEGIN { d = v / 1000 - c; exit !(d < 0.06 && d > -0.06) }" || exit 1
    done' "$TEMPS"
  check "no more readings than the kernel has" [ "$(jq '.temperatures | length' <<<"$TEMPS")" -le "$((inputs + zones))" ]
  check "every fan" [ "$(jq '.fans | length' <<<"$FANS")" = "$fan_inputs" ]
fi

echo "== sensors through sys_root (a recorded overheating server)"
ha_stop "$PID"
FIXTURE=$SOURCE/tests/fixtures/sensors/intel-nas-overheating/sys
start_server recorded "    sensors:
      sys_root: \"$FIXTURE\"
      ignore: [\"nct6776/CPUTIN\"]"
req POST /v1/tools/sensors.temperatures "${AUTH[@]}"
check "recorded: the CPU package at 101 °C, critical at 100" \
  jq -e '.result.cpu.celsius == 101 and .result.cpu.crit_celsius == 100 and .result.cpu.label == "Package id 0"' "$BODY_FILE"
check "recorded: the ignored input is left out" bash -c '! jq -e ".result.temperatures[] | select(.label == \"CPUTIN\")" "$0" >/dev/null' "$BODY_FILE"
findings=$(checks sensors "{\"sys_root\":\"$FIXTURE\"}" sensors.temperatures "$(jq -c .result "$BODY_FILE")")
check "recorded: over critical -> critical, over max -> warning" \
  [ "$(jq -r '[.findings[] | "\(.severity):\(.subject)"] | sort | join(",")' <<<"$findings")" = \
    "critical:coretemp Package id 0,critical:drivetemp,warning:coretemp Core 0,warning:nvme Composite" ]
req POST /v1/tools/sensors.voltages "${AUTH[@]}"
check "recorded: voltages with their labels" jqe '.result.voltages[0].label == "Vcore" and .result.count == 9' "$BODY_FILE"
ha_stop "$PID"

echo "== network on this machine"
start_server live2 "    network:
      sample_interval_ms: 500"
skip_re='^(lo|veth.*|docker.*|br-.*|virbr.*|vnet.*|tap.*|ifb.*|cali.*|flannel.*|cni.*|kube-.*|cilium.*)$'
truth_names=$(ls /sys/class/net | grep -vE "$skip_re" | sort | tr '\n' ' ')
req POST /v1/tools/network.interfaces "${AUTH[@]}"
check "network.interfaces: 200" status_is 200
IFACES=$(jq -c .result "$BODY_FILE")
check "the interfaces are this machine's minus the virtual ones ($truth_names)" \
  [ "$(jq -r '.interfaces[].name' <<<"$IFACES" | sort | tr '\n' ' ')" = "$truth_names" ]
check "addresses from getifaddrs" [ "$(jq -r .address_source <<<"$IFACES")" = getifaddrs ]
for name in $truth_names; do
  one=$(jq -c --arg n "$name" '.interfaces[] | select(.name == $n)' <<<"$IFACES")
  check "$name: MTU and state as sysfs says" bash -c '
    [ "$(jq -r .mtu <<<"$0")" = "$(cat /sys/class/net/$1/mtu)" ] && [ "$(jq -r .operstate <<<"$0")" = "$(cat /sys/class/net/$1/operstate)" ]' "$one" "$name"
  want=$(ip -j addr show dev "$name" | jq -r '[.[0].addr_info[] | "\(.local)/\(.prefixlen)"] | sort | join(" ")')
  check "$name: addresses as ip addr says ($want)" [ "$(jq -r '[.addresses[] | "\(.address)/\(.prefix)"] | sort | join(" ")' <<<"$one")" = "$want" ]
done
route=$(ip -j route show default | jq -r '.[0] | "\(.dev) \(.gateway)"')
check "the default route as ip route says ($route)" [ "$(jq -r '.default_route | "\(.interface) \(.gateway)"' <<<"$IFACES")" = "$route" ]
check "virtual interfaces are listed as skipped" \
  [ "$(jq -r '.skipped | sort | join(" ")' <<<"$IFACES")" = "$(ls /sys/class/net | grep -E "$skip_re" | sort | tr '\n' ' ' | sed 's/ $//')" ]

echo "-- traffic the test sends over loopback"
before=$(awk '$1 == "lo:" {print $2}' /proc/net/dev)
printf 'url = "%s/v1/tools"\noutput = "/dev/null"\n' $(for i in $(seq 1 3000); do echo "$URL"; done) >"$WORK/curl.cfg"
curl -s --max-time 20 --cacert "$CACERT" -H "X-API-Key: $KEY" -K "$WORK/curl.cfg" &
LOAD=$!
HA_PIDS="$HA_PIDS $LOAD"
sleep 1.5
req POST /v1/tools/network.traffic "${AUTH[@]}" -d '{"interface":"lo"}'
kill "$LOAD" 2>/dev/null
wait "$LOAD" 2>/dev/null
after=$(awk '$1 == "lo:" {print $2}' /proc/net/dev)
check "traffic on lo: 200 (asked by name although lo is skipped)" status_is 200
rx=$(jq -r '.result.interfaces[0].rates.rx_bytes_per_s' "$BODY_FILE")
check "traffic on lo: the load shows in the rate ($rx B/s over $(jq -r .result.sample_window_ms "$BODY_FILE") ms)" \
  awk -v r="$rx" 'BEGIN { exit !(r > 20000) }'
check "traffic on lo: the counter lies between the kernel's before and after ($before .. $after)" \
  bash -c 'c=$(jq -r ".result.interfaces[0].counters.rx_bytes" "$0"); [ "$c" -ge "$1" ] && [ "$c" -le "$2" ]' "$BODY_FILE" "$before" "$after"
TRAFFIC=$(jq -c .result "$BODY_FILE")
req POST /v1/tools/network.traffic "${AUTH[@]}" -d '{"interface":"nope0"}'
check "an unknown interface: 404, named" bash -c '[ "$0" = 404 ] && grep -q "no network interface named nope0" "$1"' "$STATUS" "$BODY_FILE"
req POST /v1/tools/network.interfaces "${AUTH[@]}" -d '{"interface":""}'
check "an empty interface name: 400" status_is 400
req POST /v1/tools/network.interfaces "${AUTH[@]}" -d '{"interface":"eth0; rm -rf /"}'
check "a hostile interface name: 400 (too long) or 404, never a match" bash -c '[ "$0" = 400 ] || [ "$0" = 404 ]' "$STATUS"
ha_stop "$PID"

echo "-- the procfs address source, through /proc/1 (how a container reaches the host's namespace)"
start_server procfs "    network:
      proc_root: /proc/1
      address_source: procfs"
req POST /v1/tools/network.interfaces "${AUTH[@]}"
check "procfs: the same interfaces and addresses as getifaddrs" bash -c '
  a=$(jq -c "[.interfaces[] | {name, a: ([.addresses[] | \"\(.address)/\(.prefix)\"] | sort)}]" <<<"$0")
  b=$(jq -c "[.result.interfaces[] | {name, a: ([.addresses[] | \"\(.address)/\(.prefix)\"] | sort)}]" "$1")
  [ "$a" = "$b" ]' "$IFACES" "$BODY_FILE"
check "procfs: says so" json_eq .result.address_source procfs
ha_stop "$PID"

echo "-- answers and checks (answers_probe)"
def_if=$(ip -j route show default | jq -r '.[0].dev')
def_ip=$(ip -j addr show dev "$def_if" | jq -r '[.[0].addr_info[] | select(.family == "inet")][0] | "\(.local)/\(.prefixlen)"')
text=$(summary network '{}' network.interfaces "What is my IP address?" "$IFACES" | jq -r .text)
check "'What is my IP address?' names $def_ip on $def_if first" grep -q "^This server's IP address.* $def_ip.* on $def_if (the interface of the default route" <<<"$text"
text=$(summary network '{}' network.interfaces "Is the network ok?" "$IFACES" | jq -r .text)
check "'Is the network ok?' says $def_if is up" grep -q "$def_if is up" <<<"$text"
text=$(summary network '{}' network.traffic "How much traffic on lo?" "$TRAFFIC" | jq -r .text)
check "'How much traffic on lo?' gives rates and totals" grep -qE "^lo: .* in, .* out over the last .* s \(.* received and .* sent" <<<"$text"
match=$("$PROBE" "$PLUGINS/tool-network.so" '{}' match "{\"text\":\" how much traffic on $def_if \",\"question\":\"How much traffic on $def_if?\",\"words\":[],\"subject\":null,\"allowed\":[\"network.traffic\",\"network.interfaces\"]}")
check "'How much traffic on $def_if?' -> network.traffic for $def_if" \
  [ "$(jq -r '.matches[0] | "\(.capability) \(.arguments.interface)"' <<<"$match")" = "network.traffic $def_if" ]
findings=$(checks network '{}' network.interfaces "$IFACES")
check "checks: this machine's network is ok" [ "$(jq -r '[.findings[].severity] | unique | join(",")' <<<"$findings")" = ok ]

# A watched interface that is down: a dummy one the test adds (and removes), or one that exists.
down=
if ip link add ha-test0 type dummy 2>/dev/null; then
  down=ha-test0
  trap 'ip link del ha-test0 2>/dev/null; ha_cleanup' EXIT
else
  down=$(for i in /sys/class/net/*; do [ "$(cat "$i/operstate")" = down ] && basename "$i" && break; done)
fi
settings="{\"interfaces\":[\"$def_if\",\"${down:-none}\",\"nope0\"]}"
result=$("$PROBE" "$PLUGINS/tool-network.so" "$settings" invoke network.interfaces)
findings=$(checks network "$settings" network.interfaces "$result")
check "checks: a watched interface that does not exist -> critical" \
  [ "$(jq -r '.findings[] | select(.subject == "nope0") | "\(.severity) \(.message)"' <<<"$findings")" = "critical Network interface nope0 does not exist." ]
if [ -n "$down" ]; then
  check "checks: watched $down is down -> critical" \
    [ "$(jq -r --arg d "$down" '.findings[] | select(.subject == $d) | .severity' <<<"$findings")" = critical ]
else
  echo "  note no interface here is down and none could be added; the down case is covered by the unit test"
fi
check "checks: watched $def_if is up: no finding against it" \
  [ -z "$(jq -r --arg d "$def_if" '.findings[] | select(.subject == $d) | .severity' <<<"$findings")" ]
[ "$down" = ha-test0 ] && ip link del ha-test0

finish
