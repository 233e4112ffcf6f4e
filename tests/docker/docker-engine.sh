#!/usr/bin/env bash
# Vendored from the team's shared/docker-engine.sh; tests prefer ../shared/docker-engine.sh when it exists.
# docker_engine_setup.sh - start a private, real Docker-API engine on a unix
# socket for tests (Debian 12, root, no container registry access), create a
# set of sample containers, and tear everything down again by PID.
#
# Usage:
#   docker_engine_setup.sh up     [DIR]   install (if needed) + start engine + sample containers.
#                                         The LAST line on stdout is the socket path.
#   docker_engine_setup.sh down   [DIR]   remove containers, stop only the processes started
#                                         for DIR (by PID), unmount, delete DIR (KEEP_DATA=1 keeps it)
#   docker_engine_setup.sh status [DIR]   print engine state and containers
#   docker_engine_setup.sh exit-container [DIR] NAME CODE
#                                         run a fresh container that exits with CODE (fresh "die" event)
#
# DIR defaults to /tmp/docker-engine; it must be absolute and short (unix socket
# paths under it must stay < 108 bytes).  After `up`, DIR/env holds
#   export DOCKER_HOST=unix://DIR/docker.sock  ENGINE=docker|podman  ENGINE_PID=...
#
# Environment knobs:
#   ENGINE=auto|docker|podman   auto (default): Debian's docker.io (dockerd 20.10); if dockerd
#                               cannot start, fall back to Debian's podman 4.3 API service.
#   STORAGE_DRIVER=overlay|vfs  default overlay (overlay2 for dockerd); falls back to vfs.
#   HEALTH_INTERVAL=30s         docker healthcheck interval of t-healthy/t-unhealthy (each probe
#                               adds 3 exec_* events; dockerd keeps only the last 256 events).
#   SAMPLES=0                   start the engine only, no sample containers.
#   PREFIX=t-                   name prefix of the sample containers.
#   SKIP_INSTALL=1              never call apt-get.
#   KEEP_DATA=1                 `down` leaves DIR on disk.
#
# Sample containers (label engine-setup.sample=1, image localhost/engine-sample:latest, a busybox
# rootfs imported from Debian's busybox-static - no registry needed), all with --network none:
#   t-running    running  (sleep, exits 0 on SIGTERM)
#   t-exit0      exited, ExitCode 0
#   t-exit1      exited, ExitCode 1 ("crash", writes "crashing" to stderr)
#   t-killed     exited, ExitCode 137 after `kill` (SIGKILL)
#   t-oom        exited, ExitCode 137, OOMKilled=true (16 MiB memory limit)
#   t-restart    exited, ExitCode 3, RestartPolicy on-failure:3, RestartCount 3
#   t-created    created, never started
#   t-paused     paused
#   t-healthy    running, Health.Status healthy
#   t-unhealthy  running, Health.Status unhealthy
#   t-starting   running, Health.Status starting (interval 1h, never probed)
set -euo pipefail

