#!/bin/bash
# The web page in a real browser: Debian's chromium, headless, driven by playwright-core
# (tests/web, pinned in its package-lock.json; no browser download) against three real servers:
# the offline provider with the SDK's example UPS plugin on battery (a real finding), the openai
# provider streaming from the fake model server, and one with a tiny rate limit. Screenshots of
# every step are kept in OUTPUT_DIR. Exits 77 (skipped) only where chromium cannot be installed.
# usage: browser.sh BINARY PLUGIN_DIR FIXTURE_PLUGIN_DIR FAKE_SERVER RESPONSES_DIR SOURCE_DIR OUTPUT_DIR
set -uo pipefail
HA_BINARY=$1 PLUGINS=$2 FIXTURES=$3 FAKE=$4 RESP=$5 SOURCE=$6 OUT=$7
. "$(dirname "$0")/../lib.sh"
start_time=$(date +%s%3N)

skip() {
  echo "SKIPPED: $1"
  echo "         the web page was NOT tested in a browser here."
  exit 77
}
CHROMIUM=${HA_CHROMIUM:-/usr/bin/chromium}
if ! "$CHROMIUM" --version >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "== installing Debian's chromium"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver; } \
      >"$WORK/apt.log" 2>&1 || { tail -3 "$WORK/apt.log"; skip "chromium could not be installed (apt-get install chromium failed)"; }
  fi
  "$CHROMIUM" --version >/dev/null 2>&1 || skip "no chromium at $CHROMIUM and not root to install it"
fi
command -v node >/dev/null && command -v npm >/dev/null || { echo "FAIL: node and npm are needed (packaging/install-deps.sh test)"; exit 1; }
echo "== $("$CHROMIUM" --version 2>/dev/null | head -1), node $(node --version)"

# playwright-core and axe-core from the lock file, kept between runs (npm ci only when the lock
# changed); PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD because the browser is Debian's.
CACHE=${HA_WEB_TEST_CACHE:-/var/tmp/homelab-assistant-tests/web-npm}
mkdir -p "$CACHE/app"
lock_sum=$(sha256sum "$SOURCE/tests/web/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$CACHE/app/.lock-sum" 2>/dev/null)" != "$lock_sum" ] || [ ! -d "$CACHE/app/node_modules/playwright-core" ]; then
  cp "$SOURCE/tests/web/package.json" "$SOURCE/tests/web/package-lock.json" "$CACHE/app/"
  echo "== npm ci (test-only dependencies) into $CACHE/app"
  (cd "$CACHE/app" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund \
     --cache "$CACHE/npm-cache" >"$WORK/npm.log" 2>&1) || { tail -5 "$WORK/npm.log"; echo "FAIL: npm ci failed"; exit 1; }
  echo "$lock_sum" >"$CACHE/app/.lock-sum"
fi
cp "$SOURCE/tests/web/browser-test.mjs" "$CACHE/app/browser-test.mjs"

KEY=web-key-$(openssl rand -hex 12)
HA_WEB_ROOT=$SOURCE/host/web
printf 'ups.status: OB DISCHRG\nbattery.charge: 41\nbattery.runtime: 720\n' >"$WORK/ups.status"
ha_plugin_dir plugins "$PLUGINS"/*.so "$FIXTURES/example_ups.so"
policy='allow: ["cpu.*", "memory.*", "disk.*", "docker.*", "systemd.*", "ups.*"]'
settings="  settings:
    example-ups:
      status_file: $WORK/ups.status
    docker:
      socket: $WORK/no-docker.sock"
for name in offline model limited; do mkdir -p "$WORK/$name" && printf '%s\n' "$policy" >"$WORK/$name/policy.yaml"; done

ha_start offline "plugins:
  directory: $PLUGIN_DIR
$settings" API_KEY="$KEY" LLM_PROVIDER=offline RATE_LIMIT_REQUESTS=10000 || exit 1
OFFLINE_URL=$URL OFFLINE_PID=$PID

"$FAKE" --port-file "$WORK/fake.port" >"$WORK/fake.log" 2>&1 &
HA_PIDS="${HA_PIDS:-} $!"
for i in $(seq 1 50); do [ -s "$WORK/fake.port" ] && break; sleep 0.1; done
FAKE_URL=http://127.0.0.1:$(cat "$WORK/fake.port")
ha_start model "llm:
  provider: openai
plugins:
  directory: $PLUGIN_DIR
$settings
    openai:
      base_url: $FAKE_URL/v1
      max_retries: 0" API_KEY="$KEY" RATE_LIMIT_REQUESTS=10000 || exit 1
MODEL_URL=$URL

ha_start limited "plugins:
  directory: $PLUGIN_DIR
$settings" API_KEY="$KEY" LLM_PROVIDER=offline RATE_LIMIT_REQUESTS=4 RATE_LIMIT_WINDOW=60 || exit 1
LIMITED_URL=$URL

mkdir -p "$OUT" && rm -f "$OUT"/*.png
(cd "$CACHE/app" && OFFLINE_URL=$OFFLINE_URL MODEL_URL=$MODEL_URL LIMITED_URL=$LIMITED_URL FAKE_URL=$FAKE_URL \
   RESP=$RESP KEY=$KEY OUT=$OUT CHROMIUM=$CHROMIUM timeout 300 node browser-test.mjs)
rc=$?
check "the browser test passed" [ "$rc" = 0 ]
check "the offline server is still healthy" curl -sf --cacert "$WORK/offline/tls/cert.pem" "$OFFLINE_URL/health" -o /dev/null
expect_no_grep "the API key is in no server log" "$KEY" "$WORK"/*/server.log
echo "   screenshots: $OUT ($(ls "$OUT"/*.png 2>/dev/null | wc -l) files)"
echo "   took $(( ($(date +%s%3N) - start_time) / 1000 )) s"
finish
