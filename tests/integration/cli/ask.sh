#!/bin/bash
# The client commands `ask` and `status` against the real server (offline provider, the in-tree
# plugins): a streamed answer on stdout equal to the audited one (written in pieces, as it
# arrived), a conversation continued, the key from --key-file, HA_API_KEY or the server's
# secrets file next to its configuration (URL and certificate from that configuration too), and
# every exit code: 1 usage, 2 no server / TLS refused / a server that says nothing, 3 a wrong
# key, 4 rate limited, 5 a server error, 130 interrupted. The key never shows in any output.
# usage: ask.sh BINARY PLUGIN_DIR FIXTURE_PLUGIN_DIR
set -uo pipefail
HA_BINARY=$1 PLUGINS=$2
. "$(dirname "$0")/../lib.sh"
KEY=cli-key-$(openssl rand -hex 12)
ha_start cli "plugins:
  directory: $PLUGINS" API_KEY="$KEY" LLM_PROVIDER=offline RATE_LIMIT_REQUESTS=1000 || exit 1
AUDIT=$DIR/audit.jsonl
MAIN_URL=$URL MAIN_CERT=$CACERT MAIN_PID=$PID
OUT=$WORK/out ERR=$WORK/err
N=0

# cli [VAR=value ...] -- ARGS...: runs the binary with only the given environment (no HA_* from
# outside); RC, stdout in $OUT, stderr in $ERR (each run's output also kept as $WORK/run-N.*).
cli() {
  local vars=()
  while [ "$1" != "--" ]; do vars+=("$1"); shift; done
  shift
  RC=0
  env -i PATH="$PATH" HOME="$WORK" "${vars[@]}" timeout 60 "$HA_BINARY" "$@" <"${CLI_STDIN:-/dev/null}" >"$OUT" 2>"$ERR" || RC=$?
  N=$((N + 1))
  cp "$OUT" "$WORK/run-$N.out"
  cp "$ERR" "$WORK/run-$N.err"
}
rc_is() { [ "$RC" = "$1" ] || { echo "       exit $RC, stderr: $(head -c 400 "$ERR")"; false; }; }
expect_rc() { check "$1" rc_is "$2"; }
one_line_err() { [ "$(wc -l <"$ERR")" = 1 ] && grep -q '^homelab-assistant: ' "$ERR"; }

echo "== ask"
cli HA_API_KEY="$KEY" -- ask --url "$URL" --ca "$CACERT" "How much disk space is left?"
expect_rc "ask answers: exit 0" 0
check "  the answer on stdout" [ -s "$OUT" ]
expect_grep "  the conversation id on stderr" '^conversation: [A-Za-z0-9._:-]+$' "$ERR"
conv=$(sed -n 's/^conversation: //p' "$ERR")
expect_jq "  audited as a streamed chat turn of that conversation" \
  ".type == \"chat\" and .conversation_id == \"$conv\" and .streamed == true and .status == 200" <(tail -1 "$AUDIT")
check "  stdout is exactly the audited answer (plus a newline)" \
  bash -c '[ "$(cat "$0")" = "$(tail -1 "$1" | jq -r .assistant_response)" ]' "$OUT" "$AUDIT"
cli HA_API_KEY="$KEY" -- ask --url "$URL" --ca "$CACERT" --conversation "$conv" --verbose What is the CPU usage
expect_rc "--conversation continues it (the question in several words)" 0
expect_jq "  the same conversation, the words joined" \
  ".conversation_id == \"$conv\" and .user_message == \"What is the CPU usage\"" <(tail -1 "$AUDIT")
expect_grep "  --verbose: the capability calls on stderr" '^\[cpu\.[a-z_]+: allowed, ok\]$' "$ERR"
cli HA_API_KEY="$KEY" -- ask --url "$URL" --ca "$CACERT" "Restart the plex container"
expect_rc "a refusal is an answer too: exit 0" 0
check "  its message on stdout" [ -s "$OUT" ]
expect_jq "  audited as refused" '.refused == true' <(tail -1 "$AUDIT")