CMD=${1:-}
[ $# -gt 0 ] && shift
DIR=${1:-/tmp/docker-engine}
[ $# -gt 0 ] && shift
ENGINE_REQ=${ENGINE:-auto}
STORAGE_DRIVER=${STORAGE_DRIVER:-overlay}
HEALTH_INTERVAL=${HEALTH_INTERVAL:-30s}
PREFIX=${PREFIX:-t-}
IMAGE=localhost/engine-sample:latest
LABEL=engine-setup.sample=1

log() { printf '[engine-setup %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'; }

case "$DIR" in /*) ;; *) die "DIR must be an absolute path: $DIR" ;; esac
DIR=${DIR%/}
case "$DIR" in ""|/tmp|/var|/var/tmp|/root|/home|/run) die "refusing DIR=$DIR (use a dedicated directory such as /tmp/docker-engine)" ;; esac
SOCK=$DIR/docker.sock
[ "$(id -u)" = 0 ] || die "must run as root"

# ---------------------------------------------------------------- helpers ---
engine_of_dir() { cat "$DIR/engine" 2>/dev/null || true; }

pid_alive_for_dir() {   # $1 pid: alive and its command line mentions $DIR/
  local pid=$1
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$DIR/"
}

engine_pid() {
  local p
  p=$(cat "$DIR/engine.pid" 2>/dev/null || true)
  pid_alive_for_dir "$p" && echo "$p"
}

cli() {   # container CLI bound to our private engine
  case "$(engine_of_dir)" in
    docker) DOCKER_HOST=unix://$SOCK DOCKER_CONFIG=$DIR/cli-config docker "$@" ;;
    podman) podman_env podman "$@" ;;
    *) die "no engine recorded in $DIR" ;;
  esac
}

cli_rm() {   # force-remove containers without waiting for stop timeouts
  if [ "$(engine_of_dir)" = podman ]; then cli rm -f -t 0 "$@"; else cli rm -f "$@"; fi
}

podman_env() {
  env CONTAINERS_CONF="$DIR/etc/containers.conf" \
      CONTAINERS_STORAGE_CONF="$DIR/etc/storage.conf" \
      CONTAINERS_REGISTRIES_CONF="$DIR/etc/registries.conf" "$@"
}

pid_gone() { ! kill -0 "$1" 2>/dev/null; }

BG_PID=""
ready_or_dead() {   # stop waiting once the socket answers or the started process has exited
  ping_ok && return 0
  [ -n "$BG_PID" ] && ! kill -0 "$BG_PID" 2>/dev/null && return 0
  [ -n "$BG_PID" ] && [ "$(awk '{print $3}' "/proc/$BG_PID/stat" 2>/dev/null)" = Z ] && return 0
  return 1
}

ping_ok() { curl -sf --max-time 2 --unix-socket "$SOCK" http://d/_ping >/dev/null 2>&1; }

wait_until() {  # $1 timeout seconds, rest: command
  local t=$1; shift
  local end=$(( $(date +%s) + t ))
  until "$@"; do
    [ "$(date +%s)" -lt "$end" ] || return 1
    sleep 0.2
  done
}

apt_install() {  # install missing packages, ordinary apt client
  [ $# -gt 0 ] || return 0
  [ "${SKIP_INSTALL:-0}" = 1 ] && die "missing packages ($*) and SKIP_INSTALL=1"
  log "apt-get install $*"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y --no-install-recommends "$@" >"$DIR/apt.log" 2>&1; then
    apt-get update >>"$DIR/apt.log" 2>&1 || true
    apt-get install -y --no-install-recommends "$@" >>"$DIR/apt.log" 2>&1 \
      || { tail -20 "$DIR/apt.log" >&2; die "apt-get install $* failed"; }
  fi
}

static_busybox() {   # path of a statically linked busybox
  if [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1; then echo /bin/busybox; return; fi
  local d=$DIR/pkg
  if [ ! -x "$d/root/bin/busybox" ]; then
    [ "${SKIP_INSTALL:-0}" = 1 ] && die "no static /bin/busybox and SKIP_INSTALL=1"
    mkdir -p "$d" && chmod 755 "$d"
    ( cd "$d" && apt-get download busybox-static >>"$DIR/apt.log" 2>&1 ) \
      || { apt-get update >>"$DIR/apt.log" 2>&1; ( cd "$d" && apt-get download busybox-static >>"$DIR/apt.log" 2>&1 ); } \
      || die "apt-get download busybox-static failed"
    dpkg-deb -x "$d"/busybox-static_*.deb "$d/root"
  fi
  echo "$d/root/bin/busybox"
}

build_rootfs_tar() {
  local bb r=$DIR/image/rootfs a
  bb=$(static_busybox)
  rm -rf "$DIR/image"; mkdir -p "$r"/{bin,etc,tmp,proc,sys,dev,root}
  chmod 1777 "$r/tmp"
  cp "$bb" "$r/bin/busybox"
  for a in $("$r/bin/busybox" --list); do
    [ "$a" = busybox ] || ln -sf busybox "$r/bin/$a"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' >"$r/etc/passwd"
  echo 'root:x:0:'                     >"$r/etc/group"
  tar --numeric-owner --owner=0 --group=0 -C "$r" -cf "$DIR/image/rootfs.tar" .
}

# ------------------------------------------------------------ docker engine ---
start_dockerd() {   # $1 storage driver (overlay2|vfs)
  command -v dockerd >/dev/null && command -v containerd >/dev/null && command -v runc >/dev/null \
    || apt_install docker.io
  command -v docker >/dev/null || apt_install docker.io   # CLI (/usr/bin/docker)
  [ -f /etc/docker/key.json ] || touch "$DIR/.created-etc-docker-key"   # dockerd 20.10 writes it
  [ -d /run/docker ] || touch "$DIR/.created-run-docker"                # dockerd creates /run/docker/plugins
  [ -d /run/containerd ] || touch "$DIR/.created-run-containerd"        # containerd shim sockets: /run/containerd/s
  [ -d /sys/fs/cgroup/memory/docker ] || [ -d /sys/fs/cgroup/docker ] || touch "$DIR/.created-cgroup-docker"
  echo '{}' >"$DIR/daemon.json"            # do not read /etc/docker/daemon.json
  mkdir -p "$DIR/cli-config"
  echo docker >"$DIR/engine"
  rm -f "$DIR/engine.pid" "$DIR/dockerd.pid" "$SOCK"
  log "starting dockerd (storage driver $1)"
  ( cd "$DIR" && exec setsid dockerd \
      --config-file "$DIR/daemon.json" \
      --data-root "$DIR/data" --exec-root "$DIR/exec" --pidfile "$DIR/dockerd.pid" \
      -H "unix://$SOCK" --group root \
      --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false --bridge=none \
      --userland-proxy=false --storage-driver="$1" \
      </dev/null >>"$DIR/dockerd.log" 2>&1 ) &
  local bg=$!
  BG_PID=$bg
  wait_until 60 ready_or_dead || true
  if ping_ok; then
    local p; p=$(cat "$DIR/dockerd.pid" 2>/dev/null || echo "$bg")
    echo "$p" >"$DIR/engine.pid"
    return 0
  fi
  log "dockerd did not come up; last log lines:"; tail -15 "$DIR/dockerd.log" >&2 || true
  local p; p=$(cat "$DIR/dockerd.pid" 2>/dev/null || echo "$bg")
  if pid_alive_for_dir "$p"; then
    kill -TERM "$p" 2>/dev/null || true
    wait_until 20 pid_gone "$p" || kill -KILL "$p" 2>/dev/null || true
  fi
  stop_leftovers
  return 1
}

# ------------------------------------------------------------ podman engine ---
write_podman_config() {   # $1 storage driver (overlay|vfs)
  mkdir -p "$DIR"/{root,run,tmp,etc,cni,cni-plugins-none,bin}
  local hn hu
  hn=$(ulimit -Hn); [ "$hn" = unlimited ] && hn=1048576; [ "$hn" -gt 1048576 ] && hn=1048576
  hu=$(ulimit -Hu); [ "$hu" = unlimited ] && hu=4096;    [ "$hu" -gt 4096 ] && hu=4096
  cat >"$DIR/etc/storage.conf" <<EOF
[storage]
driver = "$1"
graphroot = "$DIR/root"
runroot = "$DIR/run"
EOF
  : >"$DIR/etc/registries.conf"
  # conmon 2.1.6 writes its OOM marker into its CWD, podman 4.3 reads <bundle>/oom:
  # run conmon from inside the bundle directory so OOMKilled is reported.
  cat >"$DIR/bin/conmon" <<'EOF'
#!/bin/sh
prev=""
for a in "$@"; do
  case "$prev" in -b|--bundle) cd "$a" 2>/dev/null; break;; esac
  prev="$a"
done
exec /usr/bin/conmon "$@"
EOF
  chmod 755 "$DIR/bin/conmon"
  cat >"$DIR/etc/containers.conf" <<EOF
[containers]
netns = "none"
# root here lacks CAP_SYS_RESOURCE: podman's default 1048576 nofile/4194304 nproc fail in the runtime
default_ulimits = ["nofile=$hn:$hn", "nproc=$hu:$hu"]
log_driver = "k8s-file"

[network]
# no CNI plugins: a container asking for bridge networking fails instead of
# creating cni-podman0 / iptables rules on the host
cni_plugin_dirs = ["$DIR/cni-plugins-none"]
network_config_dir = "$DIR/cni"

[engine]
conmon_path = ["$DIR/bin/conmon"]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$DIR/tmp/events.log"
tmp_dir = "$DIR/tmp"
static_dir = "$DIR/root/libpod"
volume_path = "$DIR/root/volumes"
EOF
}

start_podman() {   # $1 storage driver (overlay|vfs)
  local need=()
  command -v podman >/dev/null || need+=(podman)
  command -v runc   >/dev/null || need+=(runc)       # crun 1.8 rejects this hybrid cgroup setup
  apt_install "${need[@]}"
  write_podman_config "$1"
  [ -d /run/runc ] || touch "$DIR/.created-run-runc"   # runc's default state root
  [ -d /var/lib/containers ] || touch "$DIR/.created-var-lib-containers"   # podman import: blob-info cache
  [ -d /sys/fs/cgroup/memory/libpod_parent ] || [ -d /sys/fs/cgroup/libpod_parent ] || touch "$DIR/.created-cgroup-libpod"
  echo podman >"$DIR/engine"
  rm -f "$DIR/engine.pid" "$SOCK"
  log "starting podman system service (storage driver $1)"
  ( cd "$DIR" && exec setsid env CONTAINERS_CONF="$DIR/etc/containers.conf" \
      CONTAINERS_STORAGE_CONF="$DIR/etc/storage.conf" \
      CONTAINERS_REGISTRIES_CONF="$DIR/etc/registries.conf" \
      podman system service --time=0 "unix://$SOCK" </dev/null >>"$DIR/podman.log" 2>&1 ) &
  local bg=$! q
  # setsid and env exec in place, so $! is normally the podman PID; verify
  if [ "$(readlink "/proc/$bg/exe" 2>/dev/null)" != "$(command -v podman)" ]; then
    sleep 0.5
    for q in /proc/[0-9]*; do
      [ "$(readlink "$q/exe" 2>/dev/null)" = "$(command -v podman)" ] || continue
      tr '\0' ' ' <"$q/cmdline" 2>/dev/null | grep -qF -- "system service unix://$SOCK" && bg=${q#/proc/} && break
    done
  fi
  echo "$bg" >"$DIR/engine.pid"
  BG_PID=$bg
  wait_until 60 ready_or_dead || true
  if ping_ok; then return 0; fi
  log "podman service did not come up; last log lines:"; tail -15 "$DIR/podman.log" >&2 || true
  pid_alive_for_dir "$bg" && kill -TERM "$bg" 2>/dev/null || true
  return 1
}

# ------------------------------------------------------------- teardown -----
container_ids_on_disk() {
  local d f
  for d in "$DIR/data/containers" "$DIR/root/overlay-containers" "$DIR/root/vfs-containers"; do
    for f in "$d"/*; do
      f=${f##*/}
      if [[ $f =~ ^[0-9a-f]{64}$ ]]; then echo "$f"; fi
    done
  done | sort -u
}

