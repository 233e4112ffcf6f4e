#!/bin/bash
# The container image, for real and offline: a debian:bookworm-slim equivalent debootstrapped here
# (cached) and imported into a private dockerd, the real Dockerfile built on it from the project's
# .deb without network, and the container run as compose.yaml runs it (host mounts read-only,
# locked down) on 127.0.0.1. Checks: health, the host's disks, CPU, memory and containers, only
# GET requests on the Docker socket, non-root with a read-only root and no capabilities, the key
# kept across a second start, the audit log in the volume. Prints the image size and the time of
# each phase. Exits 77 only where no container engine can start here (or no base system can be
# made: not root, no Debian mirror for the first debootstrap).
# usage: image.sh SOURCE_DIR
set -uo pipefail
SOURCE=$(cd "$1" && pwd)
. "$SOURCE/tests/integration/lib.sh"
. "$SOURCE/tests/integration/container/base-image.sh"
. "$SOURCE/tests/packaging/cached-debs.sh"
ENGINE_SCRIPT=$SOURCE/../shared/docker-engine.sh
[ -x "$ENGINE_SCRIPT" ] || ENGINE_SCRIPT=$SOURCE/tests/docker/docker-engine.sh
DOCKER=/usr/bin/docker; [ -x "$DOCKER" ] || DOCKER=docker  # Debian's CLI, the engine's own version
IMAGE=homelab-assistant:container-test
APP=ha-container-test
VOLUME=ha-container-test-data
UID_EXPECTED=568
T0=$(date +%s)
phase() { echo "== $1 (+$(( $(date +%s) - T0 )) s)"; }
skip() { echo "SKIPPED: $1"; echo "         the container image was NOT tested here."; exit 77; }

phase "inputs: the base system, the project's .debs, their runtime dependencies"
base_tarball || skip "$INPUT_ERROR"
cached_debs "$SOURCE" || { echo "FAIL packaging/build-deb.sh"; exit 1; }
runtime_debs "$MAIN_DEB" "$WORK/deps" || skip "$INPUT_ERROR"
echo "   base $(du -m "$BASE_TAR" | cut -f1) MB, $(basename "$MAIN_DEB"), $(ls "$WORK/deps" | wc -l) runtime dependencies"

phase "a private Docker engine"
ENGINE_DIR=$(mktemp -d /tmp/ha-ce-XXXXXX)
if ! SAMPLES=0 "$ENGINE_SCRIPT" up "$ENGINE_DIR" >"$WORK/engine-up.log" 2>&1; then
  tail -15 "$WORK/engine-up.log"
  "$ENGINE_SCRIPT" down "$ENGINE_DIR" >/dev/null 2>&1
  skip "no container engine could be started on this machine (see above)"
fi
SOCK=$(tail -1 "$WORK/engine-up.log")
. "$ENGINE_DIR/env"
[ "$ENGINE" = docker ] || { "$ENGINE_SCRIPT" down "$ENGINE_DIR" >/dev/null 2>&1; skip "only podman could start here; the image is tested with dockerd"; }
export DOCKER_HOST=unix://$SOCK DOCKER_CONFIG=$ENGINE_DIR/cli-config DOCKER_BUILDKIT=0
PROXY=
cleanup() {
  [ -n "$PROXY" ] && { kill "$PROXY" 2>/dev/null; wait "$PROXY" 2>/dev/null; }
  "$ENGINE_SCRIPT" down "$ENGINE_DIR" >"$WORK/engine-down.log" 2>&1 || tail -5 "$WORK/engine-down.log"
  ha_cleanup
}
trap cleanup EXIT
dk() { "$DOCKER" "$@"; }

phase "the base image debian:bookworm-slim (docker import) and two neighbours"
dk import "$BASE_TAR" debian:bookworm-slim >/dev/null
check "debian:bookworm-slim imported" dk image inspect debian:bookworm-slim -f '{{.Id}}'
dk run -d --network none --name ha-neighbour-running debian:bookworm-slim sleep 3600 >/dev/null
dk run --network none --name ha-neighbour-exited debian:bookworm-slim sh -c 'exit 3' >/dev/null 2>&1

phase "docker build of packaging/container/Dockerfile without network"
DOCKER=$DOCKER "$SOURCE/packaging/container/build-image.sh" --debs "$(dirname "$MAIN_DEB")" --deps "$WORK/deps" \
  --tag "$IMAGE" --network none >"$WORK/build.log" 2>&1
