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
check "plain HTTP gets no answer" bash -c '! curl -sf --max-time 5 "http://${0#https://}/health" -o /dev/null' "$URL"
check "the server stops cleanly" ha_stop "$PID"
finish