stop_leftovers() {
  # 1) processes still inside cgroups of our containers (engine died / was killed)
  local ids pids=() p c exe id
  ids=$(container_ids_on_disk)
  if [ -n "$ids" ]; then
    for p in /proc/[0-9]*; do
      c=$(cat "$p/cgroup" 2>/dev/null) || continue
      for id in $ids; do
        case "$c" in *"$id"*) pids+=("${p#/proc/}"); break ;; esac
      done
    done
  fi
  # 2) engine helper processes whose command line points into DIR
  for p in /proc/[0-9]*; do
    exe=$(readlink "$p/exe" 2>/dev/null) || continue
    case "${exe##*/}" in
      dockerd|containerd|containerd-shim*|runc|conmon|podman|docker-init|catatonit) ;;
      *) continue ;;
    esac
    tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -qF -- "$DIR/" && pids+=("${p#/proc/}")
  done
  if [ ${#pids[@]} -gt 0 ]; then
    log "stopping leftover PIDs: ${pids[*]}"
    kill -TERM "${pids[@]}" 2>/dev/null || true
    sleep 1
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null || true; done
    thaw_pids "${pids[@]}"      # a paused (frozen) container only dies once thawed
    sleep 0.3
  fi
  # 3) empty cgroups of our containers (left behind when the engine itself died)
  local cg
  for id in $ids; do
    for cg in /sys/fs/cgroup/*/docker/"$id" /sys/fs/cgroup/docker/"$id" \
              /sys/fs/cgroup/*/libpod_parent/libpod-"$id" /sys/fs/cgroup/libpod_parent/libpod-"$id"; do
      [ -d "$cg" ] && { rmdir "$cg" 2>/dev/null || true; }
    done
  done
  return 0
}

thaw_pids() {
  local p line path
  for p in "$@"; do
    [ -r "/proc/$p/cgroup" ] || continue
    while IFS= read -r line; do
      path=${line#*:*:}
      case "$line" in
        *:freezer:*) [ -w "/sys/fs/cgroup/freezer$path/freezer.state" ] && echo THAWED >"/sys/fs/cgroup/freezer$path/freezer.state" 2>/dev/null ;;
        0::*) for f in "/sys/fs/cgroup$path/cgroup.freeze" "/sys/fs/cgroup/unified$path/cgroup.freeze"; do
                [ -w "$f" ] && echo 0 >"$f" 2>/dev/null
              done ;;
      esac
    done <"/proc/$p/cgroup" || true
  done
  return 0
}