rc=$?
grep '^build-image:' "$WORK/build.log" | sed 's/^/   /'
check "the image builds offline from the project's .deb (exit $rc)" [ "$rc" = 0 ]
[ "$rc" = 0 ] || { tail -30 "$WORK/build.log"; finish; exit 1; }
size=$(dk image inspect -f '{{.Size}}' "$IMAGE")
echo "   image size: $((size / 1000000)) MB"
check "the image runs as uid $UID_EXPECTED" [ "$(dk image inspect -f '{{.Config.User}}' "$IMAGE")" = "$UID_EXPECTED:$UID_EXPECTED" ]
check "the image has a HEALTHCHECK" bash -c '"$0" image inspect -f "{{json .Config.Healthcheck.Test}}" "$1" | grep -q healthcheck' "$DOCKER" "$IMAGE"
inside() { dk run --rm --network none --entrypoint sh "$IMAGE" -c "$1"; }
check "no compiler in the image" [ -z "$(inside 'command -v gcc cc g++ c++ clang make ld as 2>/dev/null')" ]
check "apt lists and caches cleaned" [ "$(inside 'find /var/lib/apt/lists /var/cache/apt -mindepth 1 | wc -l')" = 0 ]
check "no key, certificate or secrets of the build in the image" \
  [ "$(inside 'ls /etc/homelab-assistant/secrets.env /etc/homelab-assistant/tls 2>/dev/null | wc -l')" = 0 ]

phase "the container with the host mounted read-only, on 127.0.0.1"
# Only GET may reach the engine: the container talks to it through a recording proxy socket.
command -v socat >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends socat >/dev/null 2>&1
check "socat records the socket's traffic" command -v socat
PROXY_SOCK=$ENGINE_DIR/recorded.sock
socat -v "UNIX-LISTEN:$PROXY_SOCK,fork,mode=660" "UNIX-CONNECT:$SOCK" 2>"$WORK/socket-traffic.log" &
PROXY=$!
for _ in $(seq 1 50); do [ -S "$PROXY_SOCK" ] && break; sleep 0.1; done
PORT=$(comm -23 <(seq 20000 20999 | sort) <(ss -Htan | awk '{print $4}' | sed 's/.*://' | sort -u) | shuf -n 1)
ROOT_BIND=/:/host/root:ro
grep -q '^[0-9]* [0-9]* [0-9:]* / / [^ ]* shared:' /proc/1/mountinfo && ROOT_BIND=/:/host/root:ro,rslave
RUN=(run -d --name "$APP" --network host --init --read-only --cap-drop ALL --security-opt no-new-privileges
     --group-add "$(stat -c %g "$PROXY_SOCK")" --health-interval 2s
     -e "HA_LISTEN=127.0.0.1:$PORT" -e LOG_LEVEL=information -e HA_TLS_NAMES=127.0.0.1
     -v "$VOLUME:/data" -v /proc:/host/proc:ro -v /sys:/host/sys:ro -v "$ROOT_BIND"
     -v "$PROXY_SOCK:/var/run/docker.sock:ro")
[ -d /run/dbus ] && RUN+=(-v /run/dbus:/host/run/dbus:ro)
[ -d /var/log/journal ] && RUN+=(-v /var/log/journal:/host/var/log/journal:ro)
start_app() {
  dk "${RUN[@]}" "$IMAGE" >/dev/null || return 1
  for _ in $(seq 1 60); do
    [ "$(dk inspect -f '{{.State.Health.Status}}' "$APP" 2>/dev/null)" = healthy ] && return 0
    [ "$(dk inspect -f '{{.State.Running}}' "$APP" 2>/dev/null)" = true ] || break
    sleep 1
  done
  dk logs "$APP" 2>&1 | tail -20
  return 1
}
check "the container starts and its HEALTHCHECK says healthy" start_app
DATA=$(dk volume inspect -f '{{.Mountpoint}}' "$VOLUME")
dk logs "$APP" >"$WORK/first.log" 2>&1
KEY=$(cat "$DATA/api_key" 2>/dev/null)
check "the API key is generated: 48 hex characters" bash -c '[[ "$0" =~ ^[0-9a-f]{48}$ ]]' "$KEY"
check "it is shown once in the log" [ "$(grep -cF "$KEY" "$WORK/first.log")" = 1 ]
check "it is kept in the volume, mode 0600, owned by uid $UID_EXPECTED" [ "$(stat -c '%a %u' "$DATA/api_key")" = "600 $UID_EXPECTED" ]
check "a self-signed certificate is made in the volume (key 0600)" [ "$(stat -c '%a' "$DATA/tls/key.pem")" = 600 ]
check "the certificate is EC P-256 for 127.0.0.1" bash -c 'openssl x509 -in "$0" -noout -text | grep -q "prime256v1" &&
  openssl x509 -in "$0" -noout -ext subjectAltName | grep -q "IP Address:127.0.0.1"' "$DATA/tls/cert.pem"
