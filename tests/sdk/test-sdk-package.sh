#!/bin/bash
# The SDK as a third party sees it: install the project into a scratch root, build the example
# plugin (sdk/examples/uname) out of tree with find_package(HomelabAssistant), check that it exports
# only the entry symbol, and have the real server load it and run its capability over HTTPS.
# usage: test-sdk-package.sh BUILD_DIR SOURCE_DIR HOST_BINARY
set -uo pipefail
BUILD=$1
SOURCE=$2
HA_BINARY=$3
. "$SOURCE/tests/integration/lib.sh"

echo "== install into a scratch root"
check "cmake --install (DESTDIR)" bash -c 'DESTDIR="$0/root" cmake --install "$1" >"$0/install.log" 2>&1' "$WORK" "$BUILD"
prefix=$(find "$WORK/root" -name HomelabAssistantConfig.cmake -printf '%h\n' | head -1)
check "the CMake package is installed" [ -n "$prefix" ]
check "the headers are installed" bash -c '[ -n "$(find "$0/root" -path "*include/homelab_assistant/abi.h")" ]' "$WORK"
root_prefix=${prefix%/lib*}

echo "== build the example out of tree"
check "configure with find_package" bash -c 'cmake -S "$0/sdk/examples/uname" -B "$1/example" -DCMAKE_PREFIX_PATH="$2" >"$1/configure.log" 2>&1 || { cat "$1/configure.log"; exit 1; }' "$SOURCE" "$WORK" "$root_prefix"
check "build" bash -c 'cmake --build "$0/example" >"$0/build.log" 2>&1 || { cat "$0/build.log"; exit 1; }' "$WORK"
SO=$WORK/example/example-uname.so
check "the plugin file exists" [ -f "$SO" ]
check "it exports only the entry symbol" bash -c '[ "$(nm -D --defined-only "$0" | awk "{print \$3}")" = homelab_assistant_plugin_entry ]' "$SO"
mkdir -p "$WORK/v2"
printf 'cmake_minimum_required(VERSION 3.18)\nproject(v2 LANGUAGES CXX)\nfind_package(HomelabAssistant 2 REQUIRED)\n' >"$WORK/v2/CMakeLists.txt"
check "find_package refuses another ABI major" bash -c '! cmake -S "$0/v2" -B "$0/v2/build" -DCMAKE_PREFIX_PATH="$1" >/dev/null 2>&1' "$WORK" "$root_prefix"

echo "== the server loads it from its plugin directory"
mkdir -p "$WORK/plugins"
cp "$SO" "$WORK/plugins/"
chmod 755 "$WORK/plugins" "$WORK/plugins/example-uname.so"
KEY=sdk-key-$(openssl rand -hex 12)
mkdir -p "$WORK/sdk" && printf 'allow: ["uname.*"]\n' >"$WORK/sdk/policy.yaml"
ha_start sdk "plugins:
  directory: $WORK/plugins" API_KEY="$KEY" || exit 1
check "loaded at start-up" grep -q "plugin example-uname.so loaded: example-uname 1.0.0 (ABI 1.1)" "$LOG"
check "its log line reaches the host log" grep -q "plugin.example-uname: uname example ready" "$LOG"
req POST /v1/tools/uname.info -H "X-API-Key: $KEY"
check "its capability answers over HTTPS" status_is 200
check "with real data" json_eq .result.kernel "$(uname -r)"
check "the server stops cleanly" ha_stop "$PID"

finish