unmount_dir() {
  local m
  # deepest first
  awk -v d="$DIR/" 'index($2, d) == 1 {print $2}' /proc/mounts | sort -r | while read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
}

do_down() {
  [ -d "$DIR" ] || { log "nothing at $DIR"; return 0; }
  [ -f "$DIR/.engine-setup-dir" ] || die "$DIR was not created by this script; not touching it"
  local e p ids
  e=$(engine_of_dir)
  p=$(engine_pid || true)
  if [ "$e" = podman ] || { [ "$e" = docker ] && [ -n "$p" ] && ping_ok; }; then
    ids=$(cli ps -aq 2>/dev/null || true)
    if [ -n "$ids" ]; then
      log "removing $(echo "$ids" | wc -l) containers"
      # shellcheck disable=SC2086
      cli_rm $ids >/dev/null 2>&1 || true
    fi
  fi
  if [ -n "$p" ]; then
    log "stopping $e engine PID $p"
    kill -TERM "$p" 2>/dev/null || true
    wait_until 30 pid_gone "$p" || { log "PID $p ignored SIGTERM, sending SIGKILL"; kill -KILL "$p" 2>/dev/null || true; }
  fi
  stop_leftovers
  unmount_dir
  # files/dirs dockerd 20.10 and runc create outside DIR: remove them only if this
  # script created them and no other dockerd is running
  local other=0 q
  for q in /proc/[0-9]*; do
    [ "$(readlink "$q/exe" 2>/dev/null)" = /usr/bin/dockerd ] && other=1
  done
  if [ $other = 0 ]; then
    [ -f "$DIR/.created-etc-docker-key" ] && rm -f /etc/docker/key.json
    [ -f "$DIR/.created-run-docker" ] && { rmdir /run/docker/plugins /run/docker 2>/dev/null || true; }
    [ -f "$DIR/.created-run-containerd" ] && { rmdir /run/containerd/s /run/containerd 2>/dev/null || true; }
    [ -f "$DIR/.created-cgroup-docker" ] && { rmdir /sys/fs/cgroup/*/docker /sys/fs/cgroup/docker 2>/dev/null || true; }
  fi
  [ -f "$DIR/.created-run-runc" ] && { rmdir /run/runc 2>/dev/null || true; }
  if [ -f "$DIR/.created-var-lib-containers" ]; then
    rm -f /var/lib/containers/cache/blob-info-cache-v1.boltdb
    rmdir /var/lib/containers/cache /var/lib/containers 2>/dev/null || true
  fi
  if [ -f "$DIR/.created-cgroup-libpod" ]; then
    local oth=0
    for q in /proc/[0-9]*; do [ "$(readlink "$q/exe" 2>/dev/null)" = /usr/bin/conmon ] && oth=1; done
    [ $oth = 1 ] || rmdir /sys/fs/cgroup/*/libpod_parent/conmon /sys/fs/cgroup/*/libpod_parent \
                          /sys/fs/cgroup/libpod_parent/conmon /sys/fs/cgroup/libpod_parent 2>/dev/null || true
  fi
  if [ "${KEEP_DATA:-0}" = 1 ]; then
    rm -f "$DIR/engine.pid" "$SOCK"
  else
    rm -rf "$DIR"
  fi
  log "down done"
}

# ----------------------------------------------------------- sample set -----
make_samples() {
  local P=$PREFIX hi=$HEALTH_INTERVAL ts
  ts=$(now)
  log "importing image $IMAGE"
  build_rootfs_tar
  q cli import --change 'CMD ["/bin/sh"]' "$DIR/image/rootfs.tar" "$IMAGE"

  # remove old samples (re-run of `up` on a live engine)
  local old; old=$(cli ps -aq --filter "label=$LABEL" 2>/dev/null || true)
  # shellcheck disable=SC2086
  [ -z "$old" ] || cli_rm $old >/dev/null 2>&1 || true

  local R=(run -d --network none --label "$LABEL")
  local loop='trap "exit 0" TERM INT; sleep 86400 & wait $!'
  # health containers first: their first probe comes one interval after start
  q cli "${R[@]}" --name "${P}healthy"   --health-cmd true  --health-interval "$hi" --health-retries 1 --health-timeout 10s "$IMAGE" sh -c "$loop"
  q cli "${R[@]}" --name "${P}unhealthy" --health-cmd false --health-interval "$hi" --health-retries 1 --health-timeout 10s "$IMAGE" sh -c "$loop"
  q cli "${R[@]}" --name "${P}starting"  --health-cmd true  --health-interval 1h    --health-retries 1 "$IMAGE" sh -c "$loop"
  q cli "${R[@]}" --name "${P}running" "$IMAGE" sh -c "$loop"
  q cli "${R[@]}" --name "${P}exit0"   "$IMAGE" true
  q cli "${R[@]}" --name "${P}exit1"   "$IMAGE" sh -c 'echo crashing >&2; exit 1'
  q cli "${R[@]}" --name "${P}killed"  "$IMAGE" sleep 86400
  # bounded allocation (max ~512 MiB) so a host without memory cgroups is not exhausted
  q cli "${R[@]}" --name "${P}oom" --memory 16m --memory-swap 16m "$IMAGE" \
      sh -c 'x=0123456789abcdef; i=0; while [ $i -lt 25 ]; do x=$x$x; i=$((i+1)); done; exit 99'
  q cli "${R[@]}" --name "${P}restart" --restart on-failure:3 "$IMAGE" sh -c 'sleep 0.2; exit 3'
  q cli "${R[@]}" --name "${P}paused"  "$IMAGE" sh -c "$loop"
  q cli create --network none --label "$LABEL" --name "${P}created" "$IMAGE" true

  log "11 sample containers created after $(since "$ts")s; waiting for their final states"
  sleep 0.5
  q cli kill "${P}killed"
  q cli pause "${P}paused"
  if [ "$(engine_of_dir)" = podman ]; then
    # podman schedules healthchecks with systemd timers; without systemd run them once by hand
    cli healthcheck run "${P}healthy"   >>"$DIR/samples.log" 2>&1 || true
    cli healthcheck run "${P}unhealthy" >>"$DIR/samples.log" 2>&1 || true
  fi

  wait_until 30 exits_done || log "WARNING: some exit samples did not reach 'exited' in time"
  wait_until 30 restart_done || log "WARNING: ${P}restart: $(fmt '{{.RestartCount}} {{.State.Status}}' "${P}restart")"
  local secs
  secs=$(awk -v s="$hi" 'BEGIN{n=s+0; if (s ~ /ms$/) n/=1000; else if (s ~ /m$/) n*=60; else if (s ~ /h$/) n*=3600; print int(n)+30}')
  wait_until "$secs" health_done \
    || log "WARNING: health samples: $(cli inspect --format '{{.Name}}={{.State.Health.Status}}' "${P}healthy" "${P}unhealthy" | tr '\n' ' ')"
  [ "$(fmt '{{.State.OOMKilled}}' "${P}oom")" = true ] \
    || log "WARNING: ${P}oom: OOMKilled=$(fmt '{{.State.OOMKilled}}' "${P}oom") ExitCode=$(fmt '{{.State.ExitCode}}' "${P}oom") (no memory cgroup?)"
}

fmt() { cli inspect --format "$1" "$2" 2>/dev/null; }
q() {   # run quietly (output to DIR/samples.log), show the log tail on failure
  "$@" >>"$DIR/samples.log" 2>&1 || { local rc=$?; log "FAILED ($rc): $*"; tail -5 "$DIR/samples.log" >&2; return $rc; }
}
exits_done() {
  [ "$(cli inspect --format '{{.State.Status}}' "${PREFIX}exit0" "${PREFIX}exit1" "${PREFIX}killed" "${PREFIX}oom" "${PREFIX}restart" 2>/dev/null | sort -u)" = exited ]
}
restart_done() { [ "$(fmt '{{.RestartCount}} {{.State.Status}}' "${PREFIX}restart")" = "3 exited" ]; }
health_done() {
  [ "$(cli inspect --format '{{.State.Health.Status}}' "${PREFIX}healthy" "${PREFIX}unhealthy" 2>/dev/null | tr '\n' ' ')" = "healthy unhealthy " ]
}

print_summary() {
  log "containers on $SOCK:"
  local n
  for n in $(cli ps -a --filter "label=$LABEL" --format '{{.Names}}' | sort); do
    cli inspect --format '  {{.Name}}: status={{.State.Status}} exit={{.State.ExitCode}} oom={{.State.OOMKilled}} restarts={{.RestartCount}} health={{if .State.Health}}{{.State.Health.Status}}{{end}}' "$n" >&2
  done
}

# -------------------------------------------------------------------- up ----
do_up() {
  [ ${#DIR} -le 64 ] || die "DIR too long (${#DIR} > 64 chars): unix socket paths under it would exceed 108 bytes"
  if [ -d "$DIR" ] && [ -n "$(ls -A "$DIR")" ] && [ ! -f "$DIR/.engine-setup-dir" ]; then
    die "$DIR exists, is not empty and was not created by this script"
  fi
  mkdir -p "$DIR"; chmod 711 "$DIR"; touch "$DIR/.engine-setup-dir"
  local t0 t1 e drv
  t0=$(now)
  command -v curl >/dev/null || apt_install curl ca-certificates

  if [ -n "$(engine_pid || true)" ] && ping_ok; then
    log "engine $(engine_of_dir) already running (PID $(engine_pid)), reusing it"
  else
    stop_leftovers; unmount_dir
    e=$ENGINE_REQ
    local ok=0
    if [ "$e" = auto ] || [ "$e" = docker ]; then
      drv=overlay2; [ "$STORAGE_DRIVER" = vfs ] && drv=vfs
      if start_dockerd "$drv"; then ok=1
      elif [ "$drv" != vfs ] && { rm -rf "$DIR/data" "$DIR/exec"; start_dockerd vfs; }; then ok=1
      fi
      [ $ok = 1 ] || [ "$e" = docker ] || log "dockerd failed, falling back to podman"
    fi
    if [ $ok = 0 ] && { [ "$e" = auto ] || [ "$e" = podman ]; }; then
      drv=overlay; [ "$STORAGE_DRIVER" = vfs ] && drv=vfs
      if start_podman "$drv"; then ok=1
      elif [ "$drv" != vfs ] && { rm -rf "$DIR/root" "$DIR/run" "$DIR/tmp"; start_podman vfs; }; then ok=1
      fi
    fi
    [ $ok = 1 ] || die "no engine could be started (see $DIR/*.log)"
  fi
  t1=$(now)
  log "engine $(engine_of_dir) PID $(engine_pid) ready on $SOCK after $(since "$t0")s"
  if [ "${SAMPLES:-1}" != 0 ]; then
    make_samples
    log "sample containers ready after $(since "$t1")s"
    print_summary
  fi
  cat >"$DIR/env" <<EOF
export DOCKER_HOST=unix://$SOCK
ENGINE=$(engine_of_dir)
ENGINE_PID=$(engine_pid || true)
ENGINE_DIR=$DIR
EOF
  log "total $(since "$t0")s; env in $DIR/env"
  echo "$SOCK"
}

do_status() {
  local p; p=$(engine_pid || true)
  echo "engine=$(engine_of_dir) pid=${p:-none} socket=$SOCK ping=$(ping_ok && echo ok || echo fail)"
  [ -n "$p" ] && cli ps -a --format '{{.Names}}\t{{.Status}}' || true
}

is_exited() { [ "$(fmt '{{.State.Status}}' "$1")" = exited ]; }

do_exit_container() {
  local name=${1:?NAME} code=${2:?CODE}
  cli rm -f "$name" >/dev/null 2>&1 || true
  cli run -d --network none --label "$LABEL" --name "$name" "$IMAGE" sh -c "exit $code" >/dev/null
  wait_until 20 is_exited "$name" || die "$name did not exit"
  cli inspect --format '{{.Id}}' "$name"
}

case "$CMD" in
  up) do_up ;;
  down) do_down ;;
  status) do_status ;;
  exit-container) do_exit_container "$@" ;;
  *) sed -n '2,40p' "$0" >&2; exit 2 ;;
esac
