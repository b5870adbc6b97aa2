#!/bin/sh
# Runs one fuzz target on its corpus:
#   fuzz/run.sh FUZZER WORK_DIR LIBFUZZER_FLAG... CORPUS_DIR...
# New inputs go to WORK_DIR (never into the committed corpus); corpus
# directories that do not exist are left out. A crash, leak, sanitizer
# report or timeout fails with the input saved as WORK_DIR-crash-… (or
# -leak-, -timeout-), outside the corpus.
set -eu
fuzzer=$1 work=$2
shift 2
flags="" dirs=""
for a in "$@"; do
  case $a in
    -*) flags="$flags $a" ;;
    *) [ -d "$a" ] && dirs="$dirs $a" ;;
  esac
done
mkdir -p "$work"
# 10 s per input and 2 GB are far above what any parser here should need.
# shellcheck disable=SC2086
exec "$fuzzer" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -artifact_prefix="$work-" \
  -print_final_stats=1 $flags "$work" $dirs
