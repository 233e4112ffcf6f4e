#!/bin/bash
# Resident memory of the server: idle with every in-tree plugin loaded, then sampled along 100k
# requests (GET /health and the audited POST /v1/tools/cpu.usage, alternating batches over
# keep-alive connections) and along 20k /chat conversations with new ids (offline answers), so
# a plateau shows as flat samples. Prints figures, asserts nothing.
# usage: tests/bench/memory.sh [--build-dir DIR] [--requests N] [--conversations N]
#   --build-dir  an existing build tree (default build-bench/, RelWithDebInfo, built when missing)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=
REQUESTS=100000
CONVERSATIONS=20000
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) BUILD=$2; shift ;;
    --requests) REQUESTS=$2; shift ;;
    --conversations) CONVERSATIONS=$2; shift ;;
    *) echo "usage: $0 [--build-dir DIR] [--requests N] [--conversations N]" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$BUILD" ]; then
  BUILD=$ROOT/build-bench
  [ -f "$BUILD/CMakeCache.txt" ] || cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$BUILD" -j2 --target homelab-assistant ha_tool_cpu ha_tool_memory ha_tool_disk ha_tool_sensors \
    ha_tool_network ha_tool_systemd ha_tool_docker ha_tool_truenas ha_tool_zfs ha_tool_smart ha_provider_groq ha_provider_openai \
    bench_memory_floor >/dev/null
fi
BUILD=$(cd "$BUILD" && pwd)
BIN=$BUILD/host/homelab-assistant
[ -x "$BIN" ] || { echo "no server binary in $BUILD" >&2; exit 1; }

