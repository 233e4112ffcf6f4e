#!/bin/bash
# Installs what the tests need (Debian packages, as root or through sudo), builds everything
# with AddressSanitizer and UndefinedBehaviorSanitizer, warnings as errors, and runs every test.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build-tests}

"$ROOT/packaging/install-deps.sh" test
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Debug -DHA_SANITIZE=ON -DHA_WERROR=ON >/dev/null
cmake --build "$BUILD" -j"$(nproc)"
cd "$BUILD"
# Scenarios use kernel-chosen ports and their own directories; shared engines are CTest
# fixtures and resource locks, so they run in parallel.
ctest --output-on-failure --timeout 900 -j"$(nproc)" "$@"
