#!/bin/bash
# Builds the container image from the project's own .deb and reports its size and what takes it.
# usage: packaging/container/build-image.sh [--debs DIR] [--deps DIR] [--tag TAG] [--network MODE]
#   --debs DIR      where homelab-assistant_<version>_<arch>.deb is (default: packaging/build-deb.sh
#                   builds it into build-deb/)
#   --deps DIR      Debian packages to install along with it, for a build without network (the
#                   test); by default apt fetches the dependencies from the Debian mirror
#   --tag TAG       image name (default homelab-assistant:<version>)
#   --network MODE  docker build --network (none for an offline build)
# Uses $DOCKER (default docker) and its DOCKER_HOST. Multi-arch images for a registry:
# packaging/container/publish.sh.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DOCKER=${DOCKER:-docker}
DEBS='' DEPS='' TAG='' NETWORK=default
while [ $# -gt 0 ]; do
  case "$1" in
    --debs) DEBS=$2; shift 2 ;;
    --deps) DEPS=$2; shift 2 ;;
    --tag) TAG=$2; shift 2 ;;
    --network) NETWORK=$2; shift 2 ;;
    *) sed -n '2,11p' "$0" >&2; exit 2 ;;
  esac
done

VERSION=$(dpkg-parsechangelog -l "$ROOT/packaging/debian/changelog" -S Version)
ARCH=$(dpkg --print-architecture)
TAG=${TAG:-homelab-assistant:$VERSION}
if [ -z "$DEBS" ]; then
  DEBS=$ROOT/build-deb
  "$ROOT/packaging/build-deb.sh" "$DEBS" >/dev/null
fi
DEB=$DEBS/homelab-assistant_${VERSION}_${ARCH}.deb
[ -f "$DEB" ] || { echo "build-image: no $DEB" >&2; exit 1; }

CONTEXT=$(mktemp -d /tmp/ha-image-context-XXXXXX)
trap 'rm -rf "$CONTEXT"' EXIT
"$HERE/make-context.sh" "$CONTEXT" "$ARCH=$DEB" ${DEPS:+--deps "$ARCH=$DEPS"}

start=$(date +%s)
"$DOCKER" build --network "$NETWORK" --build-arg "TARGETARCH=$ARCH" --build-arg "VERSION=$VERSION" \
  -t "$TAG" "$CONTEXT"
echo "build-image: built $TAG in $(( $(date +%s) - start )) s"

# The size, the base it stands on, and the packages that take most of it.
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1000000 }'; }
size=$("$DOCKER" image inspect -f '{{.Size}}' "$TAG")
base=$("$DOCKER" image inspect -f '{{.Size}}' debian:bookworm-slim 2>/dev/null || echo 0)
compressed=$("$DOCKER" save "$TAG" | gzip -1 | wc -c)
echo "build-image: $TAG is $(mb "$size") ($(mb "$compressed") as a gzip'ed tar, about what a registry sends);"
echo "build-image:   debian:bookworm-slim $(mb "$base"), added by the package and its dependencies $(mb $((size - base)))"
echo "build-image: largest installed packages (kB, dpkg Installed-Size):"
"$DOCKER" run --rm --network none --entrypoint dpkg-query "$TAG" -W -f '${Installed-Size}\t${Package}\n' |
  sort -rn | head -n 12 | sed 's/^/build-image:   /'
