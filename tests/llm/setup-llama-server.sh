#!/bin/bash
# Vendored from the team's shared/llm/; tests prefer ../shared/llm/ when it exists.
# Fetch Debian sid's llama.cpp server + its runtime libs as .debs (Debian apt repo only),
# extract them (no dpkg install, the bookworm system is untouched) and make a runnable tree.
# usage: setup-llama-server.sh DEST      (afterwards: DEST/llama-server --version)
set -euo pipefail
DEST=$(realpath -m "${1:-/tmp/llama-sid}")
mkdir -p "$DEST"/apt/lists/partial "$DEST"/apt/cache/archives/partial "$DEST"/debs "$DEST"/root
mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null | grep -E '^(URIs:|deb )' | grep -oE 'https?://[^ ]+/debian/?$|https?://[^ ]+/debian ' | grep -v -e snapshot -e security | head -1 | tr -d ' ' || true)
[ -n "$mirror" ] || { echo 'no Debian mirror found in the apt sources' >&2; exit 1; }
echo "deb $mirror sid main" > "$DEST/apt/sources.list"
APT=(-o Dir::Etc::SourceList="$DEST/apt/sources.list" -o Dir::Etc::SourceParts=/nonexistent
     -o Dir::State::Lists="$DEST/apt/lists" -o Dir::Cache="$DEST/apt/cache" -o APT::Sandbox::User=root)
apt-get "${APT[@]}" update -qq
PKGS="llama.cpp-tools libllama0 libggml0 libc6 libgcc-s1 libstdc++6 libgomp1 libssl3t64 zlib1g libzstd1"
(cd "$DEST/debs" && apt-get "${APT[@]}" download $PKGS)
for f in "$DEST"/debs/*.deb; do dpkg-deb -x "$f" "$DEST/root"; done
L="$DEST/root/usr/lib/x86_64-linux-gnu"
# ggml looks for libggml-cpu-<variant>.so next to the executable; the executable here is ld.so
for f in "$L"/ggml/backends0/*.so; do ln -sf "ggml/backends0/$(basename "$f")" "$L/"; done
cat > "$DEST/llama-server" <<EOS
#!/bin/sh
exec "$L/ld-linux-x86-64.so.2" --library-path "$L:$L/llama" "$DEST/root/usr/bin/llama-server" "\$@"
EOS
chmod +x "$DEST/llama-server"
if "$L/ld-linux-x86-64.so.2" --library-path "$L:$L/llama" --list "$DEST/root/usr/bin/llama-server" | grep -q 'not found'; then
  echo "missing libraries (sid changed its dependencies?):" >&2
  "$L/ld-linux-x86-64.so.2" --library-path "$L:$L/llama" --list "$DEST/root/usr/bin/llama-server" | grep 'not found' >&2; exit 1
fi
"$DEST/llama-server" --version
