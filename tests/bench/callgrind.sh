#!/bin/bash
# Instructions per request, counted by callgrind: independent of the machine's load, so a change
# on the hot path shows up even on a busy 2-core box. Prints figures, asserts nothing.
#
# The real server runs under `valgrind --tool=callgrind`; each case is driven over one TLS
# keep-alive connection (curl with many URLs). Every case is measured twice, with SHORT and with
# SHORT+N requests, each window between `callgrind_control --zero` and `--dump`; the difference
# divided by N is the cost of one request, free of start-up, warm-up, the TLS handshake and
# curl's own pauses. The same difference per function gives the breakdown by component (self
# cost, so the components add up to the total).
#
# usage: tests/bench/callgrind.sh [--build-dir DIR] [-n N] [--cache-ms MS]
#   --build-dir  an existing build tree (default build-bench/, configured RelWithDebInfo and
#                built when missing)
#   -n N         requests per case in the measured window (default 1000; a quarter of it for the
#                health question, which runs every check)
#   --cache-ms   cache_ms of the cpu, memory and disk plugins (default: theirs, 250; 0: no cache)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=
N=1000
CACHE_MS=
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) BUILD=$2; shift ;;
    -n) N=$2; shift ;;
    --cache-ms) CACHE_MS=$2; shift ;;
    *) echo "usage: $0 [--build-dir DIR] [-n N] [--cache-ms MS]" >&2; exit 2 ;;
  esac
  shift
done
SHORT=$(( N / 10 > 20 ? N / 10 : 20 ))
command -v valgrind >/dev/null && command -v callgrind_control >/dev/null ||
  { echo "valgrind is not installed (apt-get install valgrind): no figures"; exit 0; }

# The reference: instructions per request measured before this work (issue 11, and the
# connection layer's first profile). Printed next to today's figures.
declare -A REFERENCE=([health]=79000 [tool]=428000)
declare -A REFERENCE_NOTE=([health]="79k (110k with Poco's HTTPServer)" [tool]="428k")

if [ -z "$BUILD" ]; then
  BUILD=$ROOT/build-bench
  if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  fi
  cmake --build "$BUILD" -j2 --target homelab-assistant ha_tool_cpu ha_tool_memory ha_tool_disk ha_tool_sensors \
    ha_tool_network ha_tool_systemd >/dev/null
fi
BUILD=$(cd "$BUILD" && pwd)
BIN=$BUILD/host/homelab-assistant
[ -x "$BIN" ] || { echo "no server binary in $BUILD" >&2; exit 1; }

