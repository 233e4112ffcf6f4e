# Helpers for the integration tests: a private work directory, a self-signed certificate, the
# real server started on 127.0.0.1 (port chosen by the kernel), curl requests and assertions.
# Source it; then use ha_start/ha_stop, req and check. Every network call goes to 127.0.0.1.

PASS=0
FAIL=0
WORK=$(mktemp -d /tmp/ha-it-XXXXXX)
chmod 755 "$WORK"
trap 'ha_cleanup' EXIT

ha_cleanup() {
  local pid
  for pid in ${HA_PIDS:-}; do
    { kill -KILL "$pid" && wait "$pid"; } 2>/dev/null || true
  done
  [ -n "${HA_KEEP_WORK:-}" ] && echo "(kept $WORK)" || rm -rf "$WORK"
}

check() {  # check "description" command...
  local what=$1
  shift
  if "$@"; then
    PASS=$((PASS + 1))
    echo "  ok   $what"
  else
    FAIL=$((FAIL + 1))
    echo "  FAIL $what"
    [ -n "${BODY_FILE:-}" ] && [ -f "$BODY_FILE" ] && echo "       last status $STATUS, body: $(head -c 600 "$BODY_FILE")"
  fi
}

finish() {
  echo "$PASS passed, $FAIL failed"
  [ "$FAIL" -eq 0 ]
}

ha_make_cert() {  # ha_make_cert DIR -> DIR/tls/{cert,key}.pem for 127.0.0.1
  mkdir -p "$1/tls"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -keyout "$1/tls/key.pem" -out "$1/tls/cert.pem" -subj "/CN=127.0.0.1" \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" 2>/dev/null
}

# ha_start NAME CONFIG_BODY [VAR=value ...]: writes $WORK/NAME/config.yaml (listen/tls/audit are
# added, plus HA_SERVER_YAML: more "server:" keys, each line indented by two spaces; server.web_root
# when HA_WEB_ROOT is set; the audit path and sync mode from $HA_AUDIT_PATH and $HA_AUDIT_SYNC when
# set), starts the server with the given environment and waits until it listens.
# Sets URL, PID, DIR (the instance directory) and LOG.
ha_start() {
  local name=$1 body=$2
  shift 2
  DIR=$WORK/$name
  mkdir -p "$DIR"
  ha_make_cert "$DIR"
  [ -f "$DIR/policy.yaml" ] || printf 'allow: ["cpu.*", "memory.*", "disk.*", "docker.*"]\n' >"$DIR/policy.yaml"
  printf 'server:\n  listen: "127.0.0.1:0"\n%s%baudit:\n  path: %s\n%s%s\n' "${HA_SERVER_YAML:+$HA_SERVER_YAML
}" "${HA_WEB_ROOT:+  web_root: \"$HA_WEB_ROOT\"\n}" "${HA_AUDIT_PATH:-audit.jsonl}" "${HA_AUDIT_SYNC:+  sync: $HA_AUDIT_SYNC
}" "$body" >"$DIR/config.yaml"
  LOG=$DIR/server.log
  env "$@" "$HA_BINARY" --config "$DIR/config.yaml" >"$LOG" 2>&1 &
  PID=$!
  HA_PIDS="${HA_PIDS:-} $PID"
  local i port=""
  for i in $(seq 1 100); do
    port=$(sed -n 's/.*listening on https:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$LOG" | head -1)
    [ -n "$port" ] && break
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$port" ]; then
    echo "server $name did not start:"
    cat "$LOG"
    return 1
  fi
  URL=https://127.0.0.1:$port
  CACERT=$DIR/tls/cert.pem
}

ha_stop() {  # ha_stop PID: SIGTERM, expects a clean exit
  kill -TERM "$1"
  local rc=0
  wait "$1" || rc=$?
  return $rc
}

# req METHOD PATH [curl args...]: sets STATUS, BODY (text) and HEADERS (file).
req() {
  local method=$1 path=$2
  shift 2
  BODY_FILE=$WORK/body
  HEADERS=$WORK/headers
  rm -f "$BODY_FILE"  # curl leaves the file alone when a response has no body
  STATUS=$(curl -sS --max-time 30 --cacert "$CACERT" -X "$method" -o "$BODY_FILE" -D "$HEADERS" \
    -w '%{http_code}' "$@" "$URL$path") || STATUS=000
  touch "$BODY_FILE"
  BODY=$(cat "$BODY_FILE")
}

status_is() { [ "$STATUS" = "$1" ]; }
body_has() { grep -qF -- "$1" "$BODY_FILE"; }
json_eq() { [ "$(jq -r "$1" "$BODY_FILE" 2>/dev/null)" = "$2" ]; }
header_has() { grep -qi -- "^$1" "$HEADERS"; }
is_error_json() { jq -e '.error | type == "string" and length > 0' "$BODY_FILE" >/dev/null 2>&1; }

