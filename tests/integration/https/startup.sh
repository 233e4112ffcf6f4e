#!/bin/bash
# Start-up: what the binary says and refuses before it serves (exit 78 for configuration errors).
# usage: startup.sh BINARY PLUGIN_DIR FIXTURE_PLUGIN_DIR
set -uo pipefail
HA_BINARY=$1 PLUGINS=$2 FIXTURES=$3
. "$(dirname "$0")/../lib.sh"
KEY=it-key-$(openssl rand -hex 16)

expect_exit "--version" 0 "$HA_BINARY" --version
# The ABI the headers define, so the check follows an ABI change instead of pinning a number.
ABI_H=$(dirname "$0")/../../../sdk/include/homelab_assistant/abi.h
ABI=$(awk '$2 == "HA_ABI_MAJOR" { sub(/u$/, "", $3); M = $3 } $2 == "HA_ABI_MINOR" { sub(/u$/, "", $3); print M "." $3 }' "$ABI_H")
expect_grep "--version names the ABI ($ABI)" "plugin ABI ${ABI/./\\.}\b" <(echo "$OUT")
D=$WORK/startup
mkdir -p "$D" && ha_make_cert "$D"
printf 'allow: ["cpu.*"]\n' >"$D/policy.yaml"
printf 'server:\n  listen: "127.0.0.1:0"\naudit:\n  path: audit.jsonl\nplugins:\n  directory: %s\n' "$PLUGINS" >"$D/config.yaml"
expect_exit "no API key: refused" 78 env -u API_KEY "$HA_BINARY" --config "$D/config.yaml"
expect_grep "says which variable to set" "no API key configured: set the API_KEY" <(echo "$OUT")
expect_exit "a short API key: refused" 78 env API_KEY=short "$HA_BINARY" --config "$D/config.yaml"
expect_exit "--check-config accepts a good configuration" 0 env API_KEY="$KEY" "$HA_BINARY" --config "$D/config.yaml" --check-config
expect_grep "--check-config summarises" "configuration OK.*provider offline" <(echo "$OUT")
expect_exit "--list-plugins" 0 "$HA_BINARY" --config "$D/config.yaml" --list-plugins
expect_grep "--list-plugins lists the built plugins" "loaded   tool-cpu.so: cpu .*answers" <(echo "$OUT")
expect_grep "--list-plugins shows the policy decision" "cpu.usage \[read-only\] allowed" <(echo "$OUT")

printf 'allow:\n  - cpu.*\n - disk.*\n' >"$D/policy.yaml"
expect_exit "invalid policy YAML: refused" 78 env API_KEY="$KEY" "$HA_BINARY" --config "$D/config.yaml"
expect_grep "the error names the policy file and line" "policy.yaml:3:2: invalid YAML" <(echo "$OUT")
printf 'allow: ["cpu.*"]\n' >"$D/policy.yaml"
printf 'server:\n  threads: lots\n' >"$D/bad.yaml"
expect_exit "invalid config: refused" 78 env API_KEY="$KEY" "$HA_BINARY" --config "$D/bad.yaml"
expect_grep "the error names the line" "bad.yaml:2" <(echo "$OUT")

# Plugin settings are checked against the plugin's own schema, naming plugin and setting.
printf 'server:\n  listen: "127.0.0.1:0"\naudit:\n  path: audit.jsonl\nplugins:\n  directory: %s\n  settings:\n    docker:\n      socket: 5\n' \
  "$PLUGINS" >"$D/settings.yaml"
expect_exit "--check-config refuses settings that break a plugin's schema" 78 \
  env API_KEY="$KEY" "$HA_BINARY" --config "$D/settings.yaml" --check-config
expect_grep "naming the plugin and the setting" \
  "tool-docker.so refused: settings \(plugins.settings.docker\): \\$\.socket: expected string, got integer" <(echo "$OUT")
printf 'llm:\n  provider: acme-llm\n' >>"$D/config.yaml"
expect_exit "a provider id no plugin provides: refused" 78 env API_KEY="$KEY" "$HA_BINARY" --config "$D/config.yaml"
expect_grep "naming the loaded providers" "LLM provider 'acme-llm' is selected but no provider plugin with that id is loaded.*loaded: groq, openai" <(echo "$OUT")

finish
