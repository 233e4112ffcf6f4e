# The inputs of the container test, built once and cached under /var/tmp/homelab-assistant-tests/
# (the folder the package and systemd tests cache their Debian 12 in). Source it; then:
#   base_tarball          a debian:bookworm-slim equivalent as a tar: debootstrap --variant=minbase
#                         bookworm, slimmed the way the official image is (debuerreotype: no docs,
#                         man pages or locales, dpkg told to keep it that way, apt caches off);
#                         sets BASE_TAR
#   runtime_debs DEB DIR  the Debian packages DEB depends on that the base lacks, downloaded with
#                         the ordinary apt client (resolved against the base's dpkg status),
#                         copied to DIR; cached per dependency set
# (The project's own .debs: tests/packaging/cached-debs.sh.) Each returns 1 with the reason in
# INPUT_ERROR when this machine cannot make it (no root, no mirror). Needs $WORK (lib.sh).

INPUT_CACHE=${HA_DEB_TEST_CACHE:-/var/tmp/homelab-assistant-tests}
# -v2: the first tarball's dpkg configuration named this machine's doc folders instead of the patterns
BASE_TAR=$INPUT_CACHE/bookworm-minbase-slim-v2.tar
INPUT_ERROR=

# What debian:bookworm-slim leaves out (debuerreotype's slimify lists), and what it keeps of it.
# (Arrays, always quoted: unquoted, the shell would expand the patterns against this machine.)
SLIM_EXCLUDES=('/usr/share/doc/*' '/usr/share/groff/*' '/usr/share/info/*' '/usr/share/linda/*'
               '/usr/share/lintian/overrides/*' '/usr/share/locale/*' '/usr/share/man/*')
SLIM_INCLUDES=('/usr/share/doc/*/copyright' '/usr/share/locale/locale.alias')

base_tarball() {
  [ "$(id -u)" = 0 ] || { INPUT_ERROR="needs root (debootstrap)"; return 1; }
  command -v debootstrap >/dev/null || { INPUT_ERROR="debootstrap is missing"; return 1; }
  [ -s "$BASE_TAR" ] && return 0
  rm -f "$INPUT_CACHE/bookworm-minbase-slim.tar"  # the broken first version
  mkdir -p "$INPUT_CACHE/debootstrap-debs"
  local root=$WORK/minbase
  # --cache-dir keeps the downloaded packages, so rebuilding the tarball needs no mirror.
  if ! debootstrap --variant=minbase --cache-dir="$INPUT_CACHE/debootstrap-debs" bookworm "$root" \
      http://deb.debian.org/debian >"$WORK/debootstrap-minbase.log" 2>&1; then
    tail -5 "$WORK/debootstrap-minbase.log"
    INPUT_ERROR="debootstrap --variant=minbase bookworm failed (no Debian mirror?)"
    return 1
  fi
  slim_rootfs "$root"
  tar --numeric-owner -C "$root" -cf "$BASE_TAR.tmp" . && mv "$BASE_TAR.tmp" "$BASE_TAR"
  rm -rf "$root"
}

slim_rootfs() {  # slim_rootfs ROOT: what debuerreotype-slimify and -minimizing-config do to the image
  local root=$1 pattern include dir find_includes=()
  {
    echo '# The "slim" variant (as debian:bookworm-slim): docs, man pages and locales stay out.'
    for pattern in "${SLIM_EXCLUDES[@]}"; do echo "path-exclude $pattern"; done
    for pattern in "${SLIM_INCLUDES[@]}"; do echo "path-include $pattern"; done
  } >"$root/etc/dpkg/dpkg.cfg.d/docker"
  for include in "${SLIM_INCLUDES[@]}"; do
    [ ${#find_includes[@]} -eq 0 ] || find_includes+=(-o)
    find_includes+=(-path "$root$include")
  done
  for pattern in "${SLIM_EXCLUDES[@]}"; do
    dir=$root${pattern%/\*}
    [ -d "$dir" ] || continue
    find "$dir" -depth -mindepth 1 -not \( "${find_includes[@]}" \) -not -type d -not -type l -delete
    # empty directories and dangling links, until none are left (bounded: the tree is finite)
    for _ in 1 2 3 4 5 6 7 8; do
      [ -n "$(find "$dir" -depth -mindepth 1 \( -empty -o -xtype l \) -print -quit)" ] || break
      find "$dir" -depth -mindepth 1 \( -empty -o -xtype l \) -exec rm -rf {} +
    done
  done
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" && chmod 755 "$root/usr/sbin/policy-rc.d"
  printf 'force-unsafe-io\n' >"$root/etc/dpkg/dpkg.cfg.d/docker-apt-speedup"
  cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  printf 'Acquire::GzipIndexes "true";\n' >"$root/etc/apt/apt.conf.d/docker-gzip-indexes"
  printf 'Acquire::Languages "none";\n' >"$root/etc/apt/apt.conf.d/docker-no-languages"
  rm -rf "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/* "$root"/var/log/apt/*.log "$root"/proc/* "$root"/sys/*
}

runtime_debs() {  # runtime_debs DEB OUTDIR
  local deb=$1 out=$2 status=$WORK/base-dpkg-status key dir
  tar -xOf "$BASE_TAR" ./var/lib/dpkg/status >"$status" || { INPUT_ERROR="no dpkg status in $BASE_TAR"; return 1; }
  key=$( { dpkg-deb -f "$deb" Depends Pre-Depends; sha256sum <"$status"; } | sha256sum | cut -c1-16)
  dir=$INPUT_CACHE/container-runtime-debs/$key
  local apt_opts=(-o "Dir::State::status=$status" -o "Dir::Cache::archives=$dir" -o Debug::NoLocking=1
                  -o APT::Install-Recommends=false -o APT::Sandbox::User=root -q -y)
  if [ ! -f "$dir/complete" ]; then
    rm -rf "$INPUT_CACHE/container-runtime-debs"  # one dependency set at a time
    mkdir -p "$dir/partial"
    if ! apt-get "${apt_opts[@]}" --download-only install "$deb" >"$WORK/runtime-debs.log" 2>&1; then
      apt-get update -qq >>"$WORK/runtime-debs.log" 2>&1 || true
      apt-get "${apt_opts[@]}" --download-only install "$deb" >>"$WORK/runtime-debs.log" 2>&1 || {
        tail -5 "$WORK/runtime-debs.log"
        INPUT_ERROR="the runtime dependencies of $(basename "$deb") could not be downloaded (no Debian mirror?)"
        return 1
      }
    fi
    touch "$dir/complete"
  fi
  mkdir -p "$out"
  cp "$dir"/*.deb "$out/"
}
