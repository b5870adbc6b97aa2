#!/usr/bin/env bash
# The test suite again, built by clang with AddressSanitizer and UBSan
# (halting at the first report), plus a short run of every fuzz target on
# its corpus (fuzz/). Called by scripts/test.sh; runs on its own too:
#   scripts/test-sanitizers.sh            build-san/, everything
#   scripts/test-sanitizers.sh --build-only   configure and build, run nothing
#   PREFLIGHT_SANITIZER_BUILD=DIR ...     another build folder
# The folder is kept between runs and ccache makes a rebuild cheap.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${PREFLIGHT_SANITIZER_BUILD:-build-san}
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
# -O1 and line tables only: quicker to build than -O2 -g, and
# sanitizer reports still name file and line.
cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -gline-tables-only" \
  -DPREFLIGHT_TESTS=ON -DPREFLIGHT_SANITIZE=ON -DPREFLIGHT_FUZZ=ON "${launcher[@]}" >/dev/null
cmake --build "$build" -j"$(nproc)"
[[ ${1:-} == --build-only ]] && exit 0

export ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1:check_initialization_order=1:strict_init_order=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
cd "$build"
ctest --output-on-failure --timeout 900
