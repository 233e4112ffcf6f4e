#!/bin/bash
# GET / serves the web page from server.web_root: correct MIME types, a strict
# Content-Security-Policy and the other security headers, ETag revalidation, no-cache for the
# page and a year for hashed file names, HEAD, JSON 404s, and nothing outside the folder
# (../, %2e%2e, symbolic links out of it, hidden files). The page asks for no other origin.
# usage: web-page.sh BINARY PLUGIN_DIR FIXTURE_PLUGIN_DIR
set -uo pipefail
HA_BINARY=$1 PLUGINS=$2
. "$(dirname "$0")/../lib.sh"
SOURCE_WEB=$(cd "$(dirname "$0")/../../../host/web" && pwd)
KEY=web-key-$(openssl rand -hex 12)

# A copy of the page plus what a hostile or careless folder may hold.
HA_WEB_ROOT=$WORK/web
cp -r "$SOURCE_WEB" "$HA_WEB_ROOT"
echo "outside" >"$WORK/secret.txt"
ln -s "$WORK/secret.txt" "$HA_WEB_ROOT/leak.txt"
ln -s /etc "$HA_WEB_ROOT/etc"
echo "hidden" >"$HA_WEB_ROOT/.env.txt"
echo "body{}" >"$HA_WEB_ROOT/theme.0123abcd.css"
ha_start web "plugins:
  directory: $PLUGINS" API_KEY="$KEY" || exit 1

CSP="default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; font-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; require-trusted-types-for 'script'"
req GET /
expect_status "GET /: 200" 200
expect_grep "GET /: text/html; charset=utf-8" '^Content-Type: text/html; charset=utf-8' "$HEADERS"
expect_body "GET /: the page" '<title>Homelab Assistant</title>'
check "GET /: the strict Content-Security-Policy" grep -qF "Content-Security-Policy: $CSP" "$HEADERS"
expect_grep "X-Frame-Options: DENY" '^X-Frame-Options: DENY' "$HEADERS"
expect_grep "X-Content-Type-Options: nosniff" '^X-Content-Type-Options: nosniff' "$HEADERS"
expect_grep "Referrer-Policy: no-referrer" '^Referrer-Policy: no-referrer' "$HEADERS"
expect_grep "index.html: Cache-Control no-cache" '^Cache-Control: no-cache' "$HEADERS"
etag=$(sed -n 's/^ETag: \("[0-9a-f]*"\).*/\1/p' "$HEADERS" | tr -d '\r')
check "an ETag from the content" [ ${#etag} = 34 ]
length=$(sed -n 's/^Content-Length: \([0-9]*\).*/\1/p' "$HEADERS" | tr -d '\r')
req GET / -H "If-None-Match: $etag"
expect_status "If-None-Match with the ETag: 304" 304
check "304: no body" [ ! -s "$BODY_FILE" ]
req GET / -H 'If-None-Match: "0000"'
expect_status "another ETag: 200" 200
req HEAD / -I
expect_status "HEAD /: 200" 200
expect_grep "HEAD /: the same Content-Length" "^Content-Length: $length" "$HEADERS"
# With -I curl writes the headers where the body would go: nothing may follow them.
check "HEAD /: headers only" cmp -s "$BODY_FILE" "$HEADERS"

for f in "app.css text/css; charset=utf-8" "js/main.js text/javascript; charset=utf-8" \
         "js/chat.js text/javascript; charset=utf-8" "favicon.svg image/svg+xml"; do
  path=${f%% *} type=${f#* }
  req GET "/$path"
  expect_status "/$path: 200" 200
  check "/$path: $type" grep -qF "Content-Type: $type" "$HEADERS"
done
req GET /theme.0123abcd.css
expect_grep "a hashed file name: cached for a year" '^Cache-Control: public, max-age=31536000, immutable' "$HEADERS"

req GET /missing.js
expect_status "a missing file: 404" 404
check "a missing file: JSON error" is_error_json
expect_grep "404s carry the CSP too" '^Content-Security-Policy: ' "$HEADERS"
for path in /../../etc/passwd /js/../../../etc/passwd /%2e%2e/%2e%2e/etc/passwd /js/%2e%2e/%2e%2e/etc/passwd \
            /%2E%2E/secret.txt /leak.txt /etc/passwd /etc/hostname /.env.txt /js/ /js //index.html '/a%00.js' '/js%2f..%2f..%2fsecret.txt'; do
  req GET "$path" --path-as-is
  check "$path: refused (404 JSON), nothing from outside" bash -c '[ "$0" = 404 ] && ! grep -q "outside\|root:" "$1"' "$STATUS" "$BODY_FILE"
done
req POST / -d '{}'
expect_status "POST /: 404 as before" 404
req GET /v1/nothing "-H" "X-API-Key: $KEY"
expect_status "an unknown API path is still 'no such endpoint'" 404
expect_body "... with that message" "no such endpoint"
req GET /health
expect_jq "/health is unchanged" '.status == "healthy"'

check "the page names no other origin" bash -c '! grep -rEn "(https?:)?//[a-z0-9.-]+\.[a-z]{2,}" --include="*.html" --include="*.js" --include="*.css" "$0" | grep -v "^.*://\(127\|localhost\)"' "$SOURCE_WEB"
check "no inline script or style in the page" bash -c '! grep -En "<script>|<script [^>]*>[^<]|<style|style=\"| on[a-z]+=\"" "$0"/index.html' "$SOURCE_WEB"
ha_stop "$PID"

HA_WEB_ROOT=$WORK/not-there
ha_start missing "plugins:
  directory: $PLUGINS" API_KEY="$KEY" || exit 1
req GET /
expect_status "web_root missing: GET / 404" 404
expect_jq "... saying the page is not installed there" ".error | test(\"not installed in $WORK/not-there\")"
expect_grep "... and the start-up log warned" "server.web_root .*not-there is not a directory" "$LOG"
ha_stop "$PID"
finish
