#!/bin/bash
# Builds the Debian packages homelab-assistant_<ver>_<arch>.deb and homelab-assistant-dev_<ver>_<arch>.deb
# with debhelper from this checkout (packaging/debian is the debian/ directory).
# usage: packaging/build-deb.sh [OUTDIR (default build-deb)] [VERSION (default: debian/changelog)]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$(realpath -m "${1:-$ROOT/build-deb}")
VERSION=${2:-}

"$ROOT/packaging/install-deps.sh" package

# A clean copy of the source tree (no build directories, no VCS data) with debian/ added.
SRC=$OUT/src/homelab-assistant
rm -rf "$OUT/src"
mkdir -p "$SRC"
tar -C "$ROOT" --exclude='./build*' --exclude=./.git --exclude=./debian -cf - . | tar -C "$SRC" -xf -
cp -r "$ROOT/packaging/debian" "$SRC/debian"
if [ -n "$VERSION" ]; then
  { printf 'homelab-assistant (%s) unstable; urgency=medium\n\n  * Build %s.\n\n -- %s  %s\n\n' \
      "$VERSION" "$VERSION" "$(sed -n 's/^Maintainer: //p' "$SRC/debian/control")" "$(date -R)"
    cat "$ROOT/packaging/debian/changelog"; } >"$SRC/debian/changelog"
fi

(cd "$SRC" && dpkg-buildpackage -b -us -uc -j"$(nproc)" >"$OUT/build.log" 2>&1) || { tail -40 "$OUT/build.log"; exit 1; }
mv "$OUT"/src/*.deb "$OUT"/src/*.changes "$OUT"/src/*.buildinfo "$OUT/"
ls -1 "$OUT"/*.deb
