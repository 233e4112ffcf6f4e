#!/bin/sh
# Starts Homelab Assistant in its container. On the first start it generates the API key (shown
# once in the log, kept 0600 in the data volume) and a self-signed certificate unless one is
# mounted; at every start it writes the configuration for the host mounted read-only
# (/etc/homelab-assistant/container.yaml with the HA_* and TRUENAS_* variables filled in), then
# runs the server in its place (exec), which reads the service's other variables itself
# (API_KEY, GROQ_API_KEY, OPENAI_API_KEY, OPENAI_BASE_URL, LLM_PROVIDER, LLM_MODEL,
# RATE_LIMIT_REQUESTS, RATE_LIMIT_WINDOW, LOG_LEVEL).
#
# Container variables:
#   HA_LISTEN            address:port to listen on (default 0.0.0.0:8443)
#   HA_TLS_CERTIFICATE   PEM certificate and key to use instead of the generated ones
#   HA_TLS_PRIVATE_KEY   (default /data/tls/cert.pem and /data/tls/key.pem)
#   HA_TLS_NAMES         extra names for the generated certificate: "nas.lan,192.168.1.10"
#   HA_CONFIG            a configuration file of your own (mounted); nothing is generated then
#   TRUENAS_URL, TRUENAS_USERNAME, TRUENAS_API_KEY, TRUENAS_CERTIFICATE_SHA256
#                        settings of the truenas plugin (url, username, api_key, certificate_sha256)
set -eu

DATA=/data
TEMPLATE=/etc/homelab-assistant/container.yaml
SERVER=/usr/sbin/homelab-assistant
umask 077

say() { printf 'homelab-assistant: %s\n' "$*" >&2; }
die() { say "$*"; exit 78; }  # EX_CONFIG: a setup problem, restarting will not help

# matches VALUE REGEX: the whole value matches the extended regular expression
matches() { printf '%s' "$1" | grep -Eqx -- "$2"; }

if [ "${1:-}" != "" ] && [ "${1#-}" = "$1" ]; then exec "$@"; fi  # a command instead of the server

[ -d "$DATA" ] && [ -w "$DATA" ] ||
  die "$DATA is not writable by uid $(id -u): mount a volume there (compose.yaml: 'data:/data'), or chown $(id -u):$(id -g) the host directory"

# The API key clients send as X-API-Key: the environment's, else the one kept in the volume,
# else a new one, shown this once.
if [ -n "${API_KEY:-}" ]; then
  say "using the API key from the environment (API_KEY)"
elif [ -s "$DATA/api_key" ]; then
  API_KEY=$(cat "$DATA/api_key")
  chmod 0600 "$DATA/api_key" 2>/dev/null || true
  say "using the API key kept in $DATA/api_key"
else
  API_KEY=$(openssl rand -hex 24)
  printf '%s\n' "$API_KEY" >"$DATA/api_key.new"
  mv "$DATA/api_key.new" "$DATA/api_key"
  say "generated API key (shown once, kept in $DATA/api_key):"
  say "    $API_KEY"
fi
export API_KEY

# TLS: mounted files, or a self-signed EC P-256 certificate made once.
CERT=${HA_TLS_CERTIFICATE:-$DATA/tls/cert.pem}
KEY=${HA_TLS_PRIVATE_KEY:-$DATA/tls/key.pem}
for f in "$CERT" "$KEY"; do
  matches "$f" '/[A-Za-z0-9._/@+-]+' || die "TLS file path '$f' must be absolute, of letters, digits and ._/@+-"
