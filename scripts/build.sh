#!/usr/bin/env bash
# Installs what is missing and builds build/preflight.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DPREFLIGHT_TESTS=OFF >/dev/null
cmake --build build --target preflight -j"$(nproc)"
