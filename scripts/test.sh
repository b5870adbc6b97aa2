#!/usr/bin/env bash
# Installs what is missing (build tools and the test servers), builds from
# scratch into build-test/ and runs every test. Tests that need root skip with
# their reason when not run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
rm -rf build-test
cmake -S . -B build-test -G Ninja -DPREFLIGHT_TESTS=ON >/dev/null
cmake --build build-test -j"$(nproc)"
cd build-test
ctest --output-on-failure --timeout 900
