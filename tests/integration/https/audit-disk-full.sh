#!/bin/bash
# The audit log on a full filesystem (a small tmpfs filled up with a filler file): an answer that
# cannot be audited is withheld (500), and the failed append leaves no torn line behind; once
# space returns the next record is a clean line of its own. (Before, the part of the record that
# fitted stayed in the file and the next record was glued onto it.)
# usage: audit-disk-full.sh BINARY PLUGIN_DIR FIXTURE_PLUGIN_DIR
set -uo pipefail
HA_BINARY=$1 PLUGINS=$2 FIXTURES=$3
. "$(dirname "$0")/../lib.sh"
KEY=it-key-$(openssl rand -hex 16)
FS=$WORK/auditfs
mkdir -p "$FS"
[ "$(id -u)" = 0 ] || { echo "SKIP: mounting a small tmpfs needs root"; exit 77; }
mount -t tmpfs -o size=256k,mode=0755 tmpfs "$FS" 2>"$WORK/mount.err" ||
  { echo "SKIP: mount -t tmpfs is not permitted here: $(cat "$WORK/mount.err")"; exit 77; }
disk_cleanup() {
  local pid
  for pid in ${HA_PIDS:-}; do { kill -KILL "$pid" && wait "$pid"; } 2>/dev/null || true; done
  umount "$FS" 2>/dev/null || umount -l "$FS"
  ha_cleanup
}
trap disk_cleanup EXIT
AUDIT=$FS/audit.jsonl
HA_AUDIT_PATH=$AUDIT ha_start full "plugins:
  directory: $PLUGINS" API_KEY="$KEY" RATE_LIMIT_REQUESTS=1000 || exit 1

# Every line a whole JSON object and the file ending with a newline: no torn record anywhere.
whole_lines() { [ ! -s "$AUDIT" ] || { [ "$(tail -c1 "$AUDIT" | od -An -c | tr -d ' ')" = '\n' ] && jq -e . "$AUDIT" >/dev/null 2>&1; }; }
lines() { wc -l <"$AUDIT"; }
# Records bigger than a page, so no failed one can fit into the slack of the file's last page.
BIG=$(head -c 3950 /dev/zero | tr '\0' d)

for i in 1 2 3; do chat "How much disk space is left? $i"; done
expect_status "answers while there is space" 200
expect_eq "three records" "$(lines)" 3
dd if=/dev/zero of="$FS/filler" bs=4096 count=1000 2>/dev/null
expect_eq "the filesystem is full" "$(df --output=avail -B1 "$FS" | tail -1 | tr -d ' ')" 0

for i in 1 2 3; do
  chat "How much disk space is left? $BIG $i" "full-$i"
  expect_status "full disk, answer $i: 500 instead of an unaudited answer" 500
  expect_jq "  says the answer was withheld" '.error | test("the answer was withheld")'
  check "  no torn line in the audit log" whole_lines
  expect_eq "  still three records" "$(lines)" 3
done
req POST /v1/tools/cpu.usage -H "X-API-Key: $KEY"
check "a small record either fits or is withheld, whole either way" whole_lines
expect_grep "the server log names the cause" "audit log .*No space left on device" "$LOG"

rm -f "$FS/filler"
chat "How much disk space is left? $BIG after" "after-full"
expect_status "space is back: 200" 200
check "the file is whole" whole_lines
expect_eq "the new record is a clean line of its own" "$(tail -1 "$AUDIT" | jq -r .conversation_id)" after-full
expect_eq "no withheld answer was recorded" "$(jq -r 'select(.conversation_id // "" | startswith("full-")) | .conversation_id' "$AUDIT" | wc -l)" 0
check "the server stops cleanly" ha_stop "$PID"
finish
