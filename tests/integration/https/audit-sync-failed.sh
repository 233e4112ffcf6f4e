#!/bin/bash
# The audit log's group commit failing (fdatasync reports EIO, as on a disk with a write-back
# error; an LD_PRELOAD shim fails it while a marker file exists). In batch mode the worker does
# not wait for the disk: the answer is held until a sync covers its record. A failed sync must
# therefore still withhold it: the client gets the route's 500 (in the route's error shape, with
# Connection: close), the record is cut from the file, the server log says why, and once syncs
# succeed again answers and records are back. The server keeps running throughout.
# usage: audit-sync-failed.sh BINARY PLUGIN_DIR FIXTURE_PLUGIN_DIR
set -uo pipefail
HA_BINARY=$1 PLUGINS=$2 FIXTURES=$3
. "$(dirname "$0")/../lib.sh"
SHIM=$(cd "$FIXTURES/.." && pwd)/test-preload/libha_fail_fdatasync.so
[ -f "$SHIM" ] || { echo "FAIL: the fdatasync shim was not built ($SHIM)"; exit 1; }
KEY=it-key-$(openssl rand -hex 16)
MARKER=$WORK/fail-sync
AUDIT=$WORK/audit-sync.jsonl
# The shim comes before the sanitizer runtime in the library list: tell ASan that is intended.
HA_AUDIT_PATH=$AUDIT HA_AUDIT_SYNC=batch ha_start syncfail "plugins:
  directory: $PLUGINS" API_KEY="$KEY" RATE_LIMIT_REQUESTS=1000 LD_PRELOAD="$SHIM" HA_TEST_FAIL_SYNC_WHILE="$MARKER" \
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" || exit 1

lines() { wc -l <"$AUDIT"; }
conversations() { jq -r '.conversation_id // .type' "$AUDIT" | tr '\n' ' '; }

chat "How much disk space is left?" before
expect_status "syncs succeed: the answer" 200
expect_eq "one record" "$(lines)" 1

touch "$MARKER"
chat "How much disk space is left?" failed-1
expect_status "the sync fails: 500 instead of an answer whose record is not on disk" 500
expect_jq "  says the answer was withheld" '.error | test("the audit log could not be written; the answer was withheld")'
expect_no_body "  nothing of the answer" "Disk space"
check "  the connection is closed after it" header_has "Connection: close"
check "  the request id is kept" header_has "X-Request-Id: [0-9a-f]"
expect_eq "  its record was cut from the file" "$(lines)" 1
req POST /v1/tools/cpu.usage -H "X-API-Key: $KEY"
expect_status "a tool call: 500" 500
expect_jq "  says the result was withheld" '.error | test("the result was withheld")'
expect_no_body "  nothing of the result" "usage_percent"
req POST /v1/chat/completions -H "Authorization: Bearer $KEY" -H "Content-Type: application/json" \
  -d '{"model":"homelab-assistant","messages":[{"role":"user","content":"How much disk space is left?"}]}'
expect_status "an OpenAI-style completion: 500" 500
expect_jq "  in OpenAI's error shape" '.error.message | test("the answer was withheld")'
expect_grep "the server log names the cause and the request" \
  'audit log .*fdatasync failed: Input/output error \(request [0-9a-f]{16}\)' "$LOG"
expect_eq "no withheld answer left a record" "$(lines)" 1

rm -f "$MARKER"
chat "How much disk space is left?" after
expect_status "syncs succeed again: the answer" 200
expect_eq "its record follows the first, nothing between" "$(conversations)" "before after "
check "every line is whole JSON" jq -e . "$AUDIT"
req GET /health
expect_status "the server kept running" 200
check "the server stops cleanly" ha_stop "$PID"
finish