CACERT=$DATA/tls/cert.pem
URL=https://127.0.0.1:$PORT

phase "answers about the host"
req GET /health
check "GET /health: healthy" json_eq .status healthy
req POST /v1/tools/disk.usage -H "X-API-Key: $KEY" -d '{}'
cp "$BODY_FILE" "$WORK/disk.json"
expect_status "disk.usage answers" 200
check "no filesystem is named by its container path (/host/root)" bash -c '! grep -q "/host/root" "$0"' "$WORK/disk.json"
check "the container's own mounts are not reported (/data, /etc/hosts)" \
  bash -c '! jq -e ".result.filesystems[] | select(.mount_point == \"/data\" or .mount_point == \"/etc/hosts\")" "$0" >/dev/null' "$WORK/disk.json"
read -r df_total df_avail df_source df_type < <(df -B1 --output=size,avail,source,fstype / | tail -1)
check "/ is the host's ($df_source, $(human_bytes "$df_total")), as df says" \
  jq -e --arg dev "$df_source" --argjson total "$df_total" \
  '.result.filesystems[0] | .mount_point == "/" and .device == $dev and .total_bytes == $total' "$WORK/disk.json"
host_ro=$(findmnt -n -o OPTIONS / | tr ',' '\n' | grep -qx ro && echo true || echo false)
check "/ is read-only in the answer only if the host mounted it so ($host_ro), not because the container's view is" \
  jq -e --argjson ro "$host_ro" '.result.filesystems[0].read_only == $ro' "$WORK/disk.json"
avail=$(jq '.result.filesystems[0].available_bytes' "$WORK/disk.json")
check "and its free space matches df's within 1% of its size ($avail vs $df_avail)" \
  awk -v a="$avail" -v b="$df_avail" -v t="$df_total" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t / 100) }'
# (other tests mount and unmount filesystems on this machine: one gone since is no mismatch)
mismatch=$(jq -r '.result.filesystems[].mount_point' "$WORK/disk.json" | while read -r mp; do
  target=$(df --output=target "$mp" 2>/dev/null | tail -1) || continue
  [ "$target" = "$mp" ] || echo "$mp"
done)
check "every reported filesystem is a mount point of the host${mismatch:+ (not: $mismatch)}" [ -z "$mismatch" ]
chat "How much disk space is left?"
answer >"$WORK/disk-answer.txt"
root_line=$(grep -m1 '^- / (' "$WORK/disk-answer.txt")
check "/chat names the host's / with df's size: '$root_line'" \
  grep -qF -- "- / ($df_type): " <<<"$root_line"
check "  ... of $(human_bytes "$df_total")" grep -qF -- "free of $(human_bytes "$df_total")," <<<"$root_line"
check "the /chat answer has no container paths" bash -c '! grep -q "/host/" "$0"' "$WORK/disk-answer.txt"
req POST /v1/tools/memory.usage -H "X-API-Key: $KEY" -d '{}'
host_mem=$(( $(awk '/^MemTotal:/ {print $2}' /proc/meminfo) * 1024 ))
check "memory is the host's: $(human_bytes "$host_mem")" json_eq .result.total_bytes "$host_mem"
req POST /v1/tools/cpu.usage -H "X-API-Key: $KEY" -d '{}'
check "CPU is the host's: $(nproc) cores" json_eq .result.cores "$(nproc)"
host_uptime=$(cut -d. -f1 /proc/uptime)
check "  ... and the host's uptime" awk -v a="$(jq .result.uptime_seconds "$BODY_FILE")" -v b="$host_uptime" 'BEGIN { d = a - b; exit !(d < 10 && d > -10) }'
req POST /v1/tools/docker.containers -H "X-API-Key: $KEY" -d '{}'
cp "$BODY_FILE" "$WORK/containers.json"
mine=$(jq -r '.result.containers[].name' "$WORK/containers.json" | sort | tr '\n' ' ')
engine=$(dk ps -a --format '{{.Names}}' | sort | tr '\n' ' ')
check "the container list is the engine's ($engine)" [ "$mine" = "$engine" ]
check "  ... with the exited neighbour's exit code 3" \
  jq -e '.result.containers[] | select(.name == "ha-neighbour-exited") | .exit_code == 3' "$WORK/containers.json"
