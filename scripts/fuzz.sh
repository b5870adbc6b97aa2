#!/usr/bin/env bash
# Runs every fuzz target (fuzz/) for a while on its corpus, one after the
# other, in the sanitizer build (built if needed):
#   scripts/fuzz.sh [SECONDS_EACH] [TARGET...]     default 60 s, all targets
# New inputs are kept in build-san/fuzz/found/NAME; a crash leaves the input
# as build-san/fuzz/found/NAME-crash-…, the other targets still run, and the
# script fails at the end. To keep an input as a seed, copy it to fuzz/corpus/NAME (never a file
# holding a private key).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
build=${PREFLIGHT_SANITIZER_BUILD:-build-san}
if [[ ! -f $build/build.ninja ]] || ! grep -q "PREFLIGHT_FUZZ:BOOL=ON" "$build/CMakeCache.txt"; then
  PREFLIGHT_SANITIZER_BUILD=$build scripts/test-sanitizers.sh --build-only
fi
cmake --build "$build" -j"$(nproc)"
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  mapfile -t targets < <(find "$build/fuzz" -maxdepth 1 -name 'fuzz_*' -type f -executable \
    -printf '%f\n' | sed 's/^fuzz_//' | sort)
fi
export ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
failed=()
for t in "${targets[@]}"; do
  echo "== fuzz_$t for ${seconds} s"
  fuzz/run.sh "$build/fuzz/fuzz_$t" "$build/fuzz/found/$t" -max_total_time="$seconds" \
    fuzz/corpus/"$t" "$build/fuzz/seeds/$t" || failed+=("$t")
done
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz targets that found a fault (inputs in $build/fuzz/found/NAME-*): ${failed[*]}" >&2
  exit 1
fi
