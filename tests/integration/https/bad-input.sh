#!/bin/bash
# Bad input gets clear JSON errors with the right status, and the server keeps running.
# usage: bad-input.sh BINARY PLUGIN_DIR FIXTURE_PLUGIN_DIR
set -uo pipefail
HA_BINARY=$1 PLUGINS=$2 FIXTURES=$3
. "$(dirname "$0")/../lib.sh"
KEY=it-key-$(openssl rand -hex 16)
AUTH=(-H "X-API-Key: $KEY")
ha_start bad "plugins:
  directory: $PLUGINS" API_KEY="$KEY" RATE_LIMIT_REQUESTS=1000 || exit 1

req POST /chat "${AUTH[@]}" -d '{"message": "unterminated'
expect_status "malformed JSON: 400" 400
expect_body "malformed JSON: says so" "invalid JSON"
req POST /chat "${AUTH[@]}" -d '["message"]'
expect_status "not an object: 400" 400
expect_body "not an object: says so" "must be a JSON object"
req POST /chat "${AUTH[@]}" -d '{"msg":"hello"}'
expect_status "missing message: 400" 400
expect_body "missing message: names the field" "'message' is required"
req POST /chat "${AUTH[@]}" -d '{"message":42}'
expect_status "message not a string: 400" 400
req POST /chat "${AUTH[@]}" -d '{"message":"   "}'
expect_status "blank message: 400" 400
long=$(head -c 4001 /dev/zero | tr '\0' 'a')
req POST /chat "${AUTH[@]}" -d "{\"message\":\"$long\"}"
expect_status "message over 4000 characters: 400" 400
req POST /chat "${AUTH[@]}" -d '{"message":"hi","conversation_id":"../../etc/passwd"}'
expect_status "bad conversation_id: 400" 400
printf '{"message":"\xff\xfe"}' >"$WORK/bad-utf8.json"
req POST /chat "${AUTH[@]}" --data-binary @"$WORK/bad-utf8.json"
expect_status "invalid UTF-8: 400" 400
head -c 70000 /dev/zero | tr '\0' 'x' >"$WORK/big.json"
req POST /chat "${AUTH[@]}" --data-binary @"$WORK/big.json"
expect_status "body over 64 KiB: 413" 413
check "body over 64 KiB: JSON error" is_error_json
req POST /chat "${AUTH[@]}" -H "Transfer-Encoding: chunked" --data-binary @"$WORK/big.json"
expect_status "chunked body over 64 KiB: 413" 413
req GET /chat "${AUTH[@]}"
expect_status "GET /chat: 405" 405
check "405 names the allowed method" header_has "Allow: POST"
req GET /nowhere
expect_status "unknown path: 404" 404
check "unknown path: JSON error" is_error_json
req POST /v1/status "${AUTH[@]}"
expect_status "POST /v1/status: 405" 405
check "server still alive after bad input" curl -sf --cacert "$CACERT" "$URL/health" -o /dev/null
check "the server stops cleanly" ha_stop "$PID"
finish
