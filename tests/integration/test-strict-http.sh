#!/bin/bash
# Integration test (issue 10, items 7 and 8; issue 11, item 1): the connection layer speaks strict
# HTTP/1.1 over TLS to the real binary. Raw requests go through tests/helpers/hostile_clients
# ("raw": stdin over TLS, the answer on stdout until the server closes).
#   - request smuggling (Content-Length with Transfer-Encoding), duplicate, negative and
#     non-numeric Content-Length: 400, connection closed, the smuggled request never served;
#   - chunked bodies decoded; limits: 431 header count/size, 414 request line, 413 body (without
#     reading it), 505 version, 417/100-continue; every error the layer makes is JSON;
#   - methods and paths reach the access log without control bytes;
#   - plain HTTP on the TLS port gets a 400 saying to use https://;
#   - a second instance on a port in use exits 78 naming the address (no SO_REUSEPORT);
#   - deadlines (handshake, request, keep-alive), the connection cap (idle first, then a fast
#     refusal) and the optional per-address cap;
#   - 1024 honest keep-alive clients (wrk) with no connection errors.
# usage: test-strict-http.sh BINARY PLUGIN_DIR HOSTILE_CLIENTS
set -uo pipefail
HA_BINARY=$1
PLUGINS=$2
HOSTILE=$3
. "$(dirname "$0")/lib.sh"

command -v wrk >/dev/null || { echo "SKIP: wrk is not installed (packaging/install-deps.sh test installs it)"; exit 77; }
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null
[ "$(ulimit -n)" -ge 1200 ] || { echo "SKIP: 1024 client connections need an open-file limit of 1200 (have $(ulimit -n))"; exit 77; }

KEY=strict-key-$(openssl rand -hex 16)
CRLF=$'\r\n'

# raw BYTES [helper args]: sends BYTES; sets OUT (the answer), RAW_RC (0: the server closed the
# connection, 3: still open after --timeout) and RAW_MS (how long it took).
raw() {
  local bytes=$1 start
  shift
  start=$(date +%s%N)
  printf '%s' "$bytes" | "$HOSTILE" raw --port "$PORT" --timeout 3 "$@" >"$WORK/raw.out" 2>"$WORK/raw.err"
  RAW_RC=$?
  RAW_MS=$(( ($(date +%s%N) - start) / 1000000 ))
  OUT=$(tr -d '\r' <"$WORK/raw.out")
}
responses() { grep -c '^HTTP/1.1 [0-9]' <<<"$OUT"; }
first_status() { head -1 <<<"$OUT" | awk '{ print $2 }'; }
closed() { [ "$RAW_RC" = 0 ]; }
# The layer's own error: the status, JSON content type, a JSON body with an error string.
layer_error() {  # layer_error STATUS [TEXT in the error]
  [ "$(first_status)" = "$1" ] || return 1
  grep -qi '^Content-Type: application/json' <<<"$OUT" || return 1
  local body
  body=$(awk 'f { print } /^$/ { f = 1 }' <<<"$OUT")
  jq -e --arg t "${2:-}" '.error | type == "string" and length > 0 and contains($t)' <<<"$body" >/dev/null
}
expect_refusal() {  # expect_refusal WHAT STATUS TEXT: one JSON error, then the connection closed
  check "$1: $2 JSON error" layer_error "$2" "$3"
  check "$1: one response only" [ "$(responses)" = 1 ]
  check "$1: connection closed" closed
}
H="Host: 127.0.0.1$CRLF"

echo "== main server"
# 1024 clients connect at once below. A release build does their TLS handshakes in about 1.5 s;
# under a sanitizer on two busy cores they take 10 s or more, past the default 10 s handshake
# deadline, which would (rightly) close the last ones.
HA_SERVER_YAML="  handshake_timeout: 60" ha_start main "plugins:
  directory: $PLUGINS" API_KEY="$KEY" RATE_LIMIT_REQUESTS=1000000 || exit 1
