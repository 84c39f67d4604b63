#!/usr/bin/env bash
# Runs every built fuzzer for a short time on its seed corpus.
# Usage: tests/fuzz/run_fuzzers.sh BUILD_DIR SECONDS_EACH
set -euo pipefail
build=$1
seconds=${2:-20}
here=$(cd "$(dirname "$0")" && pwd)
status=0
for fuzzer in "$build"/tests/fuzz/*_fuzzer; do
  [ -x "$fuzzer" ] || continue
  name=$(basename "$fuzzer")
  seeds="$here/corpus/${name%_fuzzer}"
  work=$(mktemp -d)
  [ -d "$seeds" ] && cp -r "$seeds"/. "$work"/
  echo "fuzz: $name for ${seconds}s"
  if ! "$fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
       -print_final_stats=1 "$work" > "$work.log" 2>&1; then
    echo "fuzz: $name FAILED"; tail -n 40 "$work.log"; status=1
  else
    grep -E "stat::number_of_executed_units|stat::new_units_added" "$work.log" || true
  fi
  rm -rf "$work" "$work.log"
done
exit $status