chat "Is everything running correctly?"
check "the health question is answered (200)" status_is 200
sleep 0.5
# socat -v: "> date length=..." starts what the container sent, "< ..." what the engine answered.
requests=$(awk '/^> [0-9][0-9][0-9][0-9]\/[0-9][0-9]\/[0-9][0-9] / { sent = 1; next }
                /^< [0-9][0-9][0-9][0-9]\/[0-9][0-9]\/[0-9][0-9] / { sent = 0; next }
                sent && match($0, /^[A-Z]+ [^ ]+ HTTP\/1\.[01]/) { print substr($0, RSTART, RLENGTH) }' \
             "$WORK/socket-traffic.log" | sed 's/?.*//; s/ HTTP.*//' | sort | uniq -c | sort -rn)
echo "$requests" | head -8 | sed 's/^/   socket: /'
check "the docker plugin sent requests through the read-only socket" [ -n "$requests" ]
check "  ... and every one was a GET" bash -c '! grep -qvE "^ *[0-9]+ GET " <<<"$0"' "$requests"

phase "locked down"
check "docker inspect: user $UID_EXPECTED, read-only root, all capabilities dropped, no-new-privileges" \
  [ "$(dk inspect -f '{{.Config.User}} {{.HostConfig.ReadonlyRootfs}} {{json .HostConfig.CapDrop}} {{json .HostConfig.SecurityOpt}}' "$APP")" \
    = "$UID_EXPECTED:$UID_EXPECTED true [\"ALL\"] [\"no-new-privileges\"]" ]
INIT_PID=$(dk inspect -f '{{.State.Pid}}' "$APP")
SERVER_PID=$(ps --ppid "$INIT_PID" -o pid=,comm= | awk '$2 ~ /^homelab-assist/ {print $1; exit}')
check "the server runs under the container's init (PID $SERVER_PID)" [ -n "$SERVER_PID" ]
status=$(cat "/proc/$SERVER_PID/status" 2>/dev/null)
check "/proc/$SERVER_PID/status: uid $UID_EXPECTED, no capabilities (CapEff, CapPrm, CapBnd 0), NoNewPrivs" bash -c '
  awk "/^Uid:/ {print \$2, \$3, \$4, \$5}" <<<"$0" | grep -qx "$1 $1 $1 $1" &&
  grep -qP "^CapEff:\t0+$" <<<"$0" && grep -qP "^CapPrm:\t0+$" <<<"$0" && grep -qP "^CapBnd:\t0+$" <<<"$0" &&
  grep -qP "^NoNewPrivs:\t1$" <<<"$0"' "$status" "$UID_EXPECTED"
mounts=$(cat "/proc/$SERVER_PID/mountinfo")
check "its / is read-only, /data writable, the host read-only" bash -c '
  awk "\$5 == \"/\" {print \$6}" <<<"$0" | grep -q "^ro" && awk "\$5 == \"/data\" {print \$6}" <<<"$0" | grep -q "^rw" &&
  awk "\$5 == \"/host/root\" || \$5 == \"/host/proc\" || \$5 == \"/var/run/docker.sock\" {print \$6}" <<<"$0" | grep -vq "^rw"' "$mounts"
check "writing outside /data fails" bash -c '! "$0" exec "$1" sh -c "touch /etc/x || touch /usr/x || touch /tmp/x" 2>/dev/null' "$DOCKER" "$APP"
check "the audit log is in the volume, with the questions" grep -q "How much disk space is left" "$DATA/audit.jsonl"
check "  ... owned by uid $UID_EXPECTED" [ "$(stat -c %u "$DATA/audit.jsonl")" = "$UID_EXPECTED" ]
check "the API key is not in the audit log" bash -c '! grep -qF "$0" "$1"' "$KEY" "$DATA/audit.jsonl"
req POST /chat -H "X-API-Key: wrong-key-0123456789abcdef" -d '{"message":"hi"}'
check "a wrong key is refused" status_is 401

phase "a second start (a new container on the same volume) keeps key and certificate"
cert_before=$(sha256sum <"$DATA/tls/cert.pem")
lines_before=$(wc -l <"$DATA/audit.jsonl")
dk rm -f "$APP" >/dev/null
check "the new container starts healthy" start_app
dk logs "$APP" >"$WORK/second.log" 2>&1
check "the key file is unchanged" [ "$(cat "$DATA/api_key")" = "$KEY" ]
check "it is not shown again" bash -c '! grep -qF "$0" "$1" && grep -q "using the API key kept in /data/api_key" "$1"' "$KEY" "$WORK/second.log"
check "the certificate is kept" [ "$(sha256sum <"$DATA/tls/cert.pem")" = "$cert_before" ]
req POST /v1/tools/disk.usage -H "X-API-Key: $KEY" -d '{"path":"/"}'
check "the old key still works" status_is 200
check "the audit log goes on in the volume" [ "$(wc -l <"$DATA/audit.jsonl")" -gt "$lines_before" ]

phase "done"
echo "   container test took $(( $(date +%s) - T0 )) s"
finish