MAIN_PID=$PID MAIN_LOG=$LOG
PORT=${URL##*:}

echo "-- honest requests"
raw "GET /health HTTP/1.1$CRLF$H${CRLF}GET /health HTTP/1.1$CRLF$H${CRLF}"
check "two pipelined requests: two answers" [ "$(grep -c '^HTTP/1.1 200' <<<"$OUT")" = 2 ]
check "keep-alive: the connection stays open" [ "$RAW_RC" = 3 ]
raw "POST /v1/tools/cpu.usage HTTP/1.1$CRLF${H}X-API-Key: $KEY${CRLF}Transfer-Encoding: chunked$CRLF${CRLF}1;ext=1$CRLF{$CRLF""1$CRLF}$CRLF""0$CRLF${CRLF}"
check "chunked body decoded: authenticated tool call answers 200" [ "$(first_status)" = 200 ]
check "chunked body decoded: the capability ran" grep -q '"capability":"cpu.usage"' <<<"$OUT"
raw "POST /chat HTTP/1.1$CRLF${H}X-API-Key: $KEY${CRLF}Transfer-Encoding: chunked$CRLF${CRLF}b$CRLF{\"message\":$CRLF""1f$CRLF\"How much disk space is left?\"}$CRLF""0$CRLF${CRLF}"
check "chunked /chat in two chunks: 200" [ "$(first_status)" = 200 ]
check "chunked /chat: answered from the disk tool" grep -q '"tool_calls_made":\["disk.usage"\]' <<<"$OUT"
raw "GET /health HTTP/1.0$CRLF$CRLF"
check "HTTP/1.0 without keep-alive: 200, then closed" bash -c '[ "$0" = 200 ] && [ "$1" = 0 ]' "$(first_status)" "$RAW_RC"

echo "-- request smuggling and Content-Length"
raw "POST /health HTTP/1.1$CRLF${H}Content-Length: 49${CRLF}Transfer-Encoding: chunked$CRLF${CRLF}0$CRLF${CRLF}GET /smuggled-clte HTTP/1.1$CRLF$H$CRLF"
expect_refusal "CL.TE" 400 "Content-Length and Transfer-Encoding"
raw "POST /health HTTP/1.1$CRLF${H}Transfer-Encoding: chunked${CRLF}Content-Length: 4$CRLF${CRLF}5c$CRLF""GET /smuggled-tecl HTTP/1.1$CRLF$H$CRLF${CRLF}0$CRLF$CRLF"
expect_refusal "TE.CL" 400 "Content-Length and Transfer-Encoding"
check "no smuggled request was served or logged" bash -c '! grep -q "smuggled" "$0"' "$MAIN_LOG"
raw "POST /chat HTTP/1.1$CRLF${H}Content-Length: 2${CRLF}Content-Length: 2$CRLF$CRLF{}"
expect_refusal "duplicate Content-Length" 400 "duplicate Content-Length"
raw "POST /chat HTTP/1.1$CRLF${H}Content-Length: -1$CRLF$CRLF"
expect_refusal "negative Content-Length" 400 "invalid Content-Length"
raw "POST /chat HTTP/1.1$CRLF${H}Content-Length: twelve$CRLF$CRLF"
expect_refusal "non-numeric Content-Length" 400 "invalid Content-Length"
raw "POST /chat HTTP/1.1$CRLF${H}Transfer-Encoding: gzip, chunked$CRLF$CRLF"
expect_refusal "unsupported transfer coding" 501 "only chunked"

echo "-- limits"
many=""
for i in $(seq 1 101); do many+="X-Header-$i: v$CRLF"; done
raw "GET /health HTTP/1.1$CRLF$H$many$CRLF"
expect_refusal "101 header fields" 431 "more than 100"
raw "GET /health HTTP/1.1$CRLF${H}X-Big: $(head -c 17000 /dev/zero | tr '\0' 'b')$CRLF$CRLF"
expect_refusal "17 kB header field" 431 "larger than 16384 bytes"
raw "GET /$(head -c 9000 /dev/zero | tr '\0' 'p') HTTP/1.1$CRLF$H$CRLF"
expect_refusal "9 kB request line" 414 "longer than 8192 bytes"
raw "POST /chat HTTP/1.1$CRLF${H}X-API-Key: $KEY${CRLF}Content-Length: 100000000$CRLF$CRLF"
expect_refusal "100 MB Content-Length, no body sent" 413 "larger than 65536 bytes"
check "413 at once, from the header alone (${RAW_MS} ms)" [ "$RAW_MS" -lt 2000 ]
raw "POST /chat HTTP/1.1$CRLF${H}Transfer-Encoding: chunked$CRLF${CRLF}20000$CRLF"
expect_refusal "128 KiB chunk" 413 "larger than 65536 bytes"
raw "GET /health HTTP/2.0$CRLF$H$CRLF"
expect_refusal "HTTP/2.0 request line" 505 "HTTP/1.1"
raw "GET /health HTTP/1.1$CRLF$CRLF"
expect_refusal "HTTP/1.1 without Host" 400 "missing Host"
raw "POST /chat HTTP/1.1$CRLF${H}Expect: teapot${CRLF}Content-Length: 2$CRLF$CRLF{}"
expect_refusal "unknown expectation" 417 "100-continue"
head -c 2000 /dev/zero | tr '\0' 'm' >"$WORK/message"
jq -Rn --rawfile m "$WORK/message" '{message: ("How much disk space is left? " + $m)}' >"$WORK/continue.json"
out=$(curl -sv --cacert "$CACERT" -H "X-API-Key: $KEY" -H "Expect: 100-continue" --expect100-timeout 10 \
  --data-binary @"$WORK/continue.json" "$URL/chat" -o "$WORK/continue.out" 2>&1)
check "Expect: 100-continue: 100 Continue before the body" grep -q "< HTTP/1.1 100 Continue" <<<"$out"
check "Expect: 100-continue: then 200" grep -q "< HTTP/1.1 200" <<<"$out"

echo "-- what reaches the log"
raw $'G\x01T /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'
expect_refusal "control byte in the method" 400 "malformed"
raw "GET /v1/%0d%0aforged%20line%01here HTTP/1.1$CRLF$H$CRLF"
check "encoded CR LF in the path: 404 from the router" [ "$(first_status)" = 404 ]
raw "GET /$(head -c 3000 /dev/zero | tr '\0' 'L') HTTP/1.1$CRLF$H$CRLF"
check "long path: 404" [ "$(first_status)" = 404 ]
check "no control byte in the server log" bash -c '! LC_ALL=C grep -q "[[:cntrl:]]" <(tr -d "\n\t" <"$0")' "$MAIN_LOG"
check "the encoded CR LF did not forge a log line" bash -c '! grep -q "^forged" "$0" && grep -qF "/v1/  forged line here" "$0"' "$MAIN_LOG"
check "the logged path is capped" bash -c '[ "$(grep -o "LLLL*" "$0" | awk "{ print length }" | sort -n | tail -1)" -le 200 ]' "$MAIN_LOG"

echo "-- not TLS"
raw "GET /health HTTP/1.1$CRLF$H$CRLF" --plain
check "plain HTTP: 400 saying to use https://" layer_error 400 "use https://127.0.0.1:$PORT/"
check "plain HTTP: connection closed" closed
raw $'\x01\x02\x03garbage' --plain
check "neither TLS nor HTTP: closed without an answer" bash -c '[ "$0" = 0 ] && [ -z "$1" ]' "$RAW_RC" "$OUT"

echo "-- binding"
printf 'server:\n  listen: "127.0.0.1:%s"\n  tls_certificate: %s\n  tls_private_key: %s\naudit:\n  path: %s\nplugins:\n  directory: %s\n' \
  "$PORT" "$CACERT" "${CACERT%cert.pem}key.pem" "$WORK/second-audit.jsonl" "$PLUGINS" >"$WORK/second.yaml"
cp "$DIR/policy.yaml" "$WORK/policy.yaml"
out=$(API_KEY=$KEY timeout 20 "$HA_BINARY" --config "$WORK/second.yaml" 2>&1); rc=$?
check "a second instance on the same port exits 78" [ "$rc" = 78 ]
check "it names the address in use" grep -q "cannot listen on 127.0.0.1:$PORT: the address is already in use" <<<"$out"
check "it never said it was listening" bash -c '! grep -q "listening on" <<<"$0"' "$out"
req GET /health
check "the first instance still answers" status_is 200

echo "-- 1024 keep-alive clients (wrk)"
# 20 s: under a sanitizer each TLS handshake costs ~6 ms of CPU, 1024 of them over 6 s.
wrk -t2 -c1024 -d20s --timeout 10s "$URL/health" >"$WORK/wrk.out" 2>&1
sed 's/^/       /' "$WORK/wrk.out"
served=$(awk '/requests in/ { print $1 }' "$WORK/wrk.out")
check "every connection was served (${served:-0} answers)" [ "${served:-0}" -ge 1024 ]
check "no socket errors (connect, read, write, timeout)" bash -c '! grep -q "Socket errors" "$0"' "$WORK/wrk.out"
check "no non-2xx answers" bash -c '! grep -q "Non-2xx" "$0"' "$WORK/wrk.out"
check "no connection was refused" bash -c '! grep -q "refused .* connection" "$0"' "$MAIN_LOG"
check "SIGTERM stops the server cleanly" ha_stop "$MAIN_PID"

echo "== deadlines (handshake 2 s, request 2 s, keep-alive 2 s)"
HA_SERVER_YAML="  handshake_timeout: 2
  request_timeout: 2
  keep_alive_timeout: 2" ha_start deadlines "plugins:
  directory: $PLUGINS" API_KEY="$KEY" || exit 1
PORT=${URL##*:}
raw "" --plain --timeout 6
check "silent TCP connection closed at the handshake deadline (${RAW_MS} ms)" \
  bash -c '[ "$0" = 0 ] && [ "$1" -ge 1500 ] && [ "$1" -lt 4500 ]' "$RAW_RC" "$RAW_MS"
raw "GET /health HTTP/1.1$CRLF${H}X-Slow: a" --timeout 6
check "unfinished request: 408 JSON error" layer_error 408 "not received within 2 s"
check "unfinished request: closed at the request deadline (${RAW_MS} ms)" \
  bash -c '[ "$0" = 0 ] && [ "$1" -ge 1500 ] && [ "$1" -lt 4500 ]' "$RAW_RC" "$RAW_MS"
raw "GET /health HTTP/1.1$CRLF$H$CRLF" --timeout 6
check "idle keep-alive connection: answered, then closed at the keep-alive deadline (${RAW_MS} ms)" \
  bash -c '[ "$0" = 200 ] && [ "$1" = 0 ] && [ "$2" -ge 1500 ] && [ "$2" -lt 4500 ]' "$(first_status)" "$RAW_RC" "$RAW_MS"
check "SIGTERM stops the server cleanly" ha_stop "$PID"

# hold KIND N SOURCES SECONDS: the attack helper in the background; waits until the server holds N more.
hold() {
  local before
  before=$(ls "/proc/$PID/fd" | wc -l)
  "$HOSTILE" attack --port "$PORT" --sources "$3" --seconds "$4" "--$1" "$2" >"$WORK/hold.log" 2>&1 &
  HOLD=$!
  HA_PIDS="$HA_PIDS $HOLD"
  for i in $(seq 1 50); do
    [ "$(ls "/proc/$PID/fd" | wc -l)" -ge $((before + $2)) ] && return 0
    sleep 0.1
  done
  return 1
}
# timed_get [curl args]: GET /health; sets STATUS and GET_MS.
timed_get() {
  local start
  start=$(date +%s%N)
  STATUS=$(curl -s --max-time 5 --cacert "$CACERT" -o /dev/null -w '%{http_code}' "$@" "$URL/health") || STATUS=000
  GET_MS=$(( ($(date +%s%N) - start) / 1000000 ))
}

echo "== connection cap (max_connections 16)"
HA_SERVER_YAML="  max_connections: 16
  keep_alive_timeout: 30" ha_start cap "plugins:
  directory: $PLUGINS" API_KEY="$KEY" || exit 1
PORT=${URL##*:}
check "16 idle keep-alive clients fill the cap" hold trickle 16 127.0.0.2-127.0.0.9 6
sleep 0.5
timed_get
check "a new client is served: the oldest idle connection made room" status_is 200
wait "$HOLD"
check "an idle connection was closed for it" \
  bash -c '[ "$(awk "\$1 == \"trickle:\" { print \$6 }" "$0")" -ge 1 ]' "$WORK/hold.log"
check "16 silent connections fill the cap" hold silent 16 127.0.0.2-127.0.0.9 5
timed_get
check "nothing idle to close: refused at once (status $STATUS in $GET_MS ms)" \
  bash -c '[ "$0" = 000 ] && [ "$1" -lt 1000 ]' "$STATUS" "$GET_MS"
check "the refusal is logged" grep -q "refused 1 connection(s): server.max_connections reached" "$LOG"
wait "$HOLD"
timed_get
check "served again once the silent clients left" status_is 200
check "SIGTERM stops the server cleanly" ha_stop "$PID"

echo "== per-address cap (max_connections_per_address 4)"
HA_SERVER_YAML="  max_connections_per_address: 4" ha_start peraddr "plugins:
  directory: $PLUGINS" API_KEY="$KEY" || exit 1
PORT=${URL##*:}
check "4 silent connections from 127.0.0.3" hold silent 4 127.0.0.3-127.0.0.3 5
timed_get --interface 127.0.0.3
check "a fifth from 127.0.0.3 is refused at once (status $STATUS in $GET_MS ms)" \
  bash -c '[ "$0" = 000 ] && [ "$1" -lt 1000 ]' "$STATUS" "$GET_MS"
timed_get --interface 127.0.0.4
check "another address is served" status_is 200
check "the refusal names the per-address cap" grep -q "server.max_connections_per_address reached" "$LOG"
wait "$HOLD"
check "SIGTERM stops the server cleanly" ha_stop "$PID"

finish