WORK=$(mktemp -d /tmp/ha-callgrind-XXXXXX)
PID=
cleanup() {
  [ -n "$PID" ] && { kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; }
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$WORK/tls"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1 \
  -addext "subjectAltName=IP:127.0.0.1" -keyout "$WORK/tls/key.pem" -out "$WORK/tls/cert.pem" 2>/dev/null
printf 'allow: ["cpu.*", "memory.*", "disk.*", "sensors.*", "network.*", "systemd.*"]\n' >"$WORK/policy.yaml"
cat >"$WORK/config.yaml" <<CONF
server:
  listen: "127.0.0.1:0"
  tls_certificate: $WORK/tls/cert.pem
  tls_private_key: $WORK/tls/key.pem
  keep_alive_timeout: 60
  request_timeout: 60
  max_keep_alive_requests: 1000000
plugins:
  directory: $BUILD/ha-plugins
$([ -n "$CACHE_MS" ] && printf '  settings:\n    cpu: {cache_ms: %s}\n    memory: {cache_ms: %s}\n    disk: {cache_ms: %s}\n' "$CACHE_MS" "$CACHE_MS" "$CACHE_MS")
policy: $WORK/policy.yaml
audit:
  path: $WORK/audit.jsonl
CONF
KEY=bench-key-$(openssl rand -hex 12)
# Default log level: one access-log line per request, as in production.
(cd "$WORK" && API_KEY=$KEY RATE_LIMIT_REQUESTS=1000000 exec valgrind --tool=callgrind --dump-instr=no \
  --callgrind-out-file="$WORK/cg.out" "$BIN" --config "$WORK/config.yaml") >"$WORK/server.log" 2>&1 &
PID=$!
PORT=
for i in $(seq 1 600); do
  PORT=$(sed -n 's/.*listening on https:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/server.log" | head -1)
  [ -n "$PORT" ] && break
  kill -0 "$PID" 2>/dev/null || break
  sleep 0.2
done
[ -n "$PORT" ] || { cat "$WORK/server.log"; exit 1; }
URL=https://127.0.0.1:$PORT

# drive COUNT PATH [BODY]: COUNT requests over one keep-alive connection; fails unless all got 200
drive() {
  local count=$1 path=$2 body=${3:-} cfg=$WORK/urls ok
  : >"$cfg"
  for ((i = 0; i < count; i++)); do echo "url = \"$URL$path\""; done >"$cfg"
  ok=$(curl -s --cacert "$WORK/tls/cert.pem" -H "X-API-Key: $KEY" ${body:+-H "Content-Type: application/json" -d "$body"} \
         -o /dev/null -w '%{http_code}\n' -K "$cfg" 2>/dev/null | grep -c '^200$' || true)
  [ "$ok" = "$count" ] || { echo "$path: $ok of $count requests answered 200" >&2; tail -5 "$WORK/server.log" >&2; exit 1; }
}
dumps() { find "$WORK" -maxdepth 1 -name 'cg.out.*' | head -1; }
# window NAME COUNT PATH [BODY]: counters zeroed, COUNT requests, dumped to $WORK/NAME.cg
window() {
  local name=$1 before
  shift
  callgrind_control --zero "$PID" >/dev/null 2>&1
  drive "$@"
  callgrind_control --dump="$name" "$PID" >/dev/null 2>&1
  for i in $(seq 1 300); do [ -n "$(dumps)" ] && break; sleep 0.1; done
  [ -n "$(dumps)" ] || { echo "callgrind wrote no dump for $name" >&2; exit 1; }
  sleep 0.2  # written completely
  mv "$(dumps)" "$WORK/$name.cg"
}

# Self cost per component (each instruction counts once, so the components add up to the total).
# The threads' entry functions (clone, start_thread, the std::thread trampolines) are still
# running at a dump and callgrind_annotate shows their whole inclusive cost as theirs: skipped.
classify() {
  awk '
    function comp(fn, obj) {
      if (obj ~ /libssl|libcrypto/) return "TLS (libssl, libcrypto)";
      if (fn ~ /(^|[^a-z_])(malloc|free|calloc|realloc|_int_malloc|_int_free|_int_realloc|malloc_consolidate|unlink_chunk|tcache|cfree|operator new|operator delete|sysmalloc|__libc_malloc|__libc_free|arena_get)/) return "malloc/free";
      if (fn ~ /Poco::JSON|rapidjson|ha::json::|json_[a-z]|poco_double_conversion|Poco::toJSON|Poco::UTF8/ || obj ~ /libPocoJSON/) return "JSON (Poco::JSON, RapidJSON)";
      if (fn ~ /ha::net::/) return "HTTP (ha::net)";
      if (fn ~ /AuditLog/) return "audit";
      if (obj ~ /ha-plugins|tool-[a-z]*\.so/ || fn ~ /ha::plugin::/) return "plugin call and plugins";
      if (fn ~ /Poco::Logger|Poco::Message|Poco::PatternFormatter|Poco::FormattingChannel|Poco::ConsoleChannel|Poco::DateTimeFormatter|RedactingChannel/) return "logging";
      if (fn ~ /Poco::Dynamic::/) return "Poco::Dynamic::Var";
      if (obj ~ /libstdc\+\+/) return "libstdc++ (streams, strings)";
      if (obj ~ /libc\.so|ld-linux|vdso/) return "libc (memcpy, syscalls, locks)";
      return "other (handlers, gate, Poco)";
    }
    # "1,234 (12.3%)  file:function [object]"
    /^ *[0-9,]+ / {
      n = $1; gsub(",", "", n); n += 0;
      line = $0; sub(/^ *[0-9,]+ +(\( *[0-9.]+%\) +)?/, "", line);
      obj = ""; if (match(line, /\[[^]]*\] *$/)) { obj = substr(line, RSTART); line = substr(line, 1, RSTART - 1) }
      if (line ~ /PROGRAM TOTALS/) { total = n; next }
      if (line ~ /clone\.S:clone|:start_thread|_State_impl<|execute_native_thread_routine/) next;
      if (obj ~ /libstdc\+\+/ && line ~ /^[?][?][?]:0x/ && n > total / 100) next;  # the unnamed std::thread trampoline
      sum[comp(line, obj)] += n;
    }
    END { for (c in sum) print c "\t" sum[c] }'
}
# Inclusive cost of named steps (a step includes what it calls, so steps overlap).
STEPS=("TLS record read/write (SSL_read, SSL_write)|:SSL_(read|write)(_ex)? "
  "request parsing (HttpRequestParser)|ha::net::HttpRequestParser::feed\("
  "response head (ServerResponse)|ha::net::ServerResponse::head(\[abi:cxx11\])?\("
  "JSON parse (host, json::parse)|ha::json::parse(\[abi:cxx11\])?\("
  "JSON text (host, json::stringify)|ha::json::stringify(\[abi:cxx11\])?\("
  "JSON text (plugins, toJson)|ha_plugins::toJson(\[abi:cxx11\])?\("
  "redaction (Redactor)|ha::Redactor::redact(ForLog)?(\[abi:cxx11\])?\("
  "audit append (AuditLog)|ha::AuditLog::append(Then)?\("
  "log lines (RedactingChannel)|ha::RedactingChannel::log(Line)?\("
  "tool gate (ToolExecutor::execute)|ha::ToolExecutor::execute\("
  "plugin call (PluginTool::invoke)|ha::plugin::PluginTool::invoke\(")
steps() {
  local spec
  for spec in "${STEPS[@]}"; do echo "$spec"; done >"$WORK/steps"
  callgrind_annotate --auto=no --threshold=100 --inclusive=yes "$1" 2>/dev/null | awk -v specs="$WORK/steps" '
    BEGIN { while ((getline l < specs) > 0) { k = index(l, "|"); name[++m] = substr(l, 1, k - 1); re[m] = substr(l, k + 1) } }
    /^ *[0-9,]+ / {
      n = $1; gsub(",", "", n);
      if ($0 ~ /\x27[0-9]/) next;  # recursion: counted at its outermost call
      for (i = 1; i <= m; i++) if ($0 ~ re[i]) { sum[name[i]] += n }
    }
    END { for (i = 1; i <= m; i++) print name[i] "\t" sum[name[i]] + 0 }'
}
total_of() { callgrind_annotate --auto=no "$1" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1; exit }'; }
breakdown() { callgrind_annotate --auto=no --threshold=100 --inclusive=no "$1" 2>/dev/null | classify; }

# Warm-up: every code path once, caches filled.
drive 20 /health
drive 20 /v1/tools/cpu.usage '{}'
drive 10 /chat '{"message":"How much disk space is left?"}'
drive 5 /chat '{"message":"Is everything running correctly?"}'

CASES=(health tool chat_topic chat_health)
declare -A PATHS=([health]=/health [tool]=/v1/tools/cpu.usage [chat_topic]=/chat [chat_health]=/chat)
declare -A BODIES=([health]= [tool]='{}' [chat_topic]='{"message":"How much disk space is left?"}'
  [chat_health]='{"message":"Is everything running correctly?"}')
declare -A TITLES=([health]="GET /health" [tool]="POST /v1/tools/cpu.usage (auth, audit)"
  [chat_topic]="POST /chat offline, one topic (disk)" [chat_health]="POST /chat \"Is everything running correctly?\"")
echo "== callgrind: instructions per request ($N requests per case, TLS keep-alive, access log on, $(valgrind --version)${CACHE_MS:+, cache_ms $CACHE_MS})"
for c in "${CASES[@]}"; do
  n=$N
  # The health question runs every check: fewer requests keep the run short.
  [ "$c" = chat_health ] && n=$(( N / 4 > 20 ? N / 4 : 20 ))
  window "$c-short" "$SHORT" "${PATHS[$c]}" "${BODIES[$c]}"
  window "$c-long" "$((SHORT + n))" "${PATHS[$c]}" "${BODIES[$c]}"
  per=$(( ($(total_of "$WORK/$c-long.cg") - $(total_of "$WORK/$c-short.cg")) / n ))
  echo "$c $per" >>"$WORK/totals"
  join -t$'\t' -a1 -a2 -e0 -o 0,1.2,2.2 <(breakdown "$WORK/$c-long.cg" | sort) <(breakdown "$WORK/$c-short.cg" | sort) |
    awk -F'\t' -v n="$n" -v c="$c" '{ printf "%s\t%s\t%d\n", c, $1, ($2 - $3) / n }' >>"$WORK/components"
  join -t$'\t' -a1 -a2 -e0 -o 0,1.2,2.2 <(steps "$WORK/$c-long.cg" | sort) <(steps "$WORK/$c-short.cg" | sort) |
    awk -F'\t' -v n="$n" -v c="$c" '{ printf "%s\t%s\t%d\n", c, $1, ($2 - $3) / n }' >>"$WORK/steps-per-request"
done

printf '\n%-46s %14s %12s %8s\n' case "instr/request" reference ratio
for c in "${CASES[@]}"; do
  per=$(awk -v c="$c" '$1 == c { print $2 }' "$WORK/totals")
  ref=${REFERENCE[$c]:-}
  printf '%-46s %14s %12s %8s\n' "${TITLES[$c]}" "$(printf "%'d" "$per")" "${REFERENCE_NOTE[$c]:--}" \
    "$([ -n "$ref" ] && awk -v a="$per" -v b="$ref" 'BEGIN { printf "%.2f", a / b }' || echo -)"
done
echo
# table TITLE FILE NAME...: one row per NAME, per case "Nk  P%" of the case's total
table() {
  local title=$1 file=$2 name c v tot
  shift 2
  printf '%-44s' "$title"; for c in "${CASES[@]}"; do printf ' %13s' "$c"; done; echo
  for name in "$@"; do
    printf '%-44s' "$name"
    for c in "${CASES[@]}"; do
      v=$(awk -F'\t' -v c="$c" -v k="$name" '$1 == c && $2 == k { print $3 }' "$file")
      tot=$(awk -v c="$c" '$1 == c { print $2 }' "$WORK/totals")
      printf ' %13s' "$(awk -v v="${v:-0}" -v t="$tot" 'BEGIN { printf "%.1fk %3d%%", v / 1000, (t > 0 ? 100 * v / t : 0) }')"
    done
    echo
  done
}
COMPONENTS=("TLS (libssl, libcrypto)" "JSON (Poco::JSON, RapidJSON)" "malloc/free" "HTTP (ha::net)" "audit"
  "plugin call and plugins" "logging" "Poco::Dynamic::Var" "libstdc++ (streams, strings)"
  "libc (memcpy, syscalls, locks)" "other (handlers, gate, Poco)")
# What the per-function lines do not cover (the thread entry functions' own few instructions).
for c in "${CASES[@]}"; do
  awk -F'\t' -v c="$c" -v t="$(awk -v c="$c" '$1 == c { print $2 }' "$WORK/totals")" \
    '$1 == c { s += $3 } END { printf "%s\tthread bodies (loops inlined there)\t%d\n", c, t - s }' "$WORK/components"
done >>"$WORK/components"
echo "-- where they go: self cost per request by component (the rows add up to the total)"
table component "$WORK/components" "${COMPONENTS[@]}" "thread bodies (loops inlined there)"
echo
echo "-- inclusive cost per request of named steps (a step includes what it calls: steps overlap)"
mapfile -t STEP_NAMES < <(printf '%s\n' "${STEPS[@]}" | cut -d'|' -f1)
table step "$WORK/steps-per-request" "${STEP_NAMES[@]}"
echo "(the issue's reference profile, cpu.usage 428k: Poco::JSON stringify ~50% (host 27%, plugin 11%), JSON parse 12%,"
echo " malloc/free 17%; /health 110k with Poco's HTTPServer: stringify 14%, headers 23%, request parse 24%, TLS 13%)"
if [ -n "${CALLGRIND_KEEP:-}" ]; then mkdir -p "$CALLGRIND_KEEP" && cp "$WORK"/*.cg "$CALLGRIND_KEEP"/ && echo "profiles kept in $CALLGRIND_KEEP"; fi
