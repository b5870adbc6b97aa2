#!/usr/bin/env bash
# The Windows unit tests: cross-builds preflight.exe and the test programs and
# runs them under Wine (CTest's cross-compiling emulator), in a Wine prefix
# of their own. The Linux-side tests that drive preflight.exe (tests/windows)
# run from scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build-windows.sh --tests

# A fresh prefix: no Mono or Gecko downloads (there is no network), quiet.
export WINEPREFIX=$(mktemp -d /tmp/preflight-wine-XXXXXX)
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
trap 'wineserver -k 2>/dev/null || true; rm -rf "$WINEPREFIX"' EXIT
wineboot -i >/dev/null 2>&1

cd build-win
ctest --output-on-failure --timeout 600
