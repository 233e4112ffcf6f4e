#!/bin/bash
# Installs the Debian 12 packages Homelab Assistant needs: "build" (default) to build and run it,
# "package" to build the .deb packages, "test" to run the whole test suite. Quiet and quick when everything is already installed.
# Runs apt-get as root, or through sudo.
set -euo pipefail
what=${1:-build}
pkgs=(build-essential cmake pkg-config libpoco-dev libyaml-cpp-dev rapidjson-dev libssl-dev libsystemd-dev openssl ca-certificates)
case "$what" in
  test)
    pkgs+=(libcppunit-dev curl jq binutils nodejs debhelper dpkg-dev lintian debootstrap systemd-container wrk socat  # socat: the container test records the docker socket
           clang-14 libclang-rt-14-dev  # the fuzz targets (tests/fuzz)
           chromium chromium-driver     # the web page's browser test (tests/integration/web)
           pngquant optipng             # its small README picture
           prometheus                   # promtool and a real scraper for GET /metrics (tests/integration/protocols)
           strace)                      # the CLI test counts the streamed answer's writes (tests/integration/cli)
    # Debian's nodejs leaves npm to its own package; other builds of node bring it along.
    command -v npm >/dev/null || pkgs+=(npm) ;;
  package) pkgs+=(debhelper dpkg-dev) ;;
esac
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root (missing: ${missing[*]})" >&2; exit 1; }
  SUDO=sudo
fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
