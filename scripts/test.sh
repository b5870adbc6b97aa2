#!/usr/bin/env bash
# The whole test suite. Installs what is missing (build tools, test servers,
# the mingw-w64 cross compiler and Wine, the packaging tools), builds what
# changed and runs:
#   1. the Windows unit tests under Wine (scripts/test-windows.sh),
#   2. the packages (scripts/package.sh: .deb, ZIP, MSI),
#   3. every Linux test, including those that drive preflight.exe under Wine
#      and the package checks (CTest label package),
#   4. the benchmark's short mode, failing on a regression of its ratios
#      against the reference tools (bench/run.sh --ci),
#   5. the Linux tests again under AddressSanitizer and UBSan, and a short run
#      of every fuzz target (scripts/test-sanitizers.sh).
# Tests that need root skip with their reason when not run as root.
#   scripts/test.sh           incremental: the build folders are kept
#   scripts/test.sh --clean   from scratch, as CI runs it (.ci/run)
# A subset, once build-test exists: see README.md, "Tests".
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  --clean) rm -rf build-test build-win build-pkg ;;
  "") ;;
  *) echo "usage: $0 [--clean]" >&2; exit 2 ;;
esac
scripts/install-deps.sh --test --windows --package
scripts/test-windows.sh
scripts/package.sh
cmake -S . -B build-test -G Ninja -DPREFLIGHT_TESTS=ON \
  -DPREFLIGHT_WINDOWS_EXE="$PWD/build-win/preflight.exe" >/dev/null
cmake --build build-test -j"$(nproc)"
(cd build-test && ctest --output-on-failure --timeout 900)
bench/run.sh --ci --binary build-test/preflight --json build-test/bench-results.json
scripts/test-sanitizers.sh
