#!/bin/bash
# TLS: versions, and what a plain-HTTP client gets.
# usage: tls.sh BINARY PLUGIN_DIR FIXTURE_PLUGIN_DIR
set -uo pipefail
HA_BINARY=$1 PLUGINS=$2 FIXTURES=$3
. "$(dirname "$0")/../lib.sh"
KEY=it-key-$(openssl rand -hex 16)
ha_start tls "plugins:
  directory: $PLUGINS" API_KEY="$KEY" || exit 1

out=$(echo | timeout 10 openssl s_client -connect "${URL#https://}" -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0' 2>&1)
expect_grep "TLS 1.1 is refused by the server (protocol version alert)" "alert protocol version" <(echo "$out")
check "TLS 1.2 works" curl -sf --cacert "$CACERT" --tlsv1.2 --tls-max 1.2 "$URL/health" -o /dev/null
check "TLS 1.3 works" curl -sf --cacert "$CACERT" --tlsv1.3 "$URL/health" -o /dev/null
plain=$(curl -sS --max-time 5 -w '\n%{http_code}' "http://${URL#https://}/health" 2>&1)
check "plain HTTP gets a 400, not a reset" bash -c '[ "$(tail -1 <<<"$0")" = 400 ]' "$plain"
check "plain HTTP: a JSON error saying to use https://" bash -c 'head -1 <<<"$0" | jq -e ".error | test(\"use https://127.0.0.1:[0-9]+/\")" >/dev/null' "$plain"
check "the server stops cleanly" ha_stop "$PID"
finish
