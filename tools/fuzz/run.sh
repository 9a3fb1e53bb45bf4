#!/bin/sh
# Runs one libFuzzer target: run.sh EXE SECONDS NEW_INPUTS_DIR SEED_DIR...
# CTIGW_FUZZ_SECONDS overrides SECONDS (make fuzz-long). Prints libFuzzer's final stats.
set -eu
exe=$1; seconds=${CTIGW_FUZZ_SECONDS:-$2}; found=$3; shift 3
mkdir -p "$found"
exec "$exe" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
  "$found" "$@"