# Same rounding as the host's humanBytes(): 2 decimals below 10, 1 below 100, else none.
human_bytes() {
  awk -v b="$1" 'BEGIN {
    split("B KiB MiB GiB TiB PiB", u, " "); i = 1; v = b;
    while (v >= 1024 && i < 6) { v /= 1024; i++ }
    if (i == 1) { printf "%d B", b; exit }
    d = (v < 10) ? 2 : ((v < 100) ? 1 : 0);
    printf ("%." d "f %s"), v, u[i] }'
}

# ---- expectations: one line each, the description first ---------------------------------------
quiet_jq() { jq -e "$1" "$2" >/dev/null 2>&1; }
expect_status() { check "$1" status_is "$2"; }                   # expect_status DESC CODE
expect_jq() { check "$1" quiet_jq "$2" "${3:-$BODY_FILE}"; }      # expect_jq DESC FILTER [FILE]
# expect_event DESC EVENT FILTER: $EVENTS (from sse) has an EVENT event and FILTER holds for each.
# (Not `jq -e 'select(...)'`: jq 1.6 takes its exit status from the last input, matched or not.)
expect_event() { check "$1" quiet_jq_n "[inputs | select(.event == \"$2\") | ($3)] | length > 0 and all" "$EVENTS"; }
quiet_jq_n() { jq -n -e "$1" "$2" >/dev/null 2>&1; }
expect_body() { check "$1" body_has "$2"; }                      # expect_body DESC FIXED_TEXT
expect_no_body() { check "$1" not_in_file "$2" "$BODY_FILE"; }    # expect_no_body DESC FIXED_TEXT
expect_grep() { check "$1" grep -qE -- "$2" "$3"; }               # expect_grep DESC REGEX FILE
expect_no_grep() { check "$1" not_in_file "$2" "${@:3}"; }        # expect_no_grep DESC FIXED FILE...
expect_eq() { check "$1" [ "$2" = "$3" ]; }                       # expect_eq DESC ACTUAL EXPECTED
not_in_file() { ! grep -rqF -- "$1" "${@:2}"; }
# expect_exit DESC CODE command...: runs it; its output is in $OUT.
expect_exit() {
  local what=$1 code=$2 rc=0
  shift 2
  OUT=$("$@" 2>&1) || rc=$?
  check "$what (exit $rc)" [ "$rc" = "$code" ]
}

# ha_plugin_dir NAME FILE...: a plugin directory with the given .so files, as the loader wants it.
ha_plugin_dir() {
  local dir=$WORK/$1
  shift
  mkdir -p "$dir"
  cp "$@" "$dir/"
  chmod 755 "$dir" "$dir"/*.so
  PLUGIN_DIR=$dir
}

# chat MESSAGE [CONVERSATION_ID]: POST /chat with the key in $KEY.
chat() {
  local body
  body=$(jq -nc --arg m "$1" --arg c "${2:-}" 'if $c == "" then {message: $m} else {message: $m, conversation_id: $c} end')
  req POST /chat -H "X-API-Key: $KEY" -H "Content-Type: application/json" -d "$body"
}
answer() { jq -r .message "$BODY_FILE"; }

# sse NAME MESSAGE [CONVERSATION_ID] [curl args...]: POST /chat as an event stream (key in $KEY).
# Every event, stamped with the milliseconds since the request started when its data line
# arrived, becomes one line of $WORK/NAME.events: {"t":ms,"event":"...","data":{...}}. Sets
# EVENTS to that file and SSE_HEADERS to the response headers.
sse() {
  local name=$1 msg=$2 conv=${3:-} body t0
  shift 3 2>/dev/null || shift $#
  body=$(jq -nc --arg m "$msg" --arg c "$conv" 'if $c == "" then {message: $m} else {message: $m, conversation_id: $c} end')
  SSE_HEADERS=$WORK/$name.headers
  EVENTS=$WORK/$name.events
  t0=$(date +%s%3N)
  curl -sS -N --max-time 60 --cacert "$CACERT" -H "X-API-Key: $KEY" -H "Accept: text/event-stream" \
    -H "Content-Type: application/json" -D "$SSE_HEADERS" -d "$body" "$@" "$URL/chat" 2>/dev/null |
    while IFS= read -r line; do printf '%s\t%s\n' "$(($(date +%s%3N) - t0))" "$line"; done >"$WORK/$name.sse"
  awk -F'\t' '$2 ~ /^event: / { ev = substr($2, 8) }
              $2 ~ /^data: / { printf "{\"t\":%d,\"event\":\"%s\",\"data\":%s}\n", $1, ev, substr($2, 7) }' \
    "$WORK/$name.sse" >"$EVENTS"
}
# event_names: the events of $EVENTS in order, space-separated (text_delta runs as one).
event_names() { jq -r .event "$EVENTS" | uniq | tr '\n' ' ' | sed 's/ $//'; }
