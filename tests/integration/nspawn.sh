# A booted Debian 12 in systemd-nspawn for the tests: the cached debootstrap'ed base system,
# booted with systemd as PID 1, commands run inside it through nsenter, and a clean power-off.
# Source it after lib.sh (it uses $WORK and HA_PIDS); then:
#   nspawn_rootfs DIR   unpack the base system into DIR (debootstrap it into the cache first)
#   nspawn_boot DIR     boot DIR; sets NSPAWN (nspawn's PID), LEADER (the container's PID 1 as
#                       the host sees it) and NSPAWN_STATE (systemctl is-system-running)
#   C CMD...            run CMD inside the booted container
#   nspawn_stop         power the container off and wait for nspawn to exit (idempotent)
# nspawn_rootfs and nspawn_boot return 1 with the reason in NSPAWN_ERROR when this machine cannot
# do it (the caller decides whether that is a skip). Needs root, debootstrap and systemd-nspawn.

NSPAWN_CACHE=${HA_DEB_TEST_CACHE:-/var/tmp/homelab-assistant-tests}
NSPAWN_BASE=$NSPAWN_CACHE/bookworm-systemd-base.tar
NSPAWN=
LEADER=
NSPAWN_STATE=
NSPAWN_ERROR=

# nspawn_usable: whether this machine can run the container at all (sets NSPAWN_ERROR if not).
nspawn_usable() {
  if [ "$(id -u)" != 0 ]; then NSPAWN_ERROR="needs root (debootstrap, systemd-nspawn)"; return 1; fi
  if ! command -v debootstrap >/dev/null || ! command -v systemd-nspawn >/dev/null || ! command -v nsenter >/dev/null; then
    NSPAWN_ERROR="debootstrap, systemd-nspawn or nsenter missing"
    return 1
  fi
}

nspawn_rootfs() {
  local root=$1
  nspawn_usable || return 1
  mkdir -p "$NSPAWN_CACHE"
  if [ ! -s "$NSPAWN_BASE" ]; then
    debootstrap --variant=minbase --include=systemd-sysv,dbus,ca-certificates bookworm "$WORK/base" \
      http://deb.debian.org/debian >"$WORK/debootstrap.log" 2>&1 || {
      tail -5 "$WORK/debootstrap.log"
      NSPAWN_ERROR="debootstrap failed (no Debian mirror?)"
      return 1
    }
    tar -C "$WORK/base" -cf "$NSPAWN_BASE.tmp" . && mv "$NSPAWN_BASE.tmp" "$NSPAWN_BASE"
    rm -rf "$WORK/base"
  fi
  mkdir -p "$root" && tar -C "$root" -xf "$NSPAWN_BASE"
}

nspawn_boot() {
  local root=$1 i
  systemd-nspawn -q --register=no --keep-unit -D "$root" -b >"$WORK/nspawn.log" 2>&1 &
  NSPAWN=$!
  HA_PIDS="${HA_PIDS:-} $NSPAWN"
  LEADER=
  for i in $(seq 1 200); do  # the container's PID 1: nspawn's child once it is systemd
    LEADER=$(ps --ppid "$NSPAWN" -o pid=,comm= 2>/dev/null | awk '$2 == "systemd" {print $1; exit}')
    [ -n "$LEADER" ] && break
    kill -0 "$NSPAWN" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$LEADER" ]; then
    tail -5 "$WORK/nspawn.log"
    NSPAWN_ERROR="systemd-nspawn could not boot a container"
    NSPAWN=
    return 1
  fi
  NSPAWN_STATE=
  for i in $(seq 1 300); do
    NSPAWN_STATE=$(C systemctl is-system-running 2>/dev/null)
    case "$NSPAWN_STATE" in running|degraded) break ;; esac
    sleep 0.2
  done
  return 0
}

C() {
  nsenter --target "$LEADER" --mount --uts --ipc --net --pid -- \
    env PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@"
}

nspawn_stop() {
  [ -n "${NSPAWN:-}" ] || return 0
  local i
  C systemctl poweroff >/dev/null 2>&1
  for i in $(seq 1 100); do kill -0 "$NSPAWN" 2>/dev/null || break; sleep 0.2; done
  NSPAWN=
}
