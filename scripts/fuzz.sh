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
  log="$dir/$name.log"
  rc=0 # the fuzzer's own status: a crash, leak or timeout is non-zero
  "$dir/tests/$name" -max_total_time="$seconds" -print_final_stats=1 "$scratch" \
      "tests/fuzz/corpus/$name" >"$log" 2>&1 || rc=$?
  grep -E 'stat::number_of_executed_units|ERROR|SUMMARY' "$log" || true
  [ "$rc" -eq 0 ] || { echo "fuzz: $name FAILED (exit $rc)"; tail -n 40 "$log"; exit 1; }
done
