#!/bin/sh
# The image's HEALTHCHECK: GET /health over TLS on the loopback and expect "healthy". It uses
# openssl s_client because the package depends on openssl anyway (the entrypoint makes the key
# and certificate with it); curl would add libcurl and its libraries to the image for this alone.
# The certificate is not verified: this checks that the server answers, on the address the
# configuration gives (HA_CONFIG, else the generated one).
set -u
config=${HA_CONFIG:-/data/config.generated.yaml}
listen=$(sed -n 's/^  listen: *"\{0,1\}\([^"# ]*\)"\{0,1\}.*/\1/p' "$config" 2>/dev/null | head -n 1)
[ -n "$listen" ] || { echo "no server.listen in $config"; exit 1; }
port=${listen##*:}
host=${listen%:*}
case "$host" in
  0.0.0.0|"") host=127.0.0.1 ;;
  "[::]") host="[::1]" ;;
esac
reply=$(printf 'GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' |
  timeout 5 openssl s_client -quiet -connect "$host:$port" -servername localhost 2>/dev/null)
case "$reply" in
  "HTTP/1.1 200"*'"status":"healthy"'*) exit 0 ;;
  *) echo "GET https://$host:$port/health: $(printf '%s' "$reply" | head -c 200)"; exit 1 ;;
esac