echo "== the answer streams"
if strace -f -qq -e trace=write -e signal=none -o "$WORK/strace" true 2>/dev/null; then
  RC=0
  # (LeakSanitizer cannot run under ptrace.)
  env -i PATH="$PATH" HA_API_KEY="$KEY" ASAN_OPTIONS=detect_leaks=0 strace -f -qq -e trace=write -e signal=none -o "$WORK/strace" \
    "$HA_BINARY" ask --url "$URL" --ca "$CACERT" "Is everything running correctly?" </dev/null >"$OUT" 2>"$ERR" || RC=$?
  expect_rc "under strace: exit 0" 0
  writes=$(grep -c '^[0-9]* *write(1,' "$WORK/strace")
  deltas=$(tail -1 "$AUDIT" | jq -r .assistant_response | wc -w)
  check "the answer reached stdout in pieces as they arrived ($writes writes for $deltas words)" [ "$writes" -gt 1 ]
else
  echo "  (strace cannot trace here: the pieces are not counted)"
fi

echo "== status"
cli HA_API_KEY="$KEY" -- status --url "$URL" --ca "$CACERT"
expect_rc "status: exit 0" 0
expect_grep "  the health line" "^homelab-assistant [0-9.]+ at $URL: healthy$" "$OUT"
expect_grep "  the verdict" '^verdict: (ok|warning|critical) - ' "$OUT"
expect_grep "  when it was checked" '^checked at [0-9T:.-]+Z? in [0-9]+ ms$' "$OUT"
cli HA_API_KEY="$KEY" -- status --url "$URL" --ca "$CACERT" --json
expect_rc "status --json: exit 0" 0
expect_jq "  one JSON object: url, health, status with verdict and findings" \
  ".url == \"$URL\" and .health.status == \"healthy\" and (.status.verdict | IN(\"ok\", \"warning\", \"critical\")) and (.status.findings | type) == \"array\"" "$OUT"
expect_jq "  audited as a status request" '.type == "status"' <(tail -1 "$AUDIT")

