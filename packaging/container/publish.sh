#!/bin/bash
# Publishes the multi-arch image (linux/amd64 and linux/arm64) of the same Dockerfile to a
# registry with docker buildx. Each architecture's .deb is the project's own, from
# packaging/build-deb.sh: given with --deb, or built here in a debian:bookworm container of that
# platform (emulated through QEMU/binfmt when it is not this machine's).
# usage: packaging/container/publish.sh IMAGE [--deb ARCH=FILE ...] [--platforms LIST] [--no-push]
#   IMAGE        e.g. ghcr.io/OWNER/homelab-assistant; tagged <version> and latest
#   --deb        a prebuilt homelab-assistant_<version>_<arch>.deb (CI builds them natively)
#   --platforms  default linux/amd64,linux/arm64
#   --no-push    build for every platform but push nothing (a dry run of the publication)
# Needs: docker with buildx, a builder that can build for those platforms (the docker-container
# driver: docker buildx create --use), QEMU binfmt for the foreign one (docker run --privileged
# --rm tonistiigi/binfmt --install arm64), and `docker login` to the registry. See README
# "Container image" and .ci/container-publish.yml.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
IMAGE=${1:?usage: publish.sh IMAGE [--deb ARCH=FILE ...] [--platforms LIST] [--no-push]}
shift
PLATFORMS=linux/amd64,linux/arm64
PUSH=--push
declare -A DEB
while [ $# -gt 0 ]; do
  case "$1" in
    --deb) DEB[${2%%=*}]=$(realpath "${2#*=}"); shift 2 ;;
    --platforms) PLATFORMS=$2; shift 2 ;;
    --no-push) PUSH=; shift ;;
    *) sed -n '2,15p' "$0" >&2; exit 2 ;;
  esac
done
VERSION=$(dpkg-parsechangelog -l "$ROOT/packaging/debian/changelog" -S Version)
WORK=$(mktemp -d /tmp/ha-publish-XXXXXX)
trap 'rm -rf "$WORK"' EXIT

context_args=()
for platform in ${PLATFORMS//,/ }; do
  arch=${platform#linux/}
  if [ -z "${DEB[$arch]:-}" ]; then
    echo "publish: building the $arch .deb in debian:bookworm ($platform)"
    mkdir -p "$WORK/debs-$arch"
    docker run --rm --platform "$platform" -v "$ROOT:/src:ro" -v "$WORK/debs-$arch:/out" debian:bookworm \
      /src/packaging/build-deb.sh /out/build >"$WORK/build-deb-$arch.log" 2>&1 ||
      { tail -30 "$WORK/build-deb-$arch.log"; exit 1; }
    DEB[$arch]=$WORK/debs-$arch/build/homelab-assistant_${VERSION}_${arch}.deb
  fi
  context_args+=("$arch=${DEB[$arch]}")
done
"$HERE/make-context.sh" "$WORK/context" "${context_args[@]}"

# BuildKit gives each platform's build its TARGETARCH, so the Dockerfile takes debs/<arch>/.
docker buildx build --platform "$PLATFORMS" --build-arg "VERSION=$VERSION" \
  --label "org.opencontainers.image.revision=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)" \
  --label "org.opencontainers.image.created=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
  --provenance=mode=max --sbom=true \
  -t "$IMAGE:$VERSION" -t "$IMAGE:latest" $PUSH "$WORK/context"
echo "publish: $IMAGE:$VERSION for $PLATFORMS${PUSH:+ pushed}"
