#!/usr/bin/env bash
# The whole test suite, as `make test` and CI run it:
#  1. gcc build + ctest            2. clang build + ctest
#  3. ASan+UBSan build + ctest     4. Cortex-M4F cross build, size report, core checks
#  5. libFuzzer smoke run of every fuzz target (clang)
# Each build is warning-free at -Wall -Wextra -Werror (see CMakeLists.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-$(nproc)}
FUZZ_SECONDS=${FUZZ_SECONDS:-10}
start=$(date +%s)
stage() { printf '\n=== %s (%ds)\n' "$1" $(( $(date +%s) - start )); }

build_and_test() { # dir compiler extra-cmake-args...
  local dir=$1 cc=$2; shift 2
  cmake -S . -B "$dir" -G Ninja -DCMAKE_C_COMPILER="$cc" "$@" >/dev/null
  cmake --build "$dir" -j "$JOBS"
  ctest --test-dir "$dir" -j "$JOBS" --output-on-failure
}

stage "gcc"
build_and_test build/gcc gcc -DCMAKE_BUILD_TYPE=RelWithDebInfo
stage "clang"
build_and_test build/clang clang -DCMAKE_BUILD_TYPE=RelWithDebInfo
stage "ASan+UBSan (clang)"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  build_and_test build/asan clang -DCMAKE_BUILD_TYPE=Debug -DPP_SANITIZE=ON
stage "Cortex-M4F cross build"
make --no-print-directory cross
stage "fuzz smoke (${FUZZ_SECONDS}s per target)"
bash scripts/fuzz.sh build/fuzz "$FUZZ_SECONDS"
stage "all passed"
