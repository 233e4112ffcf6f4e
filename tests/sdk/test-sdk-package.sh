#!/bin/bash
# The SDK as a third party sees it: install the project into a scratch root, build three plugins
# out of tree with find_package(HomelabAssistant) — the C++ uname example, the C ups example with
# the answers interface, and a provider plugin (tests/fixtures/provider-plugin) — check that each
# exports only the entry symbol, and have the real server use them with no host change: the ups
# plugin is matched, summarized and in the health verdict; the provider is selected by its id and
# answers through the fake LLM server.
# usage: test-sdk-package.sh BUILD_DIR SOURCE_DIR HOST_BINARY FAKE_LLM_SERVER
set -uo pipefail
BUILD=$1
SOURCE=$2
HA_BINARY=$3
FAKE=$4
. "$SOURCE/tests/integration/lib.sh"

echo "== install into a scratch root"
check "cmake --install (DESTDIR)" bash -c 'DESTDIR="$0/root" cmake --install "$1" >"$0/install.log" 2>&1' "$WORK" "$BUILD"
prefix=$(find "$WORK/root" -name HomelabAssistantConfig.cmake -printf '%h\n' | head -1)
check "the CMake package is installed" [ -n "$prefix" ]
check "the headers are installed, answers.h too" [ -n "$(find "$WORK/root" -path "*include/homelab_assistant/answers.h")" ]
root_prefix=${prefix%/lib*}

build_out_of_tree() {  # build_out_of_tree NAME SOURCE_DIR: sets SO to the built plugin
  local name=$1 src=$2
  expect_exit "$name: configure with find_package" 0 cmake -S "$src" -B "$WORK/$name" -DCMAKE_PREFIX_PATH="$root_prefix"
  expect_exit "$name: build" 0 cmake --build "$WORK/$name"
  SO=$(find "$WORK/$name" -maxdepth 1 -name '*.so' | head -1)
  check "$name: the plugin file exists" [ -f "$SO" ]
  expect_eq "$name: it exports only the entry symbol" "$(nm -D --defined-only "$SO" | awk '{print $3}')" homelab_assistant_plugin_entry
  mkdir -p "$WORK/plugins" && cp "$SO" "$WORK/plugins/"
}
echo "== build three plugins out of tree"
build_out_of_tree uname "$SOURCE/sdk/examples/uname"
build_out_of_tree ups "$SOURCE/sdk/examples/ups"
build_out_of_tree provider "$SOURCE/tests/fixtures/provider-plugin"
chmod 755 "$WORK/plugins" "$WORK"/plugins/*.so
mkdir -p "$WORK/v2"
printf 'cmake_minimum_required(VERSION 3.18)\nproject(v2 LANGUAGES CXX)\nfind_package(HomelabAssistant 2 REQUIRED)\n' >"$WORK/v2/CMakeLists.txt"
check "find_package refuses another ABI major" bash -c '! cmake -S "$0/v2" -B "$0/v2/build" -DCMAKE_PREFIX_PATH="$1" >/dev/null 2>&1' "$WORK" "$root_prefix"

echo "== the server uses them from its plugin directory"
ha_make_cert "$WORK/fake"
mkdir -p "$WORK/fake"
"$FAKE" --port-file "$WORK/fake/port" >"$WORK/fake/fake.log" 2>&1 &
HA_PIDS="${HA_PIDS:-} $!"
for i in $(seq 1 50); do [ -s "$WORK/fake/port" ] && break; sleep 0.1; done
FAKE_URL=http://127.0.0.1:$(cat "$WORK/fake/port")
curl -sf -d "[{\"status\":200,\"body_file\":\"$SOURCE/tests/fake-llm/responses/openai_tool_call.json\"},{\"status\":200,\"body_file\":\"$SOURCE/tests/fake-llm/responses/openai_final.json\"}]" \
  "$FAKE_URL/__control/script" -o /dev/null
printf 'ups.status: OB\nbattery.charge: 41\nbattery.runtime: 720\n' >"$WORK/ups.status"
KEY=sdk-key-$(openssl rand -hex 12)
mkdir -p "$WORK/sdk" && printf 'allow: ["uname.*", "ups.*"]\n' >"$WORK/sdk/policy.yaml"
ha_start sdk "llm:
  fallback: error
plugins:
  directory: $WORK/plugins
  settings:
    example-ups:
      status_file: $WORK/ups.status" API_KEY="$KEY" || exit 1
expect_grep "the uname example loaded" "plugin example-uname.so loaded: example-uname 1.0.0 \(ABI 1.3\)" "$LOG"
expect_grep "the ups example loaded with its answers" "plugin example-ups.so loaded: example-ups 1.0.0 \(ABI 1.3\), capabilities: ups.status\[read-only\], answers" "$LOG"
expect_grep "its log line reaches the host log" "plugin.example-uname: uname example ready" "$LOG"
req POST /v1/tools/uname.info -H "X-API-Key: $KEY"
expect_jq "the C++ example's capability answers with real data" ".result.kernel == \"$(uname -r)\""
chat "how much battery does the UPS have left?"
expect_jq "the C example is matched and words its own answer" \
  '.tool_calls_made == ["ups.status"] and .message == "The UPS is on battery: 41% charged, about 12 minutes left."'
chat "Is everything running correctly?"
expect_jq "its check is in the health verdict" '.message | startswith("1 problem: The UPS is running on battery (41% left).")'
req GET /v1/status -H "X-API-Key: $KEY"
expect_jq "and in GET /v1/status" '.verdict == "warning" and (.findings[] | select(.plugin == "example-ups" and .check == "ups.power"))'
check "the server stops cleanly" ha_stop "$PID"

echo "== a third-party provider selected by its id"
mkdir -p "$WORK/provider" && cp "$WORK/sdk/policy.yaml" "$WORK/provider/policy.yaml"
ha_start provider "llm:
  provider: acme-llm
  fallback: error
plugins:
  directory: $WORK/plugins
  settings:
    acme-llm:
      base_url: $FAKE_URL/v1
      model: acme-9
    example-ups:
      status_file: $WORK/ups.status" API_KEY="$KEY" || exit 1
expect_grep "selected by its id, described by itself" "LLM provider: acme-llm \(model acme-9 at $FAKE_URL/v1\)" "$LOG"
chat "How much disk space is left?"
expect_jq "it answers through the tool loop" '.provider == "acme-llm" and .message == "The root filesystem has plenty of free space."'
curl -sf "$FAKE_URL/__control/requests" -o "$WORK/requests.json"
expect_eq "the provider's own request, with its model" "$(jq -r '.[0].body.model' "$WORK/requests.json")" acme-9
expect_jq "and only the allowed capabilities offered" '[.[0].body.tools[].function.name] | sort == ["uname_info", "ups_status"]' "$WORK/requests.json"
check "the server stops cleanly" ha_stop "$PID"

finish
