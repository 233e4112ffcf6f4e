#!/bin/bash
# Authentication, the per-key rate limit and the failed-login limit.
# usage: auth.sh BINARY PLUGIN_DIR FIXTURE_PLUGIN_DIR
set -uo pipefail
HA_BINARY=$1 PLUGINS=$2 FIXTURES=$3
. "$(dirname "$0")/../lib.sh"
KEY=it-key-$(openssl rand -hex 16)
AUTH=(-H "X-API-Key: $KEY")
ha_start auth "plugins:
  directory: $PLUGINS" API_KEY="$KEY" RATE_LIMIT_REQUESTS=6 RATE_LIMIT_WINDOW=120 || exit 1

req GET /health
expect_status "GET /health needs no key" 200
expect_jq "health says healthy" '.status == "healthy"'
req POST /chat -d '{"message":"How much disk space is left?"}'
expect_status "no key: 401" 401
expect_jq "no key: a JSON error naming the header" '.error | test("X-API-Key")'
req POST /chat -H "X-API-Key: wrong-key-0123456789" -d '{"message":"hi"}'
expect_status "wrong key: 401" 401
expect_jq "wrong key: JSON error" '.error == "invalid API key"'
req GET /v1/tools -H "X-API-Key: ${KEY}x"
expect_status "key with a suffix: 401" 401
req GET /v1/tools "${AUTH[@]}"
expect_status "right key: 200" 200
check "rate limit headers" header_has "X-RateLimit-Remaining"
check "no CORS wildcard" not_in_file "Access-Control-Allow-Origin" "$HEADERS"

for i in 2 3 4 5 6; do req POST /v1/tools/cpu.usage "${AUTH[@]}"; done
expect_status "6th request in the window: allowed" 200
req POST /chat "${AUTH[@]}" -d '{"message":"How much disk space is left?"}'
expect_status "7th request in the window: 429" 429
check "429 carries Retry-After" header_has "Retry-After: [0-9]"
expect_body "429 is a JSON error" "rate limit exceeded"
req GET /health
expect_status "health is not rate limited" 200
for i in $(seq 1 21); do curl -s --cacert "$CACERT" -H "X-API-Key: bad-$i-0123456789" "$URL/v1/tools" -o /dev/null; done
req GET /v1/tools -H "X-API-Key: bad-0-0123456789"
expect_status "after 20 failed logins the client is blocked (429)" 429
expect_no_grep "the API key is not in the server log" "$KEY" "$LOG"
check "the server stops cleanly" ha_stop "$PID"

# Someone guessing keys from the owner's address (NAT, the same host) must not lock the owner out:
# the right key passes while wrong ones from that address get 429; other addresses are unaffected.
ha_start auth-shared "plugins:
  directory: $PLUGINS" API_KEY="$KEY" RATE_LIMIT_REQUESTS=100 RATE_LIMIT_WINDOW=120 || exit 1
for i in $(seq 1 25); do curl -s --cacert "$CACERT" -H "X-API-Key: guess-$i-0123456789" "$URL/v1/tools" -o /dev/null; done
req GET /v1/tools -H "X-API-Key: guess-0-0123456789"
expect_status "after 25 wrong keys from 127.0.0.1: wrong keys get 429" 429
check "the 429 carries Retry-After" header_has "Retry-After: [0-9]"
req GET /v1/tools "${AUTH[@]}"
expect_status "the right key from the same address: 200, not locked out" 200
req POST /chat "${AUTH[@]}" -d '{"message":"How much disk space is left?"}'
expect_status "the right key can chat from the same address" 200
req GET /v1/tools
expect_status "no key from the blocked address: still 429" 429
req GET /v1/tools -H "X-API-Key: guess-x-0123456789" --interface 127.0.0.2
expect_status "a wrong key from another address (127.0.0.2): 401, not throttled" 401
expect_eq "the failures were not logged one by one" "$(grep -c 'invalid API key from 127.0.0.1' "$LOG")" 20
check "the second server stops cleanly" ha_stop "$PID"
finish
