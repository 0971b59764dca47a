#!/usr/bin/env bash
# Runs every benchmark of a build directory; each prints its ratio to a baseline.
set -euo pipefail
dir=${1:-build/gcc}
shopt -s nullglob
for b in "$dir"/bench/bench_*; do
  [ -x "$b" ] || continue
  echo "=== $(basename "$b")"; "$b"
done
