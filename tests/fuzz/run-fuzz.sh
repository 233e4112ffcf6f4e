#!/bin/bash
# Builds the fuzz targets (tests/fuzz/*.cpp) with clang's libFuzzer, ASan and UBSan over an
# instrumented tree, and runs each for a bounded time: first every input of its seed corpus
# (tests/fuzz/corpus/<target>/, which also holds the inputs of past findings as regressions),
# then new inputs until the time is up. Stops a target at its first crash, sanitizer report,
# leak or hang and prints where the input was saved; put that input into the corpus once fixed.
#
# usage: tests/fuzz/run-fuzz.sh [SECONDS per target, default 60] [TARGET ...]
#   TARGET: provider_response docker_parsers schema_validator plugin_answers redactor
#           http_request (only once host/src/net/HttpRequestParser.h exists; skipped before)
# environment: FUZZ_BUILD_DIR (default <repo>/build-fuzz), FUZZ_JOBS (build jobs, default 2)
# exit: 0 nothing found; 1 a finding or a build failure; 77 clang/libFuzzer cannot be installed
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SECONDS_PER_TARGET=${1:-60}
shift || true
BUILD=${FUZZ_BUILD_DIR:-$ROOT/build-fuzz}
JOBS=${FUZZ_JOBS:-2}
SEEDS=$ROOT/tests/fuzz/corpus

# clang 14 from Debian 12 (clang-14; libFuzzer's runtime is in libclang-rt-14-dev).
probe() {
  local dir
  dir=$(mktemp -d)
  printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' >"$dir/p.cpp"
  "$1" -fsanitize=fuzzer,address,undefined -o "$dir/p" "$dir/p.cpp" >/dev/null 2>&1
  local rc=$?
  rm -rf "$dir"
  return $rc
}
CXX=
for c in clang++-14 clang++; do
  command -v "$c" >/dev/null && probe "$c" && { CXX=$(command -v "$c"); break; }
done
if [ -z "$CXX" ] && [ "$(id -u)" = 0 ]; then
  echo "run-fuzz: installing clang-14 and libclang-rt-14-dev"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clang-14 libclang-rt-14-dev >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clang-14 libclang-rt-14-dev >/dev/null 2>&1; }
  command -v clang++-14 >/dev/null && probe clang++-14 && CXX=$(command -v clang++-14)
fi
if [ -z "$CXX" ]; then
  echo "SKIP: no clang with libFuzzer (Debian: apt-get install clang-14 libclang-rt-14-dev; needs root to install)"
  exit 77
fi
CC=${CXX/clang++/clang}

# Everything instrumented for coverage (-fsanitize=fuzzer-no-link) plus ASan and UBSan
# (HA_SANITIZE: UB aborts); only the fuzz targets link libFuzzer itself. The ignorelist exempts
# one known null+offset inside RapidJSON's stack (see the file).
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_C_FLAGS="-O1 -fsanitize=fuzzer-no-link" \
  -DCMAKE_CXX_FLAGS="-O1 -fsanitize=fuzzer-no-link -fsanitize-ignorelist=$ROOT/tests/fuzz/ubsan-ignorelist.txt" \
  -DHA_SANITIZE=ON >"$BUILD.configure.log" 2>&1 || { cat "$BUILD.configure.log"; exit 1; }
echo "run-fuzz: building the fuzz targets in $BUILD with $CXX"
cmake --build "$BUILD" --target fuzz_targets -j"$JOBS" >"$BUILD.build.log" 2>&1 ||
  { tail -40 "$BUILD.build.log"; exit 1; }

available=()
for f in "$BUILD"/tests/fuzz/fuzz_*; do [ -x "$f" ] && available+=("$(basename "$f" | sed 's/^fuzz_//')"); done
[ $# -gt 0 ] && wanted=("$@") || wanted=(provider_response docker_parsers schema_validator plugin_answers redactor http_request)
failed=0
for target in "${wanted[@]}"; do
  if [[ ! " ${available[*]} " == *" $target "* ]]; then
    if [ "$target" = http_request ] && [ ! -f "$ROOT/host/src/net/HttpRequestParser.h" ]; then
      echo "== $target: skipped, host/src/net/HttpRequestParser.h is not in this tree yet"
      continue
    fi
    echo "== $target: no such fuzz target (built: ${available[*]})"
    failed=1
    continue
  fi
  work=$BUILD/fuzz-work/$target findings=$BUILD/fuzz-findings/$target
  mkdir -p "$work" "$findings"
  log=$BUILD/fuzz-$target.log
  # New inputs go to the work corpus (kept between runs), never into the source tree.
  "$BUILD/tests/fuzz/fuzz_$target" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$findings/" "$work" "$SEEDS/$target" >"$log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  seeds=$(find "$SEEDS/$target" -type f 2>/dev/null | wc -l)
  if [ $rc -eq 0 ]; then
    echo "== $target: ok, ${runs:-?} inputs in ${SECONDS_PER_TARGET} s ($seeds seeds, ${cov:-cov: ?})"
  else
    failed=1
    echo "== $target: FOUND SOMETHING (exit $rc); input saved as:"
    ls -1t "$findings" | head -3 | sed "s|^|   $findings/|"
    grep -E 'ERROR: |runtime error|SUMMARY|Test unit written|deadly signal|ALARM|timeout' "$log" | head -12 | sed 's/^/   /'
  fi
done
exit $failed