echo "== where the key, the URL and the certificate come from"
printf '%s\n' "$KEY" >"$WORK/plain.key"
cli -- ask --url "$URL" --ca "$CACERT" --key-file "$WORK/plain.key" "How much memory is used?"
expect_rc "--key-file with the key alone" 0
printf '# the key\nexport API_KEY="%s"\nGROQ_API_KEY=\n' "$KEY" >"$WORK/env.key"
cli HA_API_KEY=wrong-key-0123456789 -- ask --url "$URL" --ca "$CACERT" --key-file "$WORK/env.key" "How much memory is used?"
expect_rc "--key-file in env-file syntax, before HA_API_KEY" 0
port=${URL##*:}
mkdir -p "$WORK/etc"
printf 'server:\n  listen: "0.0.0.0:%s"\n  tls_certificate: %s\n' "$port" "$CACERT" >"$WORK/etc/config.yaml"
printf '# as the package writes it\nAPI_KEY=%s\n#GROQ_API_KEY=\n' "$KEY" >"$WORK/etc/secrets.env"
chmod 0640 "$WORK/etc/secrets.env"
cli -- ask --config "$WORK/etc/config.yaml" "How much disk space is left?"
expect_rc "nothing but --config: the key from secrets.env, 0.0.0.0 as loopback, the certificate pinned" 0
cli -- status --config "$WORK/etc/config.yaml" --json
expect_jq "  status too, at 127.0.0.1" ".url == \"$URL\"" "$OUT"
printf 'server:\n  listen: "127.0.0.1:%s"\n  tls_certificate: %s\nauth:\n  api_key: %s\n' "$port" "$CACERT" "$KEY" >"$WORK/auth-key.yaml"
cli -- status --config "$WORK/auth-key.yaml"
expect_rc "auth.api_key in the configuration is the last resort" 0
cli HA_URL="$URL" -- status --config "$WORK/auth-key.yaml" --ca "$CACERT"
expect_rc "HA_URL" 0
cli -- status --url "$URL" --ca "$CACERT" --config "$WORK/nothing.yaml"
expect_rc "no key anywhere: a usage error (1)" 1
expect_grep "  saying where to put one" 'no API key: use --key-file FILE or set HA_API_KEY' "$ERR"
cli -- status --url "$URL" --ca "$CACERT" --key-file "$WORK/missing.key"
expect_rc "a key file that cannot be read: 1" 1

echo "== TLS"
ha_make_cert "$WORK/other"
cli HA_API_KEY="$KEY" -- ask --url "$URL" --ca "$WORK/other/tls/cert.pem" "How much disk space is left?"
expect_rc "another certificate than the server's: 2" 2
check "  one line saying TLS, naming the trusted file" bash -c 'grep -q "TLS failure" "$0" && grep -qF "$1" "$0" && [ "$(wc -l <"$0")" = 1 ]' "$ERR" "$WORK/other/tls/cert.pem"
printf 'server:\n  listen: "127.0.0.1:%s"\n  tls_certificate: %s\n' "$port" "$WORK/none.pem" >"$WORK/no-cert.yaml"
cli HA_API_KEY="$KEY" -- status --config "$WORK/no-cert.yaml"
expect_rc "no certificate to pin: the system's CAs, which do not know a self-signed one: 2" 2
expect_grep "  a TLS message with the hint" 'TLS failure.*--ca FILE' "$ERR"
cli HA_API_KEY="$KEY" -- ask --url "https://localhost:$port" --ca "$WORK/other/tls/cert.pem" "How much disk space is left?"
expect_rc "  by name (localhost) just the same" 2
cli HA_API_KEY="$KEY" -- ask --url "$URL" --insecure "How much disk space is left?"
expect_rc "--insecure: answered" 0
expect_grep "  with a warning on stderr" 'warning: --insecure' "$ERR"
cli HA_API_KEY="$KEY" -- ask --url "$URL" --insecure --ca "$CACERT" "hi"
expect_rc "--insecure with --ca: 1" 1
cli HA_API_KEY="$KEY" -- ask --url "http://127.0.0.1:$port" "hi"
expect_rc "http:// is refused before connecting: 1" 1

echo "== refusals and errors"
cli HA_API_KEY=wrong-key-0123456789 -- ask --url "$URL" --ca "$CACERT" "How much disk space is left?"
expect_rc "a wrong key: 3" 3
check "  one line" one_line_err
expect_grep "  with the server's words" '^homelab-assistant: refused \(401\): .*API key' "$ERR"
check "  nothing on stdout" [ ! -s "$OUT" ]
cli HA_API_KEY=wrong-key-0123456789 -- status --url "$URL" --ca "$CACERT"
expect_rc "status with a wrong key: 3" 3
cli HA_API_KEY="$KEY" -- ask --url "$URL" --ca "$CACERT" "$(head -c 5000 /dev/zero | tr '\0' 'a')"
expect_rc "a question over chat.max_message_chars: the server's 400 is 5" 5
expect_grep "  with its words" "server error \(400\): field 'message' is longer than" "$ERR"
cli HA_API_KEY="$KEY" -- ask --url "$URL" --ca "$CACERT" --conversation "not valid!" "hi"
expect_rc "a bad conversation id: 5" 5
cli HA_API_KEY="$KEY" -- ask --url "$URL" --ca "$CACERT"
expect_rc "no question and stdin not a terminal: 1" 1
cli -- ask --frobnicate
expect_rc "an unknown option: 1" 1
check "  one line" one_line_err
cli -- status --json extra
expect_rc "status takes no words: 1" 1
cli -- ask --timeout 0 hi
expect_rc "--timeout 0: 1" 1
cli -- ask --help
expect_rc "ask --help: 0" 0
expect_grep "  lists the exit codes" '0 answered, 1 usage error, 2 cannot connect or TLS failure, 3 key refused' "$OUT"
cli -- --help
expect_grep "the server's --help names the client commands" 'homelab-assistant ask' "$OUT"
cli -- --config "$WORK/etc/config.yaml" ask "hi"
expect_rc "a command after the server's options: refused (64), not served" 64
expect_grep "  saying the commands come first" 'client commands come first' "$ERR"

echo "== a prompt on a terminal"
printf 'How much disk space is left?\nWhat is the CPU usage?\n\n' >"$WORK/prompt.in"
lines_before=$(wc -l <"$AUDIT")
RC=0
env -i PATH="$PATH" HA_API_KEY="$KEY" TERM=dumb timeout 60 script -qec \
  "$(printf '%q ' "$HA_BINARY" ask --url "$URL" --ca "$CACERT")" /dev/null <"$WORK/prompt.in" >"$WORK/prompt.out" 2>&1 || RC=$?
expect_rc "two questions, then an empty line: exit 0" 0
expect_eq "  both asked" "$(($(wc -l <"$AUDIT") - lines_before))" 2
expect_jq "  in one conversation" '[inputs | .conversation_id] | unique | length == 1' <(echo null; tail -2 "$AUDIT")
expect_grep "  with a prompt" '^> ' "$WORK/prompt.out"

echo "== no server, a silent one, an interrupt"
# Reads what it is sent and never says a word (each connection's child ends when its client does).
socat -u -d -d TCP-LISTEN:0,bind=127.0.0.1,fork OPEN:/dev/null 2>"$WORK/socat.log" &
SILENT=$!
HA_PIDS="$HA_PIDS $SILENT"
for i in $(seq 1 50); do grep -q 'listening on' "$WORK/socat.log" && break; sleep 0.1; done
silent_port=$(sed -n 's/.*listening on AF=2 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/socat.log" | head -1)
cli HA_API_KEY="$KEY" -- status --url "https://127.0.0.1:$silent_port" --ca "$CACERT" --timeout 2
expect_rc "a server that accepts and says nothing: 2 after --timeout" 2
expect_grep "  saying so" 'no answer from|TLS failure|timed? ?out' "$ERR"
env -i PATH="$PATH" HA_API_KEY="$KEY" "$HA_BINARY" status --url "https://127.0.0.1:$silent_port" --ca "$CACERT" \
  >"$WORK/int.out" 2>"$WORK/int.err" &
client=$!
sleep 1
kill -INT "$client"
RC=0
wait "$client" || RC=$?
expect_rc "SIGINT while waiting: 130" 130
kill "$SILENT" 2>/dev/null; wait "$SILENT" 2>/dev/null

echo "== rate limited"
KEY2=cli-key-$(openssl rand -hex 12)
ha_start limited "plugins:
  directory: $PLUGINS" API_KEY="$KEY2" LLM_PROVIDER=offline RATE_LIMIT_REQUESTS=1 RATE_LIMIT_WINDOW=600 || exit 1
cli HA_API_KEY="$KEY2" -- ask --url "$URL" --ca "$CACERT" "How much disk space is left?"
expect_rc "the first question of the window: 0" 0
cli HA_API_KEY="$KEY2" -- ask --url "$URL" --ca "$CACERT" "How much disk space is left?"
expect_rc "the second: 4" 4
expect_grep "  rate limited, with Retry-After" '^homelab-assistant: rate limited \(429\): .*; retry after [0-9]+ s$' "$ERR"
check "the limited server stops cleanly" ha_stop "$PID"
cli HA_API_KEY="$KEY2" -- ask --url "$URL" --ca "$CACERT" "How much disk space is left?"
expect_rc "its port closed now: 2" 2
expect_grep "  cannot connect" '^homelab-assistant: cannot connect to https://127\.0\.0\.1:[0-9]+: .*is the server running' "$ERR"

echo "== the key stays secret"
check "no output of any run holds the key" not_in_file "$KEY" "$WORK"/run-*.out "$WORK"/run-*.err "$WORK/prompt.out" "$WORK/int.err"
check "nor the audit log" not_in_file "$KEY" "$AUDIT"
check "nor the server's log" not_in_file "$KEY" "$WORK/cli/server.log"

URL=$MAIN_URL CACERT=$MAIN_CERT
req GET /health
expect_jq "the server is healthy" '.status == "healthy"'
check "the server stops cleanly" ha_stop "$MAIN_PID"
finish
