# Helpers for the provider scenarios: the local fake OpenAI-compatible server (tests/fake-llm),
# scripts of recorded responses, and what it recorded. Source it after ../lib.sh.
# Expects FAKE (the fake server binary) and RESP (the recorded responses directory).

KEY=llm-key-$(openssl rand -hex 12)
GROQ_KEY=gsk_test$(openssl rand -hex 20)
OPENAI_KEY=sk-test-$(openssl rand -hex 20)
AUTH=(-H "X-API-Key: $KEY")
REQS=$WORK/requests.json

# fake_start NAME [fake args...]: starts a fake server; sets FAKE_PORT.
fake_start() {
  local name=$1
  shift
  mkdir -p "$WORK/$name"
  "$FAKE" --port-file "$WORK/$name/port" "$@" >"$WORK/$name/fake.log" 2>&1 &
  HA_PIDS="${HA_PIDS:-} $!"
  local i
  for i in $(seq 1 50); do [ -s "$WORK/$name/port" ] && break; sleep 0.1; done
  FAKE_PORT=$(cat "$WORK/$name/port")
}
# fake_tls NAME KEY_EXPECTED: a fake over TLS with its own certificate; sets FAKE_URL, FAKE_CA.
fake_tls() {
  ha_make_cert "$WORK/$1"
  fake_start "$1" --tls "$WORK/$1/tls/cert.pem" "$WORK/$1/tls/key.pem" ${2:+--expect-key "$2"}
  FAKE_URL=https://127.0.0.1:$FAKE_PORT
  FAKE_CA=$WORK/$1/tls/cert.pem
}
script() {  # script JSON: load the fake's next responses
  curl -sf --cacert "$FAKE_CA" -d "$1" "$FAKE_URL/__control/script" -o /dev/null || echo "cannot load script"
}
recorded() { curl -sf --cacert "$FAKE_CA" "$FAKE_URL/__control/requests" -o "$REQS"; }
step() { printf '{"status":%s,"body_file":"%s/%s"%s}' "$1" "$RESP" "$2" "${3:+,$3}"; }
nreq() { jq length "$REQS"; }
rq() { jq -r "$1" "$REQS"; }

# The in-tree plugins plus the fixture tools, and a policy that allows the fixture's echo only
# through a deny test.
provider_plugins() {
  ha_plugin_dir plugins "$PLUGINS"/*.so "$FIXTURES/good_tools.so"
}
provider_policy() {  # provider_policy NAME
  mkdir -p "$WORK/$1"
  printf 'allow: ["cpu.*", "memory.*", "disk.*", "fixture.*"]\ndeny: ["fixture.echo"]\n' >"$WORK/$1/policy.yaml"
}
# The keys of this run never reach a log, an audit line or the model server's record.
expect_no_key_leak() {
  expect_no_grep "provider keys never in a server log" "$GROQ_KEY" "$WORK"/*/server.log
  expect_no_grep "the OpenAI key never in a server log" "$OPENAI_KEY" "$WORK"/*/server.log
  expect_no_grep "provider keys never in an audit log" "$GROQ_KEY" "$WORK"/*/audit.jsonl
  expect_no_grep "the OpenAI key never in an audit log" "$OPENAI_KEY" "$WORK"/*/audit.jsonl
}
