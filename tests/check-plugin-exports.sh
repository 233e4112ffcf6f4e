#!/bin/bash
# Asserts that every plugin in the given directories exports exactly one dynamic symbol,
# homelab_assistant_plugin_entry (no_entry.so, which is not a plugin, must export none of it).
set -euo pipefail
status=0
checked=0
for dir in "$@"; do
  for so in "$dir"/*.so; do
    [ -e "$so" ] || continue
    name=$(basename "$so")
    symbols=$(nm -D --defined-only "$so" | awk '{print $3}' | sort | tr '\n' ' ')
    if [ "$name" = no_entry.so ]; then
      continue
    fi
    checked=$((checked + 1))
    if [ "$symbols" = "homelab_assistant_plugin_entry " ]; then
      echo "ok   $name"
    else
      echo "FAIL $name exports: $symbols"
      status=1
    fi
  done
done
[ "$checked" -gt 0 ] || { echo "FAIL no plugins found in: $*"; exit 1; }
echo "$checked plugins checked"
exit $status
