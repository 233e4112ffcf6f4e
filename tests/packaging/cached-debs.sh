# The project's .debs from packaging/build-deb.sh, built once per content and shared by the tests
# that need them (the package test, the container test). Source it; then
#   cached_debs SOURCE   sets DEBS_DIR (the .deb, .changes and .buildinfo files) and MAIN_DEB;
#                        returns 1 with the build log's tail when build-deb.sh fails
# The key is a hash of everything build-deb.sh packs (the tree without build directories, VCS
# data, tests, CI files and the container files) and of the build tools' versions, so a changed
# source or toolchain builds again; README.md is left out (a documentation edit would cost a
# whole build for a different /usr/share/doc file only). Concurrent callers wait for one build (flock). The cache lives
# under /var/tmp/homelab-assistant-tests/ and keeps only the newest build.

DEBS_CACHE=${HA_DEB_TEST_CACHE:-/var/tmp/homelab-assistant-tests}/project-debs
DEBS_DIR=
MAIN_DEB=

debs_key() {  # debs_key SOURCE
  {
    (cd "$1" && find . \( -path './build*' -o -path ./.git -o -path ./debian -o -path ./tests -o -path ./.ci \
                          -o -path ./packaging/container -o -path ./README.md \) -prune -o -type f -print0 |
       LC_ALL=C sort -z | xargs -0 sha256sum)
    dpkg-query -W -f '${Package} ${Version}\n' debhelper cmake g++ libpoco-dev libyaml-cpp-dev rapidjson-dev libssl-dev \
      libsystemd-dev 2>/dev/null
  } | sha256sum | cut -c1-16
}

cached_debs() {  # cached_debs SOURCE
  local source=$1 key version arch rc=0
  version=$(dpkg-parsechangelog -l "$source/packaging/debian/changelog" -S Version)
  arch=$(dpkg --print-architecture)
  "$source/packaging/install-deps.sh" package >/dev/null
  key=$(debs_key "$source")
  DEBS_DIR=$DEBS_CACHE/$key
  MAIN_DEB=$DEBS_DIR/homelab-assistant_${version}_${arch}.deb
  mkdir -p "$DEBS_CACHE"
  (
    flock 9
    [ -f "$DEBS_DIR/complete" ] && [ -s "$MAIN_DEB" ] && exit 0
    local tmp=$DEBS_CACHE/.building-$$
    rm -rf "$tmp"
    if ! "$source/packaging/build-deb.sh" "$tmp" >"$DEBS_CACHE/build-deb.log" 2>&1; then
      tail -30 "$DEBS_CACHE/build-deb.log"
      rm -rf "$tmp"
      exit 1
    fi
    rm -rf "$DEBS_DIR"
    mkdir -p "$DEBS_DIR"
    # marked complete only when the main package arrived (an interrupted run leaves no marker)
    mv "$tmp"/*.deb "$tmp"/*.changes "$tmp"/*.buildinfo "$DEBS_DIR/" && [ -s "$MAIN_DEB" ] || { rm -rf "$tmp" "$DEBS_DIR"; exit 1; }
    rm -rf "$tmp"
    touch "$DEBS_DIR/complete"
    find "$DEBS_CACHE" -mindepth 1 -maxdepth 1 -type d ! -name "$key" -exec rm -rf {} +  # older builds
  ) 9>"$DEBS_CACHE/.lock" || rc=1
  [ "$rc" = 0 ] && [ -s "$MAIN_DEB" ]
}
