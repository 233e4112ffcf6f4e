#!/bin/bash
# Assembles the image's build context: the Dockerfile and the files it copies, and per
# architecture the project's .deb as debs/<arch>/ (Debian architecture names, which are Docker's
# TARGETARCH for amd64 and arm64), optionally with the dependencies for an offline build.
# usage: make-context.sh CONTEXT_DIR ARCH=DEB [ARCH=DEB ...] [--deps ARCH=DIR]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CONTEXT=${1:?usage: make-context.sh CONTEXT_DIR ARCH=DEB ... [--deps ARCH=DIR]}
shift
mkdir -p "$CONTEXT"
install -m 0644 "$HERE/Dockerfile" "$HERE/config.yaml" "$CONTEXT/"
install -m 0755 "$HERE/entrypoint.sh" "$HERE/healthcheck.sh" "$CONTEXT/"
while [ $# -gt 0 ]; do
  case "$1" in
    --deps)
      arch=${2%%=*} dir=${2#*=}
      mkdir -p "$CONTEXT/debs/$arch/deps"
      cp "$dir"/*.deb "$CONTEXT/debs/$arch/deps/"
      shift 2 ;;
    *=*)
      arch=${1%%=*} deb=${1#*=}
      case "$(basename "$deb")" in
        homelab-assistant_*_"$arch".deb) ;;
        *) echo "make-context: $deb is not homelab-assistant_<version>_$arch.deb" >&2; exit 2 ;;
      esac
      mkdir -p "$CONTEXT/debs/$arch"
      cp "$deb" "$CONTEXT/debs/$arch/"
      shift ;;
    *) sed -n '2,5p' "$0" >&2; exit 2 ;;
  esac
done