WORK=$(mktemp -d /tmp/ha-memory-XXXXXX)
PID=
FLOOR_PID=
cleanup() {
  [ -n "$PID" ] && { kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; }
  [ -n "$FLOOR_PID" ] && { kill "$FLOOR_PID" 2>/dev/null; wait "$FLOOR_PID" 2>/dev/null; }
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$WORK/tls"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1 \
  -addext "subjectAltName=IP:127.0.0.1" -keyout "$WORK/tls/key.pem" -out "$WORK/tls/cert.pem" 2>/dev/null
cp "$ROOT/etc/policy.yaml" "$WORK/policy.yaml"  # every in-tree capability family allowed
cat >"$WORK/config.yaml" <<CONF
server:
  listen: "127.0.0.1:0"
  tls_certificate: $WORK/tls/cert.pem
  tls_private_key: $WORK/tls/key.pem
  max_keep_alive_requests: 1000000
plugins:
  directory: $BUILD/ha-plugins
policy: $WORK/policy.yaml
audit:
  path: $WORK/audit.jsonl
CONF
KEY=bench-key-$(openssl rand -hex 12)
# The environment of the packaged service (packaging/debian/homelab-assistant.service).
ENV_FROM_UNIT=$(sed -n 's/^Environment=\(MALLOC_[A-Z_]*=[0-9]*\)$/\1/p' "$ROOT/packaging/debian/homelab-assistant.service")
(cd "$WORK" && exec env $ENV_FROM_UNIT API_KEY="$KEY" RATE_LIMIT_REQUESTS=1000000 "$BIN" --config "$WORK/config.yaml") \
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

rss_kib() { awk '/^VmRSS/ { print $2 }' "/proc/$PID/status"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
rss_parts() {  # anonymous (heap, stacks) and file-backed (the binary, libraries, plugins) resident memory
  awk '/^RssAnon/ { a = $2 } /^RssFile/ { f = $2 } /^RssShmem/ { s = $2 }
       END { printf "anonymous %.1f MiB, files %.1f MiB", a / 1024, (f + s) / 1024 }' "/proc/$PID/status"
}
# rss_groups PID EXECUTABLE: resident MiB by owner. "anonymous" is the heap, the stacks and the
# relocated data of every library (a mapping's Anonymous pages); the rest are the mappings'
# file pages (clean, shared with the page cache), grouped by whose file they are.
rss_groups() {
  awk -v exe="$2" -v plugins="$BUILD/ha-plugins/" '
    /^[0-9a-f]+-[0-9a-f]+ / { path = $6 }
    /^Rss:/ { rss = $2 }
    /^Anonymous:/ {
      anon += $2
      if (path == "" || substr(path, 1, 1) == "[") next
      if (path ~ /\/lib(crypto|ssl)\.so/) g = "OpenSSL"
      else if (path ~ /\/libPoco/) g = "Poco"
      else if (path ~ /\/(libc|libm|libstdc\+\+|libgcc_s|ld-linux-x86-64)\.so/) g = "C/C++ runtime"
      else if (index(path, plugins) == 1) g = "plugins"
      else if (path == exe) g = "executable"
      else g = "other libraries"
      file[g] += rss - $2
    }
    END {
      printf "anonymous %.1f", anon / 1024
      n = split("OpenSSL Poco C/C++_runtime other_libraries plugins executable", order, " ")
      for (i = 1; i <= n; i++) { g = order[i]; gsub("_", " ", g); if (g in file) printf ", %s %.1f", g, file[g] / 1024 }
      print " (MiB)"
    }' "/proc/$1/smaps"
}
# batch COUNT PATH [BODY]: COUNT requests over one keep-alive connection (a list file per client)
batch() {
  local count=$1 path=$2 body=${3:-} list
  list=$(mktemp "$WORK/urls-XXXXXX")
  for ((i = 0; i < count; i++)); do echo "url = \"$URL$path\""; done >"$list"
  curl -s --cacert "$WORK/tls/cert.pem" -H "X-API-Key: $KEY" ${body:+-H "Content-Type: application/json" -d "$body"} \
    -o /dev/null -K "$list" >/dev/null 2>&1 || true
  rm -f "$list"
}
# conversations FROM COUNT: COUNT /chat turns, each in a new conversation (ids FROM..FROM+COUNT-1)
conversations() {
  local from=$1 count=$2 list
  list=$(mktemp "$WORK/chats-XXXXXX")
  # Options end at "next": each turn repeats them (curl still reuses the connection).
  for ((i = from; i < from + count; i++)); do
    printf 'url = "%s/chat"\ncacert = "%s"\nheader = "X-API-Key: %s"\nheader = "Content-Type: application/json"\noutput = "/dev/null"\nsilent\n' \
      "$URL" "$WORK/tls/cert.pem" "$KEY"
    printf 'data = "{\\"message\\":\\"How much memory is used?\\",\\"conversation_id\\":\\"bench-%d\\"}"\nnext\n' "$i"
  done >"$list"
  curl -K "$list" >/dev/null 2>&1 || true
  rm -f "$list"
}

sleep 2  # first samples of the plugins' samplers taken
echo "== resident memory ($(ls "$BUILD"/ha-plugins/*.so | wc -l) plugins loaded, ${ENV_FROM_UNIT:-no malloc tuning})"
readelf -d "$BIN" 2>/dev/null | grep -q 'NEEDED.*libasan' &&
  echo "   (a sanitizer build: its shadow memory and instrumented code make these figures no guide to a release build)"
IDLE=$(rss_kib)
echo "idle after start:                $(mib "$IDLE")   (goal < 16 MiB; $(rss_parts))"
echo "  by owner:                      $(rss_groups "$PID" "$BIN")"
# The reference: the same libraries and plugins mapped by a process that does nothing else.
FLOOR_BIN=$BUILD/tests/bench_memory_floor
if [ -x "$FLOOR_BIN" ]; then
  "$FLOOR_BIN" "$WORK/tls/cert.pem" "$WORK/tls/key.pem" "$BUILD/ha-plugins" >"$WORK/floor.log" 2>&1 &
  FLOOR_PID=$!
  for i in $(seq 1 100); do grep -q '^ready' "$WORK/floor.log" && break; sleep 0.1; done
  if grep -q '^ready' "$WORK/floor.log"; then
    echo "floor (libraries + TLS context + plugins mapped, nothing run): $(mib "$(awk '/^VmRSS/ { print $2 }' "/proc/$FLOOR_PID/status")")"
    echo "  by owner:                      $(rss_groups "$FLOOR_PID" "$FLOOR_BIN")"
  else
    echo "floor: not measured ($(head -c 300 "$WORK/floor.log"))"
  fi
  kill "$FLOOR_PID" 2>/dev/null; wait "$FLOOR_PID" 2>/dev/null || true
  FLOOR_PID=
else
  echo "floor: not measured (no $FLOOR_BIN; build the bench_memory_floor target)"
fi
batch 1 /health
echo "after the first request:         $(mib "$(rss_kib)")"
STEP=$(( REQUESTS / 10 ))
PEAK=$IDLE
# Two clients at once for half of each step, so more than one worker thread (and malloc arena) works.
for ((done_ = 0; done_ < REQUESTS; done_ += STEP)); do
  batch $(( STEP / 2 )) /health &
  batch $(( STEP / 2 )) /v1/tools/cpu.usage '{}'
  wait $!
  r=$(rss_kib); [ "$r" -gt "$PEAK" ] && PEAK=$r
  printf '%-32s %s\n' "after $(( done_ + STEP )) requests:" "$(mib "$r")"
done
CSTEP=$(( CONVERSATIONS / 5 ))
for ((done_ = 0; done_ < CONVERSATIONS; done_ += CSTEP)); do
  conversations $(( done_ )) $(( CSTEP / 2 )) &
  conversations $(( done_ + CSTEP / 2 )) $(( CSTEP / 2 ))
  wait $!
  r=$(rss_kib); [ "$r" -gt "$PEAK" ] && PEAK=$r
  printf '%-32s %s\n' "after $(( done_ + CSTEP )) new conversations:" "$(mib "$r")"
done
echo "peak of the samples:             $(mib "$PEAK")   (goal: a plateau < 32 MiB; now $(rss_parts))"
echo "threads: $(ls /proc/$PID/task | wc -l); audit lines: $(wc -l <"$WORK/audit.jsonl")"