done
if [ ! -e "$CERT" ] && [ ! -e "$KEY" ] && [ -z "${HA_TLS_CERTIFICATE:-}${HA_TLS_PRIVATE_KEY:-}" ]; then
  name=$(hostname 2>/dev/null || echo localhost)
  matches "$name" '[A-Za-z0-9.-]+' || name=localhost
  san="DNS:localhost,IP:127.0.0.1,IP:::1"
  [ "$name" = localhost ] || san="DNS:$name,$san"
  for n in $(printf '%s' "${HA_TLS_NAMES:-}" | tr ',' ' '); do
    if matches "$n" '[0-9.]+|[0-9A-Fa-f:]*:[0-9A-Fa-f:]*'; then san="$san,IP:$n"
    elif matches "$n" '[A-Za-z0-9*.-]+'; then san="$san,DNS:$n"
    else die "HA_TLS_NAMES: '$n' is neither a host name nor an IP address"; fi
  done
  mkdir -p "$DATA/tls"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
    -subj "/CN=$name" -addext "subjectAltName=$san" \
    -keyout "$DATA/tls/key.pem.new" -out "$DATA/tls/cert.pem.new" 2>/dev/null ||
    die "openssl could not make a certificate in $DATA/tls"
  chmod 0644 "$DATA/tls/cert.pem.new"
  mv "$DATA/tls/key.pem.new" "$KEY"
  mv "$DATA/tls/cert.pem.new" "$CERT"
  say "generated a self-signed certificate for $san in $DATA/tls (SHA-256 $(openssl x509 -in "$CERT" -noout -fingerprint -sha256 | cut -d= -f2))"
fi
[ -r "$CERT" ] && [ -r "$KEY" ] || die "TLS certificate $CERT or key $KEY is missing or not readable by uid $(id -u)"

if [ -n "${HA_CONFIG:-}" ]; then
  [ -r "$HA_CONFIG" ] || die "HA_CONFIG=$HA_CONFIG is not a readable file"
  exec "$SERVER" --config "$HA_CONFIG" "$@"
fi

# The configuration for this start.
LISTEN=${HA_LISTEN:-0.0.0.0:8443}
matches "$LISTEN" '(\[[0-9A-Fa-f:]+\]|[A-Za-z0-9.-]+):[0-9]{1,5}' || die "HA_LISTEN '$LISTEN' is not address:port"
extra=$DATA/.plugin-settings
: >"$extra"
if [ -z "${TRUENAS_API_KEY:-}" ]; then
  [ -z "${TRUENAS_URL:-}" ] || say "TRUENAS_API_KEY is empty: the truenas plugin is not configured"
else
  url=${TRUENAS_URL:-wss://localhost/api/current}
  matches "$url" 'wss://[A-Za-z0-9._:@/\[\]-]+' || die "TRUENAS_URL '$url' must be wss://host[:port]/api/current"
  matches "${TRUENAS_USERNAME:-}" '[A-Za-z0-9._@-]+' || die "TRUENAS_USERNAME: the read-only TrueNAS user the key belongs to"
  matches "${TRUENAS_API_KEY:-}" '[A-Za-z0-9-]+' || die "TRUENAS_API_KEY must be the key TrueNAS showed (<id>-<key>)"
  {
    echo "    truenas:"
    echo "      url: \"$url\""
    echo "      username: \"$TRUENAS_USERNAME\""
    echo "      api_key: \"$TRUENAS_API_KEY\""
    if [ -n "${TRUENAS_CERTIFICATE_SHA256:-}" ]; then
      matches "$TRUENAS_CERTIFICATE_SHA256" '[0-9A-Fa-f:]{64,160}' || die "TRUENAS_CERTIFICATE_SHA256 must be the certificate's SHA-256 fingerprint"
      echo "      certificate_sha256: \"$TRUENAS_CERTIFICATE_SHA256\""
    fi
  } >"$extra"
fi
CONFIG=$DATA/config.generated.yaml
{
  echo "# Written by the container's entrypoint at every start from $TEMPLATE; edits are lost."
  echo "# To use your own configuration, mount it and set HA_CONFIG."
  sed -e "s|@LISTEN@|$LISTEN|" -e "s|@TLS_CERTIFICATE@|$CERT|" -e "s|@TLS_PRIVATE_KEY@|$KEY|" \
      -e "/# @PLUGIN_SETTINGS@/{r $extra" -e 'd;}' "$TEMPLATE"
} >"$CONFIG.new"
mv "$CONFIG.new" "$CONFIG"
rm -f "$extra"

exec "$SERVER" --config "$CONFIG" "$@"
