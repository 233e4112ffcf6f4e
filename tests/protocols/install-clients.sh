# Sourced by the protocol scenarios (after lib.sh): the official client libraries from
# tests/protocols/package-lock.json, installed once into a cache kept between runs (npm ci only
# when the lock changed), then the test scripts copied next to them.
# ha_protocol_clients SOURCE_DIR -> CLIENTS (the folder to run `node CLIENTS/x.mjs` in)
ha_protocol_clients() {
  local source=$1 cache=${HA_PROTOCOL_TEST_CACHE:-/var/tmp/homelab-assistant-tests/protocols-npm} lock_sum
  command -v node >/dev/null && command -v npm >/dev/null || { echo "FAIL: node and npm are needed (packaging/install-deps.sh test)"; return 1; }
  mkdir -p "$cache/app"
  # Scenarios run in parallel: one installs, the others wait for it (at most 10 minutes).
  exec {lock_fd}>"$cache/.install.lock"
  flock -w 600 "$lock_fd" || { echo "FAIL: another scenario held $cache/.install.lock for 10 minutes"; return 1; }
  lock_sum=$(sha256sum "$source/tests/protocols/package-lock.json" | cut -d' ' -f1)
  if [ "$(cat "$cache/app/.lock-sum" 2>/dev/null)" != "$lock_sum" ] || [ ! -d "$cache/app/node_modules/openai" ] ||
     [ ! -d "$cache/app/node_modules/@modelcontextprotocol/sdk" ] ||
     [ ! -d "$cache/app/node_modules/@seriousme/openapi-schema-validator" ]; then
    cp "$source/tests/protocols/package.json" "$source/tests/protocols/package-lock.json" "$cache/app/"
    echo "== npm ci (test-only client libraries) into $cache/app"
    (cd "$cache/app" && timeout 600 npm ci --ignore-scripts --no-audit --no-fund --cache "$cache/npm-cache" \
       >"$WORK/npm.log" 2>&1) || { tail -5 "$WORK/npm.log"; echo "FAIL: npm ci failed"; return 1; }
    echo "$lock_sum" >"$cache/app/.lock-sum"
  fi
  cp "$source"/tests/protocols/*.mjs "$cache/app/"
  exec {lock_fd}>&-
  CLIENTS=$cache/app
  echo "== node $(node --version), openai $(jq -r .version "$CLIENTS/node_modules/openai/package.json"), @modelcontextprotocol/sdk $(jq -r .version "$CLIENTS/node_modules/@modelcontextprotocol/sdk/package.json")"
}
