#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for N seconds from its
# seed corpus (tests/fuzz/corpus/<target>); new inputs go to a scratch dir.
set -euo pipefail
dir=${1:-build/fuzz}; seconds=${2:-60}
cd "$(dirname "$0")/.."
cmake -S . -B "$dir" -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPP_FUZZ=ON >/dev/null
cmake --build "$dir" -j "$(nproc)"
shopt -s nullglob
targets=(tests/fuzz/fuzz_*.c)
[ ${#targets[@]} -gt 0 ] || { echo "fuzz: no targets"; exit 0; }
for src in "${targets[@]}"; do
  name=$(basename "$src" .c)
  scratch="$dir/corpus-$name"; mkdir -p "$scratch"
  echo "fuzz: $name for ${seconds}s"
  "$dir/tests/$name" -max_total_time="$seconds" -print_final_stats=1 "$scratch" \
      "tests/fuzz/corpus/$name" 2>&1 | grep -E 'stat::number_of_executed_units|ERROR|SUMMARY' || true
  [ "${PIPESTATUS[0]}" -eq 0 ] || { echo "fuzz: $name FAILED"; exit 1; }
done
