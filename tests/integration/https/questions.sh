#!/bin/bash
# The five example questions answered offline, with this machine's real numbers, and a
# conversation that goes on under its id (follow-ups use its last subject).
# usage: questions.sh BINARY PLUGIN_DIR FIXTURE_PLUGIN_DIR
set -uo pipefail
HA_BINARY=$1 PLUGINS=$2 FIXTURES=$3
. "$(dirname "$0")/../lib.sh"
KEY=it-key-$(openssl rand -hex 16)
# No engine on this socket: docker's answers say so (the docker scenarios use a real engine).
ha_start questions "plugins:
  directory: $PLUGINS
  settings:
    docker:
      socket: $WORK/no-docker.sock" API_KEY="$KEY" RATE_LIMIT_REQUESTS=1000 || exit 1

chat "Is everything running correctly?"
expect_status "health question: 200" 200
expect_jq "health question: the verdict first" '.message | test("^([0-9]+ problems?: |Everything looks fine|No problems found)")'
expect_jq "health question: Docker being unreachable is a problem, not health" '.message | test("Docker could not be checked")'
expect_jq "health question: every plugin's checks ran" '.tool_calls_made | contains(["cpu.usage","memory.usage","disk.usage","docker.containers","docker.crashes"])'
expect_jq "health question: a conversation id" '.conversation_id | length > 0'

chat "What is the CPU and memory usage?"
expect_status "cpu/memory question: 200" 200
expect_grep "cpu/memory: core count of this machine" "across $(nproc) core" <(answer)
mem_total=$(awk '/^MemTotal:/ {print $2 * 1024}' /proc/meminfo)
check "cpu/memory: total memory of this machine ($(human_bytes "$mem_total"))" grep -qF "of $(human_bytes "$mem_total") used" <(answer)
expect_jq "cpu/memory: exactly the two capabilities" '.tool_calls_made == ["cpu.usage","memory.usage"]'

chat "How much disk space is left?"
root_total=$(df -B1 --output=size / | tail -1 | tr -d ' ')
expect_status "disk question: 200" 200
check "disk question: root filesystem size ($(human_bytes "$root_total"))" grep -qF "free of $(human_bytes "$root_total")" <(answer)
expect_grep "disk question: lists /" "^- / \(" <(answer)
conv=$(jq -r .conversation_id "$BODY_FILE")
chat "and memory?" "$conv"
expect_jq "a follow-up in the same conversation" ".conversation_id == \"$conv\" and .tool_calls_made == [\"memory.usage\"]"

chat "What containers are running?"
expect_status "container question: 200" 200
expect_jq "container question: says Docker is not reachable" '.message | test("Docker is not reachable")'
chat "Did any service crash recently?"
expect_status "crash question: 200" 200
expect_jq "crash question: asked docker" '.tool_calls_made == ["docker.crashes"]'

chat "Is my UPS on battery?"
expect_jq "a question nothing here answers: said plainly" '.message | test("nothing on this server reports .battery.")'
expect_jq "and nothing ran" '.tool_calls_made == []'
chat "Is my ZFS pool healthy?"
expect_jq "a question only a denied plugin answers: the policy is named" '.message | test("the policy does not allow .zfs.pools.")'
expect_jq "and nothing ran" '.tool_calls_made == []'
check "the server stops cleanly" ha_stop "$PID"
finish
