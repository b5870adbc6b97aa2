#!/usr/bin/env bash
# The whole test suite. Installs what is missing (build tools, test servers,
# the mingw-w64 cross compiler and Wine), builds from scratch and runs:
#   1. the Windows unit tests under Wine (scripts/test-windows.sh),
#   2. every Linux test, including those that drive preflight.exe under Wine,
#   3. the benchmark's short mode, failing on a regression of its ratios
#      against the reference tools (bench/run.sh --ci),
#   4. the Linux tests again under AddressSanitizer and UBSan, and a short run
#      of every fuzz target (scripts/test-sanitizers.sh).
# Tests that need root skip with their reason when not run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test --windows
rm -rf build-test build-win
scripts/test-windows.sh
cmake -S . -B build-test -G Ninja -DPREFLIGHT_TESTS=ON \
  -DPREFLIGHT_WINDOWS_EXE="$PWD/build-win/preflight.exe" >/dev/null
cmake --build build-test -j"$(nproc)"
(cd build-test && ctest --output-on-failure --timeout 900)
bench/run.sh --ci --binary build-test/preflight --json build-test/bench-results.json
scripts/test-sanitizers.sh
