#!/bin/bash
# The Debian packages on a clean Debian 12: builds them (packaging/build-deb.sh), runs lintian,
# then boots a fresh debootstrap'ed bookworm with systemd in systemd-nspawn and checks there:
# apt install -> hardened service running and answering over HTTPS; upgrade keeps edited
# conffiles, the key and the certificate; a third-party plugin built against the installed -dev
# package is loaded after a restart; remove keeps configuration; purge removes configuration,
# logs and key. Exits 77 (skipped) where this machine cannot do it (not root, no mirror, no boot).
# usage: test-deb-install.sh SOURCE_DIR
set -uo pipefail
SOURCE=$1
. "$SOURCE/tests/integration/lib.sh"
. "$SOURCE/tests/integration/nspawn.sh"
ROOT=$WORK/rootfs
PORT=8443

skip() { echo "SKIPPED: $1"; echo "         the Debian packages were NOT tested in a clean system here."; exit 77; }
nspawn_usable || skip "$NSPAWN_ERROR"
if (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null; then skip "port $PORT is in use on this machine"; fi

echo "== building the packages (packaging/build-deb.sh, cached per source content with the container test)"
. "$SOURCE/tests/packaging/cached-debs.sh"
cached_debs "$SOURCE" || { echo "FAIL build-deb.sh"; exit 1; }
cp -r "$DEBS_DIR" "$WORK/debs"
VERSION=$(dpkg-parsechangelog -l "$SOURCE/packaging/debian/changelog" -S Version)
ARCH=$(dpkg --print-architecture)
MAIN=$WORK/debs/homelab-assistant_${VERSION}_${ARCH}.deb
DEV=$WORK/debs/homelab-assistant-dev_${VERSION}_${ARCH}.deb
check "homelab-assistant_${VERSION}_${ARCH}.deb built" [ -f "$MAIN" ]
check "homelab-assistant-dev_${VERSION}_${ARCH}.deb built" [ -f "$DEV" ]
check "the package version matches the project version" grep -q "project(homelab-assistant VERSION $VERSION " "$SOURCE/CMakeLists.txt"

echo "== lintian"
lintian --fail-on error,warning --display-level '>=warning' "$WORK"/debs/*.changes >"$WORK/lintian.log" 2>&1
rc=$?
grep -v 'running with root privileges' "$WORK/lintian.log" | sed 's/^/       /'
check "lintian: no errors or warnings" [ "$rc" = 0 ]

# The upgrade package: the same files under a higher version (what a point release looks like
# to the maintainer scripts and to dpkg's conffile handling).
UPGRADE_VERSION=$VERSION+upgradetest1
mkdir -p "$WORK/repack"
dpkg-deb -R "$MAIN" "$WORK/repack/pkg"
sed -i "s/^Version: .*/Version: $UPGRADE_VERSION/" "$WORK/repack/pkg/DEBIAN/control"
dpkg-deb -b "$WORK/repack/pkg" "$WORK/debs/homelab-assistant_${UPGRADE_VERSION}_${ARCH}.deb" >/dev/null

echo "== a fresh Debian 12 with systemd"
nspawn_rootfs "$ROOT" || skip "$NSPAWN_ERROR"
mkdir -p "$ROOT/opt/debs" && cp "$WORK"/debs/*.deb "$ROOT/opt/debs/"
nspawn_boot "$ROOT" || skip "$NSPAWN_ERROR"
state=$NSPAWN_STATE
check "the container booted systemd ($state)" bash -c '[ "$0" = running ] || [ "$0" = degraded ]' "$state"
trap 'nspawn_stop; ha_cleanup' EXIT

echo "== apt install"
C apt-get update -qq >"$WORK/apt.log" 2>&1
C apt-get install -y -q "/opt/debs/homelab-assistant_${VERSION}_${ARCH}.deb" >"$WORK/install.log" 2>&1
check "apt install succeeds" grep -q "Setting up homelab-assistant ($VERSION)" "$WORK/install.log"
KEY=$(sed -n 's/^API_KEY=//p' "$ROOT/etc/homelab-assistant/secrets.env")
check "the generated API key is shown once during installation" bash -c '[ -n "$0" ] && [ "$(grep -cF "$0" "$1")" = 1 ]' "$KEY" "$WORK/install.log"
check "the key is 48 hex characters" bash -c '[[ "$0" =~ ^[0-9a-f]{48}$ ]]' "$KEY"
check "secrets.env is 0640 root:homelab-assistant" [ "$(C stat -c '%a %U:%G' /etc/homelab-assistant/secrets.env)" = "640 root:homelab-assistant" ]
check "TLS key is 0640 root:homelab-assistant" [ "$(C stat -c '%a %U:%G' /etc/homelab-assistant/tls/key.pem)" = "640 root:homelab-assistant" ]
check "TLS certificate is for this host and 127.0.0.1" bash -c 'openssl x509 -in "$0" -noout -ext subjectAltName | grep -q "IP Address:127.0.0.1"' "$ROOT/etc/homelab-assistant/tls/cert.pem"
user=$(C getent passwd homelab-assistant)
check "system user homelab-assistant ($user)" bash -c '[ "$(cut -d: -f3 <<<"$0")" -lt 1000 ] && grep -q nologin <<<"$0"' "$user"
check "log directory 0750 homelab-assistant" [ "$(C stat -c '%a %U' /var/log/homelab-assistant)" = "750 homelab-assistant" ]
check "binary in /usr/sbin" C test -x /usr/sbin/homelab-assistant
plugins=$(dpkg-deb -c "$MAIN" | grep -c '/homelab-assistant/plugins/.*\.so$')
check "all $plugins plugins in /usr/lib/<triplet>/homelab-assistant/plugins" bash -c '[ "$0" -ge 6 ] && [ "$(ls "$1"/usr/lib/*/homelab-assistant/plugins/*.so | wc -l)" = "$0" ]' "$plugins" "$ROOT"
conffiles=$(C dpkg-query -W -f='${Conffiles}' homelab-assistant)
check "conffiles: config.yaml and policy.yaml in /etc/homelab-assistant" bash -c 'grep -q " /etc/homelab-assistant/config.yaml " <<<"$0" && grep -q " /etc/homelab-assistant/policy.yaml " <<<"$0"' "$conffiles"

echo "== the hardened service"
for i in $(seq 1 50); do [ "$(C systemctl is-active homelab-assistant)" = active ] && break; sleep 0.2; done
check "the service is enabled and active" [ "$(C systemctl is-enabled homelab-assistant) $(C systemctl is-active homelab-assistant)" = "enabled active" ]
props=$(C systemctl show homelab-assistant -p User -p NoNewPrivileges -p ProtectSystem -p ProtectHome -p PrivateTmp -p ReadWritePaths -p MainPID)
for p in User=homelab-assistant NoNewPrivileges=yes ProtectSystem=strict ProtectHome=read-only PrivateTmp=yes ReadWritePaths=/var/log/homelab-assistant; do
  check "unit: $p" grep -qx "$p" <<<"$props"
done
SPID=$(sed -n 's/^MainPID=//p' <<<"$props")
status=$(C cat /proc/"$SPID"/status)
check "the process runs as the service user with no_new_privs" bash -c 'grep -q "^NoNewPrivs:[[:space:]]*1" <<<"$0" && [ "$(awk "/^Uid:/ {print \$2}" <<<"$0")" = "$1" ]' "$status" "$(cut -d: -f3 <<<"$user")"
mounts=$(C cat /proc/"$SPID"/mountinfo)
check "the process sees / read-only" bash -c 'awk "\$5 == \"/\" {print \$6}" <<<"$0" | grep -q "^ro"' "$mounts"
check "and its log directory writable" bash -c 'awk "\$5 == \"/var/log/homelab-assistant\" {print \$6}" <<<"$0" | grep -q "^rw"' "$mounts"
exposure=$(C systemd-analyze security homelab-assistant --no-pager 2>/dev/null | sed -n 's/.*Overall exposure level for homelab-assistant.service: \([0-9.]*\).*/\1/p')
check "systemd-analyze security: exposure ${exposure:-?} (below 3.0)" awk -v e="${exposure:-10}" 'BEGIN { exit !(e < 3.0) }'

CACERT=$ROOT/etc/homelab-assistant/tls/cert.pem
URL=https://127.0.0.1:$PORT
req GET /health
check "installed service answers /health over HTTPS" json_eq .status healthy
req POST /chat -H "X-API-Key: $KEY" -d '{"message":"How much disk space is left?"}'
check "installed service answers /chat" bash -c '[ "$0" = 200 ] && jq -r .message "$1" | grep -q "Disk space:"' "$STATUS" "$BODY_FILE"
check "the conversation is in the audit log" grep -q "How much disk space is left" "$ROOT/var/log/homelab-assistant/audit.jsonl"
journal=$(C journalctl -u homelab-assistant --no-pager)
check "the journal shows the start-up" grep -q "listening on https://0.0.0.0:$PORT" <<<"$journal"
check "the API key is not in the journal" bash -c '! grep -qF "$0" <<<"$1"' "$KEY" "$journal"
req POST /chat -H "X-API-Key: wrong-key-0123456789" -d '{"message":"hi"}'
check "a wrong key is refused" status_is 401
req GET /
check "the installed service serves the web page at / (from /usr/share/homelab-assistant/web)" \
  bash -c '[ "$0" = 200 ] && grep -q "<title>Homelab Assistant</title>" "$1" && grep -q "^Content-Security-Policy: default-src '"'"'self'"'"'" "$2"' \
  "$STATUS" "$BODY_FILE" "$HEADERS"
req GET /js/main.js
check "and its modules as JavaScript" bash -c '[ "$0" = 200 ] && grep -qi "^Content-Type: text/javascript" "$1"' "$STATUS" "$HEADERS"
check "the page's files are in the package" C test -f /usr/share/homelab-assistant/web/index.html
sse installed-stream "How much disk space is left?"
check "the installed service streams /chat as events" bash -c '[ "$(tail -1 "$0" | jq -r .event)" = answer ]' "$EVENTS"

echo "== the client commands, as root on the installed host"
check "homelab-assistant is on a user's PATH too (/usr/bin -> /usr/sbin)" \
  [ "$(C readlink -f /usr/bin/homelab-assistant)" = /usr/sbin/homelab-assistant ]
out=$(C env -u API_KEY homelab-assistant ask "How much disk space is left?" 2>"$WORK/ask.err"); rc=$?
check "ask as root finds the URL, the key and the certificate in the installed files (exit $rc)" \
  bash -c '[ "$0" = 0 ] && grep -q "Disk space:" <<<"$1"' "$rc" "$out"
check "  and never prints the key" bash -c '! grep -qF "$0" <<<"$1" "$2"' "$KEY" "$out" "$WORK/ask.err"
out=$(C homelab-assistant status --json 2>/dev/null); rc=$?
check "status as root: the health verdict (exit $rc)" bash -c '[ "$0" = 0 ] && jq -e ".health.status == \"healthy\" and (.status.verdict | length) > 0" <<<"$1" >/dev/null' "$rc" "$out"

echo "== the SMART collector: a root timer whose files the service reads"
check "homelab-assistant-smart.timer is installed, enabled and active" \
  [ "$(C systemctl is-enabled homelab-assistant-smart.timer) $(C systemctl is-active homelab-assistant-smart.timer)" = "enabled active" ]
check "the collector is installed" C test -x /usr/libexec/homelab-assistant/homelab-assistant-smart-collect
C systemctl start homelab-assistant-smart.service
result=$(C systemctl show -p Result --value homelab-assistant-smart.service)
check "the collector ran as its hardened oneshot service (result: $result)" [ "$result" = success ]
check "its data directory is 0750 root:homelab-assistant" \
  [ "$(C stat -c '%a %U:%G' /var/lib/homelab-assistant/smart)" = "750 root:homelab-assistant" ]
index=$ROOT/var/lib/homelab-assistant/smart/index.json
if C test -x /usr/sbin/smartctl; then
  check "the index says: no disks in this container (smartmontools installed as recommended)" \
    bash -c 'jq -e "(.devices | length) == 0 and .error == \"\" and .collected_at > 0" "$0" >/dev/null' "$index"
else
  check "the index says smartctl is missing" bash -c 'jq -e ".error | test(\"smartctl is not installed\")" "$0" >/dev/null' "$index"
fi
req POST /v1/tools/smart.disks -H "X-API-Key: $KEY"
check "the service reads it: smart.disks, collected, no disks" \
  bash -c '[ "$0" = 200 ] && jq -e ".result.collected == true and .result.count == 0" "$1" >/dev/null' "$STATUS" "$BODY_FILE"

echo "== upgrade keeps edited conffiles, the key and the certificate"
sed -i 's/^  requests: 60 .*/  requests: 99                 # edited by the administrator/' "$ROOT/etc/homelab-assistant/config.yaml"
cert_before=$(sha256sum <"$ROOT/etc/homelab-assistant/tls/cert.pem")
C apt-get install -y -q "/opt/debs/homelab-assistant_${UPGRADE_VERSION}_${ARCH}.deb" >"$WORK/upgrade.log" 2>&1
check "upgrade to $UPGRADE_VERSION" [ "$(C dpkg-query -W -f='${Version}' homelab-assistant)" = "$UPGRADE_VERSION" ]
check "the edited config.yaml is kept" grep -q "edited by the administrator" "$ROOT/etc/homelab-assistant/config.yaml"
check "the API key is kept" [ "$(sed -n 's/^API_KEY=//p' "$ROOT/etc/homelab-assistant/secrets.env")" = "$KEY" ]
check "no new key is shown" bash -c '! grep -q "generated API key" "$0"' "$WORK/upgrade.log"
check "the certificate is kept" [ "$(sha256sum <"$ROOT/etc/homelab-assistant/tls/cert.pem")" = "$cert_before" ]
for i in $(seq 1 50); do curl -sf --cacert "$CACERT" "$URL/health" -o /dev/null && break; sleep 0.2; done
check "the service runs again after the upgrade" curl -sf --cacert "$CACERT" "$URL/health" -o /dev/null

echo "== a third-party plugin built against the installed -dev package"
C apt-get install -y -q "/opt/debs/homelab-assistant-dev_${VERSION}_${ARCH}.deb" g++ cmake make >"$WORK/dev.log" 2>&1
check "homelab-assistant-dev installs" grep -q "Setting up homelab-assistant-dev" "$WORK/dev.log"
C sh -c 'cp -r /usr/share/doc/homelab-assistant-dev/examples/uname /root/uname &&
  cmake -S /root/uname -B /root/uname/build && cmake --build /root/uname/build && cmake --install /root/uname/build' >"$WORK/plugin-build.log" 2>&1
check "the example builds and installs with the installed CMake package" bash -c 'ls "$0"/usr/lib/*/homelab-assistant/plugins/example-uname.so >/dev/null 2>&1' "$ROOT"
sed -i 's/^  - "docker.\*"$/  - "docker.*"\n  - "uname.*"/' "$ROOT/etc/homelab-assistant/policy.yaml"
C systemctl restart homelab-assistant
for i in $(seq 1 50); do curl -sf --cacert "$CACERT" "$URL/health" -o /dev/null && break; sleep 0.2; done
req POST /v1/tools/uname.info -H "X-API-Key: $KEY"
check "after a restart the plugin is loaded and answers" bash -c '[ "$0" = 200 ] && [ "$(jq -r .result.kernel "$1")" = "$(uname -r)" ]' "$STATUS" "$BODY_FILE"

echo "== Docker socket access is an explicit opt-in"
C groupadd --system docker
docker_gid=$(C getent group docker | cut -d: -f3)
# Supplementary groups of the freshly restarted service process, one per line.
service_groups() {
  C systemctl restart homelab-assistant
  # Read the credentials once the process has exec'ed the binary (systemd forks, then sets them).
  C sh -c 'for i in $(seq 1 100); do
             pid=$(systemctl show -p MainPID --value homelab-assistant)
             [ "$(readlink /proc/$pid/exe)" = /usr/sbin/homelab-assistant ] && break
             sleep 0.1
           done
           awk "/^Groups:/ {for (i = 2; i <= NF; i++) print \$i}" /proc/$pid/status'
}
groups=$(service_groups)
check "by default the service is not in the docker group (gid $docker_gid; groups: $(echo $groups))" \
  bash -c '[ -n "$0" ] && ! grep -qx "$0" <<<"$1"' "$docker_gid" "$groups"
C install -D -m 0644 /usr/share/doc/homelab-assistant/examples/docker-access.conf \
  /etc/systemd/system/homelab-assistant.service.d/docker-access.conf
C systemctl daemon-reload
groups=$(service_groups)
check "with the documented drop-in it is (groups: $(echo $groups))" bash -c 'grep -qx "$0" <<<"$1"' "$docker_gid" "$groups"

echo "== remove keeps the configuration, purge removes configuration, logs and key"
C apt-get remove -y -q homelab-assistant >"$WORK/remove.log" 2>&1
check "remove: the binary is gone" bash -c '[ ! -e "$0/usr/sbin/homelab-assistant" ]' "$ROOT"
check "remove: the service is stopped" bash -c '! curl -sf --max-time 3 --cacert "$0" "$1/health" -o /dev/null' "$CACERT" "$URL"
check "remove: config, key and logs stay" bash -c '[ -f "$0/etc/homelab-assistant/config.yaml" ] && [ -f "$0/etc/homelab-assistant/secrets.env" ] && [ -f "$0/var/log/homelab-assistant/audit.jsonl" ]' "$ROOT"
C apt-get purge -y -q homelab-assistant >"$WORK/purge.log" 2>&1
check "purge: /etc/homelab-assistant is gone (config, key, certificate)" bash -c '[ ! -e "$0/etc/homelab-assistant" ]' "$ROOT"
check "purge: the logs are gone" bash -c '[ ! -e "$0/var/log/homelab-assistant" ]' "$ROOT"
status=$(C dpkg-query -W -f='${Status}' homelab-assistant 2>/dev/null)
check "purge: the package is no longer installed (${status:-unknown})" bash -c '[ -z "$0" ] || [[ "$0" == *not-installed ]]' "$status"

nspawn_stop
finish
