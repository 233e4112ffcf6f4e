#!/bin/bash
# The providers verify the model server's certificate strictly: a self-signed one without
# ca_file, or a trusted one for another host name, is refused.
# usage: tls.sh BINARY PLUGIN_DIR FIXTURE_PLUGIN_DIR FAKE_SERVER RESPONSES_DIR
set -uo pipefail
HA_BINARY=$1 PLUGINS=$2 FIXTURES=$3 FAKE=$4 RESP=$5
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/fake-llm.sh"
provider_plugins
fake_tls fake "$GROQ_KEY"
mkdir -p "$WORK/wrongname/tls"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=example.invalid" \
  -addext "subjectAltName=DNS:example.invalid" -keyout "$WORK/wrongname/tls/key.pem" -out "$WORK/wrongname/tls/cert.pem" 2>/dev/null
fake_start wrongfake --tls "$WORK/wrongname/tls/cert.pem" "$WORK/wrongname/tls/key.pem"
WRONG_URL=https://127.0.0.1:$FAKE_PORT
groq_config() {  # groq_config BASE_URL CA_FILE
  printf 'llm:\n  provider: groq\n  fallback: error\nplugins:\n  directory: %s\n  settings:\n    groq:\n      base_url: %s\n      request_timeout_ms: 2000\n%s' \
    "$PLUGIN_DIR" "$1" "${2:+      ca_file: $2
}"
}
provider_policy untrusted
ha_start untrusted "$(groq_config "$FAKE_URL/openai/v1" "")" API_KEY="$KEY" GROQ_API_KEY="$GROQ_KEY" || exit 1
chat "cpu?"
expect_status "self-signed server without ca_file: refused (502)" 502
expect_body "and the error says the certificate was rejected" "certificate"
ha_stop "$PID"
provider_policy wronghost
ha_start wronghost "$(groq_config "$WRONG_URL/openai/v1" "$WORK/wrongname/tls/cert.pem")" API_KEY="$KEY" GROQ_API_KEY="$GROQ_KEY" || exit 1
chat "cpu?"
expect_status "trusted certificate for another host name: refused (502)" 502
expect_body "and the error says the certificate was rejected" "certificate"
check "the server stops cleanly" ha_stop "$PID"
# The TLS context is built by the first request, but a ca_file that cannot serve is refused at start.
provider_policy badca
ha_make_cert "$WORK/badca"
echo "not a certificate" >"$WORK/badca/ca.pem"
printf 'server:\n  listen: "127.0.0.1:0"\n  tls_certificate: %s\n  tls_private_key: %s\naudit:\n  path: %s\n%s' \
  "$WORK/badca/tls/cert.pem" "$WORK/badca/tls/key.pem" "$WORK/badca/audit.jsonl" \
  "$(groq_config "$FAKE_URL/openai/v1" "$WORK/badca/ca.pem")" >"$WORK/badca/config.yaml"
expect_exit "a ca_file without a certificate: refused at start" 78 \
  env API_KEY="$KEY" GROQ_API_KEY="$GROQ_KEY" "$HA_BINARY" --config "$WORK/badca/config.yaml" --check-config
expect_grep "naming the file" "provider-groq.so refused: create\(\) failed: ca_file $WORK/badca/ca.pem cannot be read or holds no PEM certificate" <(echo "$OUT")
sed -i "s#$WORK/badca/ca.pem#$WORK/badca/missing.pem#" "$WORK/badca/config.yaml"
expect_exit "a ca_file that does not exist: refused at start" 78 \
  env API_KEY="$KEY" GROQ_API_KEY="$GROQ_KEY" "$HA_BINARY" --config "$WORK/badca/config.yaml" --check-config
expect_grep "naming the file" "ca_file $WORK/badca/missing.pem cannot be read" <(echo "$OUT")
expect_no_key_leak
finish
